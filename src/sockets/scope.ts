// Where "Find the cause" looks: the attached program's own module, so that a CLOSE_WAIT pile in one program of a
// workspace is not blamed on a leak in another. The whole module, not only the main package: the connection
// registry behind a pile usually lives in one of the module's library packages (internal/…), not in package main. The module is the go.mod at or above the process's working
// directory or executable (inside the workspace) whose module path is the binary's main module, else the
// workspace's module with that path; without one, the whole workspace.
import { dirname, resolve } from 'node:path';
import { isWithin } from '../paths';
import { moduleOf, workspaceModules, type ProcessCandidate } from './discover';

export type CauseScope =
  | {
      kind: 'module';
      /** go.mod `module` path */
      module: string;
      /** what is analysed: the module's directory, or the workspace folder when the module's go.mod is above it */
      dir: string;
    }
  | { kind: 'workspace'; why: 'no-target' | 'no-module' };

type Target = Pick<ProcessCandidate, 'cwd' | 'exe' | 'mainModule'>;

/** The nearest go.mod at or above `start` (no cache: go.mod files come and go while the program runs). */
function nearestModule(start: string): { path: string; dir: string } | undefined {
  for (let d = resolve(start); ; d = dirname(d)) {
    const path = moduleOf(d);
    if (path) return { path, dir: d };
    if (dirname(d) === d) return undefined;
  }
}

export function causeScope(target: Target | undefined, folders: readonly string[]): CauseScope {
  if (!target) return { kind: 'workspace', why: 'no-target' };
  const want = target.mainModule;
  let mod: { path: string; dir: string } | undefined;
  for (const start of [target.cwd, target.exe && dirname(target.exe)]) {
    if (!start || !folders.some((f) => isWithin(start, f) || isWithin(f, start))) continue;
    const m = nearestModule(start);
    // a go.mod of another module (the program was started from a sibling module's folder) is not the program's
    if (m && (!want || m.path === want)) {
      mod = m;
      break;
    }
  }
  if (!mod && want)
    for (const f of folders) {
      mod = workspaceModules(f).find((m) => m.path === want);
      if (mod) break;
    }
  if (!mod) return { kind: 'workspace', why: 'no-module' };
  const m = mod;
  // a module whose go.mod is above the opened folder: search what is open of it, not the rest of the disk
  const dir = folders.some((f) => isWithin(m.dir, f)) ? m.dir : (folders.find((f) => isWithin(f, m.dir)) ?? m.dir);
  return { kind: 'module', module: m.path, dir };
}
