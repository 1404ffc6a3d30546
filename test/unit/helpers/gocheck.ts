// Checks Go text with the machine's toolchain: gofmt -l and go vet in a throwaway module. Used by
// the knowledge-card, snippet, fixture and fix tests (the code we show or write must be real Go).
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Package names the examples use, by the name they are referenced with. */
export const STD_IMPORTS: Record<string, string> = {
  bufio: 'bufio',
  context: 'context',
  errors: 'errors',
  fmt: 'fmt',
  http: 'net/http',
  io: 'io',
  log: 'log',
  net: 'net',
  os: 'os',
  signal: 'os/signal',
  strings: 'strings',
  sync: 'sync',
  syscall: 'syscall',
  time: 'time',
  tls: 'crypto/tls',
};

/** Go text without comments and string/rune literals (for finding package references). */
export function stripCommentsAndStrings(code: string): string {
  return code
    .replace(/\/\*[\s\S]*?\*\//g, ' ')
    .replace(/"(?:[^"\\\n]|\\.)*"|`[^`]*`|'(?:[^'\\\n]|\\.)*'/g, '""')
    .replace(/\/\/[^\n]*/g, '');
}

/** Import paths a piece of Go code needs, judged by `pkg.` references. */
export function importsFor(code: string): string[] {
  const body = stripCommentsAndStrings(code);
  const out = new Set<string>();
  for (const [name, path] of Object.entries(STD_IMPORTS)) {
    if (new RegExp(`(?<![\\w.])${name}\\.[A-Z]`).test(body)) out.add(path);
  }
  return [...out].sort();
}

/** A gofmt-clean file: package clause, sorted import block, then `code`. */
export function goFile(code: string, pkg = 'p', imports = importsFor(code)): string {
  let head = `package ${pkg}\n\n`;
  if (imports.length === 1) head += `import "${imports[0]}"\n\n`;
  else if (imports.length > 1) head += `import (\n${imports.map((p) => `\t"${p}"`).join('\n')}\n)\n\n`;
  return head + code.replace(/\s*$/, '\n');
}

export interface GoCheck {
  /** Keys whose file gofmt would change. */
  gofmt: string[];
  /** go vet (and compiler) output by key; absent when clean. */
  vet: Map<string, string>;
}

/**
 * Writes each file into its own package of one module (`go <goVersion>`), then runs `gofmt -l` and
 * `go vet ./...`. Keys must be usable as directory names after sanitising.
 */
export function checkGo(files: Record<string, string>, goVersion = '1.26'): GoCheck {
  const dir = mkdtempSync(join(tmpdir(), 'cd-gocheck-'));
  const keys = Object.keys(files);
  const dirOf = (i: number) => `p${i}`;
  try {
    writeFileSync(join(dir, 'go.mod'), `module cdcheck\n\ngo ${goVersion}\n`);
    keys.forEach((k, i) => {
      mkdirSync(join(dir, dirOf(i)));
      writeFileSync(join(dir, dirOf(i), 'x.go'), files[k]);
    });
    const fmtOut = execFileSync('gofmt', ['-l', '.'], { cwd: dir, encoding: 'utf8' });
    const gofmt = fmtOut
      .split('\n')
      .filter(Boolean)
      .map((p) => keys[Number(/p(\d+)/.exec(p)![1])]);
    const env = { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=mod', GOWORK: 'off', GO111MODULE: 'on' };
    const res = spawnSync('go', ['vet', './...'], { cwd: dir, encoding: 'utf8', env });
    const vet = new Map<string, string>();
    const text = `${res.stdout}\n${res.stderr}`;
    if (res.status !== 0) {
      for (const line of text.split('\n')) {
        const m = /(?:^|[\s./])p(\d+)[/:]/.exec(line) ?? /cdcheck\/p(\d+)/.exec(line);
        if (!m) continue;
        const k = keys[Number(m[1])];
        vet.set(k, `${vet.get(k) ?? ''}${line}\n`);
      }
      if (vet.size === 0) vet.set('(module)', text);
    }
    return { gofmt, vet };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Indexes of the texts `gofmt -l` lists (not formatted as gofmt prints them). */
export function gofmtDirty(texts: readonly string[]): Set<number> {
  const dir = mkdtempSync(join(tmpdir(), 'cd-gofmt-'));
  try {
    texts.forEach((t, i) => writeFileSync(join(dir, `f${i}.go`), t));
    const out = execFileSync('gofmt', ['-l', dir], { encoding: 'utf8', maxBuffer: 64 << 20 });
    return new Set(
      out
        .split('\n')
        .filter(Boolean)
        .map((p) => Number(/f(\d+)\.go$/.exec(p)![1])),
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Go's parser on many texts in one `gofmt -e` process: the indexes of the texts it rejects, with its
 * first message. (tree-sitter accepts text Go rejects, so fix outputs are judged by Go.)
 */
export function gofmtRejects(texts: readonly string[]): Map<number, string> {
  const out = new Map<number, string>();
  if (!texts.length) return out;
  const dir = mkdtempSync(join(tmpdir(), 'cd-gofmt-e-'));
  try {
    texts.forEach((t, i) => writeFileSync(join(dir, `f${i}.go`), t));
    const res = spawnSync('gofmt', ['-e', '-l', dir], { encoding: 'utf8', maxBuffer: 256 << 20 });
    if (res.error) throw res.error;
    for (const line of res.stderr.split('\n')) {
      const m = /f(\d+)\.go:(.*)$/.exec(line);
      if (m && !out.has(Number(m[1]))) out.set(Number(m[1]), m[2]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return out;
}

export function haveGofmt(): boolean {
  return spawnSync('gofmt', ['-e', '/dev/null'], { encoding: 'utf8' }).error === undefined;
}

/** The .go files under `dir`, recursively, in a stable order. */
export function goFilesUnder(dir: string): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir).sort()) {
    const p = join(dir, e);
    if (statSync(p).isDirectory()) out.push(...goFilesUnder(p));
    else if (e.endsWith('.go')) out.push(p);
  }
  return out;
}

export function haveGo(): boolean {
  return spawnSync('go', ['version'], { encoding: 'utf8' }).status === 0;
}
