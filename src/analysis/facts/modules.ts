// Where the source of an imported package lives, the way the go command finds it: the standard
// library under GOROOT, the workspace's own module, vendor/, go.mod `replace` directives (local
// directories or other module versions), and the module cache for `require`d versions (with its
// case-encoded paths: `!x` for an upper-case X). Nothing is downloaded: a package whose source is
// not on disk resolves to null and callers keep their conservative answer.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve, sep } from 'node:path';
import { findGoMod, type GoModInfo } from './gomod';

export interface GoEnv {
  goroot: string | null;
  modcache: string | null;
  /** `go1.26.8`, for keying summaries of the standard library. */
  goVersion: string | null;
}

let env: GoEnv | null = null;

/** GOROOT, GOMODCACHE and the Go version: from the environment, else `go env` (once), else defaults. */
export function goEnv(): GoEnv {
  if (env) return env;
  let goroot = process.env.GOROOT || null;
  let modcache = process.env.GOMODCACHE || null;
  let goVersion: string | null = null;
  if (!goroot || !modcache) {
    // One short-lived `go env` per process; a missing or slow toolchain just means no std sources.
    const r = spawnSync('go', ['env', 'GOROOT', 'GOMODCACHE', 'GOVERSION'], { encoding: 'utf8', timeout: 5000 });
    if (r.status === 0) {
      const [gr, mc, gv] = r.stdout.split('\n').map((s) => s.trim());
      goroot ||= gr || null;
      modcache ||= mc || null;
      goVersion = gv || null;
    }
  }
  if (!modcache) {
    const gopath = (process.env.GOPATH || join(homedir(), 'go')).split(process.platform === 'win32' ? ';' : ':')[0];
    modcache = join(gopath, 'pkg', 'mod');
  }
  if (goroot && !goVersion) {
    try {
      goVersion = readFileSync(join(goroot, 'VERSION'), 'utf8').split('\n')[0].trim() || null;
    } catch {
      goVersion = null;
    }
  }
  env = { goroot: goroot && existsSync(join(goroot, 'src')) ? goroot : null, modcache: existsSync(modcache) ? modcache : null, goVersion };
  return env;
}

/** For tests: use these locations instead of the toolchain's. */
export function setGoEnv(e: GoEnv | null): void {
  env = e;
}

/** The module cache's case encoding: every upper-case letter becomes `!` and its lower-case form. */
export function escapeModulePath(p: string): string {
  return p.replace(/[A-Z]/g, (c) => `!${c.toLowerCase()}`);
}

/** Standard-library import paths have no dot in their first element (`net/http`, not `github.com/...`). */
export function isStdPath(path: string): boolean {
  const first = path.split('/')[0];
  return !first.includes('.') && first !== 'C';
}

export interface PackageLocation {
  /** Directory holding the package's .go files. */
  dir: string;
  /** The import path. */
  path: string;
  origin: 'std' | 'workspace' | 'vendor' | 'replace' | 'module';
  /**
   * Version key for caching what we learn from it: `go1.26.8` for std, `module@version` for the
   * module cache; null when the source can change (workspace, vendor, local replace): hash it.
   */
  version: string | null;
}

const dirCache = new Map<string, boolean>();
function isDir(p: string): boolean {
  let v = dirCache.get(p);
  if (v === undefined) {
    try {
      v = statSync(p).isDirectory();
    } catch {
      v = false;
    }
    dirCache.set(p, v);
  }
  return v;
}

function hasGoFiles(dir: string): boolean {
  if (!isDir(dir)) return false;
  try {
    return readdirSync(dir).some((f) => f.endsWith('.go') && !f.endsWith('_test.go'));
  } catch {
    return false;
  }
}

/** The longest module path in `mods` that is `path` or a prefix of it at a path boundary. */
function longestPrefix(path: string, mods: Iterable<string>): string | null {
  let best: string | null = null;
  for (const m of mods) {
    const bare = m.replace(/@.*$/, '');
    if ((path === bare || path.startsWith(`${bare}/`)) && (!best || bare.length > best.replace(/@.*$/, '').length)) best = m;
  }
  return best;
}

function inModuleCache(modPath: string, version: string, rest: string): string | null {
  const mc = goEnv().modcache;
  if (!mc) return null;
  const dir = join(mc, `${escapeModulePath(modPath)}@${escapeModulePath(version)}`, rest);
  return hasGoFiles(dir) ? dir : null;
}

/** Resolves `importPath` as imported by a file in `fromDir`. */
export function resolveImport(fromDir: string, importPath: string): PackageLocation | null {
  if (isStdPath(importPath)) {
    const gr = goEnv().goroot;
    if (!gr) return null;
    const dir = join(gr, 'src', importPath);
    return hasGoFiles(dir) ? { dir, path: importPath, origin: 'std', version: goEnv().goVersion } : null;
  }
  const mod = findGoMod(fromDir);
  if (!mod?.module) return null;
  const modDir = dirname(mod.file);
  const rest = (base: string) => importPath.slice(base.length).replace(/^\//, '');
  if (importPath === mod.module || importPath.startsWith(`${mod.module}/`)) {
    const dir = join(modDir, rest(mod.module));
    return hasGoFiles(dir) ? { dir, path: importPath, origin: 'workspace', version: cachedVersion(mod.module, modDir) } : null;
  }
  if (existsSync(join(modDir, 'vendor', 'modules.txt'))) {
    const dir = join(modDir, 'vendor', importPath);
    if (hasGoFiles(dir)) return { dir, path: importPath, origin: 'vendor', version: null };
  }
  return resolveDependency(mod, modDir, importPath);
}

/** A module read from the module cache (`…/mod/github.com/x/y@v1.2.3`) never changes: its version names it. */
function cachedVersion(module: string, modDir: string): string | null {
  const mc = goEnv().modcache;
  if (!mc || !modDir.startsWith(mc + sep)) return null;
  const at = modDir.lastIndexOf('@');
  return at > modDir.lastIndexOf(sep) ? `${module}${modDir.slice(at)}` : null;
}

function resolveDependency(mod: GoModInfo, modDir: string, importPath: string): PackageLocation | null {
  const req = mod.requires ? longestPrefix(importPath, mod.requires.keys()) : null;
  const reqVersion = req ? mod.requires!.get(req)! : null;
  if (mod.replaces?.size) {
    // `replace a v1 => b` applies to that version only; `replace a => b` to all.
    const keys = [...mod.replaces.keys()].filter((k) => !k.includes('@') || (req && k === `${req}@${reqVersion}`));
    const rep = longestPrefix(importPath, keys);
    if (rep) {
      const base = rep.replace(/@.*$/, '');
      const to = mod.replaces.get(rep)!;
      const rest = importPath.slice(base.length).replace(/^\//, '');
      if (!to.version) {
        const dir = join(isAbsolute(to.path) ? to.path : resolve(modDir, to.path), rest);
        return hasGoFiles(dir) ? { dir, path: importPath, origin: 'replace', version: null } : null;
      }
      const dir = inModuleCache(to.path, to.version, rest);
      return dir ? { dir, path: importPath, origin: 'module', version: `${to.path}@${to.version}` } : null;
    }
  }
  if (!req || !reqVersion) return null;
  const dir = inModuleCache(req, reqVersion, importPath.slice(req.length).replace(/^\//, ''));
  return dir ? { dir, path: importPath, origin: 'module', version: `${req}@${reqVersion}` } : null;
}

/** Clears cached directory lookups (after files change on disk). */
export function clearModuleCaches(): void {
  dirCache.clear();
}
