// The Go toolchain's API history ($GOROOT/api/go1*.txt): which release added a symbol. Lets tests
// check the Go versions our cards and snippets claim against the installed toolchain's own record.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { STD_IMPORTS, stripCommentsAndStrings } from './gocheck';

export interface GoApi {
  /** `net.Dial`, `net/http.ErrServerClosed`, `net.KeepAliveConfig` → `1.x`. */
  symbols: Map<string, string>;
  /** Method name → where it is declared and since when. */
  methods: Map<string, { pkg: string; recv: string; version: string }[]>;
  /** Raw lines by version (`1.15` → lines of api/go1.15.txt). */
  lines: Map<string, string[]>;
}

const cmp = (a: string, b: string) => {
  const [x, y] = [a.split('.').map(Number), b.split('.').map(Number)];
  return x[0] - y[0] || (x[1] ?? 0) - (y[1] ?? 0);
};
export const maxVersion = (a: string, b: string) => (cmp(a, b) >= 0 ? a : b);
export const versionAtLeast = (a: string, b: string) => cmp(a, b) >= 0;

let cached: GoApi | null | undefined;

export function loadGoApi(): GoApi | null {
  if (cached !== undefined) return cached;
  let root = '';
  try {
    root = execFileSync('go', ['env', 'GOROOT'], { encoding: 'utf8' }).trim();
  } catch {
    return (cached = null);
  }
  const dir = join(root, 'api');
  if (!existsSync(dir)) return (cached = null);
  const api: GoApi = { symbols: new Map(), methods: new Map(), lines: new Map() };
  const files = readdirSync(dir)
    .map((f) => /^go1(?:\.(\d+))?\.txt$/.exec(f))
    .filter((m): m is RegExpExecArray => !!m)
    .map((m) => ({ file: m[0], version: `1.${m[1] ?? 0}` }))
    .sort((a, b) => cmp(a.version, b.version));
  for (const { file, version } of files) {
    const lines = readFileSync(join(dir, file), 'utf8').split('\n');
    api.lines.set(version, lines);
    for (const line of lines) {
      const m = /^pkg ([\w/]+)(?: \([^)]*\))?, (func|var|const|type|method) (.*)$/.exec(line);
      if (!m) continue;
      const [, pkg, what, rest] = m;
      if (what === 'method') {
        const mm = /^\((\*?\w+)\) (\w+)\(/.exec(rest);
        if (!mm) continue;
        const list = api.methods.get(mm[2]) ?? [];
        if (!list.some((x) => x.pkg === pkg && x.recv === mm[1])) list.push({ pkg, recv: mm[1], version });
        api.methods.set(mm[2], list);
        continue;
      }
      const name = /^(\w+)/.exec(rest)?.[1];
      if (!name) continue;
      const key = `${pkg}.${name}`;
      if (!api.symbols.has(key)) api.symbols.set(key, version);
    }
  }
  return (cached = api);
}

/**
 * A lower bound of the Go release `code` needs: the newest package-level std symbol it names, and
 * for method calls the oldest release in which any imported package had a method of that name.
 */
export function requiredGo(api: GoApi, code: string): { version: string; because: string } {
  const body = stripCommentsAndStrings(code);
  let version = '1.0';
  let because = '';
  const bump = (v: string | undefined, why: string) => {
    if (v && cmp(v, version) > 0) {
      version = v;
      because = why;
    }
  };
  const imported = new Set<string>();
  for (const m of body.matchAll(/(?<![\w.])(\w+)\.([A-Z]\w*)/g)) {
    const path = STD_IMPORTS[m[1]];
    if (!path) continue;
    imported.add(path);
    bump(api.symbols.get(`${path}.${m[2]}`), `${m[1]}.${m[2]}`);
  }
  for (const m of body.matchAll(/(\w*)(\)?)\.([A-Z]\w*)\(/g)) {
    if (STD_IMPORTS[m[1]] && !m[2]) continue; // pkg.Func(: handled above
    const cands = (api.methods.get(m[3]) ?? []).filter((c) => imported.has(c.pkg));
    if (!cands.length) continue;
    const oldest = cands.map((c) => c.version).sort(cmp)[0];
    bump(oldest, `.${m[3]}()`);
  }
  if (/(?<![\w.])(min|max)\(/.test(body)) bump('1.21', 'built-in min/max');
  return { version, because };
}
