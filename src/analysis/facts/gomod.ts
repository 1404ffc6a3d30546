// The Go version that governs a file: the `go` line of the nearest go.mod (the language version the
// compiler enforces), with the `toolchain` line kept for messages.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

export interface GoModInfo {
  file: string;
  module?: string;
  go?: string;
  toolchain?: string;
  /** `require` lines: module path -> version. */
  requires?: Map<string, string>;
  /** `replace` lines: module path (optionally `path@version`) -> a module version or a local directory. */
  replaces?: Map<string, { path: string; version?: string }>;
}

export function parseGoMod(text: string, file = 'go.mod'): GoModInfo {
  const info: GoModInfo = { file };
  let block: string | null = null;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (block) {
      if (line === ')') block = null;
      else directive(info, block, line);
      continue;
    }
    const b = /^(require|replace|exclude|retract|tool|godebug|ignore)\s*\($/.exec(line);
    if (b) {
      block = b[1];
      continue;
    }
    const d = /^(require|replace)\s+(.*)$/.exec(line);
    if (d) {
      directive(info, d[1], d[2]);
      continue;
    }
    let m = /^module\s+"?([^"\s]+)"?/.exec(line);
    if (m) info.module = m[1];
    m = /^go\s+(\d+\.\d+(?:\.\d+)?(?:[a-z]+\d*)?)$/.exec(line);
    if (m) info.go = m[1];
    m = /^toolchain\s+go(\S+)$/.exec(line);
    if (m) info.toolchain = m[1];
  }
  return info;
}

const unquote = (s: string) => s.replace(/^"(.*)"$/, '$1');

function directive(info: GoModInfo, kind: string, line: string): void {
  if (!line) return;
  if (kind === 'require') {
    const [path, version] = line.split(/\s+/).map(unquote);
    if (path && version) (info.requires ??= new Map()).set(path, version);
  } else if (kind === 'replace') {
    const [from, to] = line.split('=>').map((x) => x.trim());
    if (!from || !to) return;
    const [fromPath, fromVersion] = from.split(/\s+/).map(unquote);
    const [toPath, toVersion] = to.split(/\s+/).map(unquote);
    (info.replaces ??= new Map()).set(fromVersion ? `${fromPath}@${fromVersion}` : fromPath, { path: toPath, version: toVersion });
  }
}

const cache = new Map<string, GoModInfo | null>();

/** Finds and parses the nearest go.mod at or above `dir`. Cached per directory; `clearGoModCache` on change. */
export function findGoMod(dir: string): GoModInfo | null {
  const start = resolve(dir);
  const seen: string[] = [];
  let cur = start;
  for (;;) {
    if (cache.has(cur)) {
      const hit = cache.get(cur)!;
      for (const s of seen) cache.set(s, hit);
      return hit;
    }
    seen.push(cur);
    const f = join(cur, 'go.mod');
    if (existsSync(f)) {
      let info: GoModInfo | null = null;
      try {
        info = parseGoMod(readFileSync(f, 'utf8'), f);
      } catch {
        info = null;
      }
      for (const s of seen) cache.set(s, info);
      return info;
    }
    const up = dirname(cur);
    if (up === cur) {
      for (const s of seen) cache.set(s, null);
      return null;
    }
    cur = up;
  }
}

export function clearGoModCache(): void {
  cache.clear();
}

/** Compares Go versions like "1.21", "1.21.3", "1.22rc1". Negative when a < b. */
export function compareGo(a: string, b: string): number {
  const pa = a
    .replace(/^go/, '')
    .split(/[.a-z]+/)
    .filter(Boolean)
    .map(Number);
  const pb = b
    .replace(/^go/, '')
    .split(/[.a-z]+/)
    .filter(Boolean)
    .map(Number);
  for (let i = 0; i < 2; i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d) return d;
  }
  return 0;
}

/** True when `version` (the module's) is at least `min`. Unknown versions count as new (current toolchain). */
export function goAtLeast(version: string | undefined, min: string): boolean {
  if (!version) return true;
  return compareGo(version, min) >= 0;
}
