// Where "Find the cause" looks: the attached program's own code, so that a CLOSE_WAIT pile in one program of a
// workspace is not blamed on a leak in another program of it (examples/ holds several in one module).
//   - program: its main package and the packages of its module that it imports, directly or not (the connection
//     registry behind a pile often lives in one of those, internal/…, rather than in package main). The main
//     package comes from the binary's build info (its package path under the module), or is the working directory
//     of `go run file.go` ("command-line-arguments");
//   - module: the whole module, when the main package is not known;
//   - workspace: the whole workspace, when the program's module is not in it (or nothing is attached).
// The module is the go.mod at or above the process's working directory or executable (in the workspace) whose
// module path is the binary's main module, else the workspace's module with that path.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { isDirectory, isWithin } from '../paths';
import { moduleOf, workspaceModules, type ProcessCandidate } from './discover';

export type CauseScope =
  | {
      kind: 'program';
      module: string;
      /** the main package's directory */
      mainDir: string;
      /** the Go files (no tests) of the main package and of the module's packages it imports */
      files: string[];
      packages: number;
    }
  | {
      kind: 'module';
      /** go.mod `module` path */
      module: string;
      /** what is analysed: the module's directory, or the workspace folder when the module's go.mod is above it */
      dir: string;
    }
  | { kind: 'workspace'; why: 'no-target' | 'no-module' };

type Target = Pick<ProcessCandidate, 'cwd' | 'exe' | 'mainModule' | 'mainPackage'>;

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
  const mainDir = mainPackageDir(target, m);
  if (mainDir) {
    const dirs = importClosure(mainDir, m);
    const files = dirs.flatMap(goFiles);
    if (files.length) return { kind: 'program', module: m.path, mainDir, files, packages: dirs.length };
  }
  // a module whose go.mod is above the opened folder: search what is open of it, not the rest of the disk
  const dir = folders.some((f) => isWithin(m.dir, f)) ? m.dir : (folders.find((f) => isWithin(f, m.dir)) ?? m.dir);
  return { kind: 'module', module: m.path, dir };
}

function mainPackageDir(t: Target, m: { path: string; dir: string }): string | undefined {
  const pkg = t.mainPackage;
  if (pkg && (pkg === m.path || pkg.startsWith(`${m.path}/`))) {
    const d = join(m.dir, pkg.slice(m.path.length));
    if (isDirectory(d)) return d;
  }
  // `go run main.go` builds "command-line-arguments" from files in its working directory
  if (t.cwd && isWithin(t.cwd, m.dir) && goFiles(t.cwd).some((f) => /^package main\b/m.test(read(f)))) return t.cwd;
  return undefined;
}

/** Non-test Go files of one directory (all build tags: a file left out could hold the leak). */
function goFiles(dir: string): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go'))
      .map((e) => join(dir, e.name))
      .sort();
  } catch {
    return [];
  }
}

function read(f: string): string {
  try {
    return readFileSync(f, 'utf8');
  } catch {
    return '';
  }
}

/** Import paths of a Go file: `import "p"`, `import name "p"` and `import ( … )` blocks. */
export function goImports(text: string): string[] {
  const src = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  // imports come before the first declaration
  const end = src.search(/^(?:func|type|var|const)\b/m);
  const head = end < 0 ? src : src.slice(0, end);
  const out: string[] = [];
  for (const m of head.matchAll(/\bimport\s*(?:\(([^)]*)\)|(?:[\w.]+\s+)?"([^"]+)")/g)) {
    if (m[2]) out.push(m[2]);
    else for (const q of m[1].matchAll(/"([^"]+)"/g)) out.push(q[1]);
  }
  return out;
}

/** The main package's directory and those of the module's packages it imports, directly or not. */
function importClosure(mainDir: string, m: { path: string; dir: string }): string[] {
  const seen = new Set([mainDir]);
  const queue = [mainDir];
  while (queue.length && seen.size < 2000) {
    for (const f of goFiles(queue.shift()!))
      for (const p of goImports(read(f))) {
        if (p !== m.path && !p.startsWith(`${m.path}/`)) continue;
        const d = join(m.dir, p.slice(m.path.length));
        if (!seen.has(d) && isDirectory(d)) {
          seen.add(d);
          queue.push(d);
        }
      }
  }
  return [...seen];
}
