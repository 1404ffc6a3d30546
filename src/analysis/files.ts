// Which files a run reads: walking directories as `go build ./...` does, the size limit and the
// generated-file marker. Shared by the CLI, the workers and the benchmark.
import { readdirSync, statSync, type Dirent, type Stats } from 'node:fs';
import { join } from 'node:path';

/** Files bigger than this are skipped by default: generated tables, vendored blobs. */
export const DEFAULT_MAX_FILE_BYTES = 2 * 1024 * 1024;

/** Directories `./...` skips, as the go command does (plus node_modules, which is never Go source). */
export function skipDir(name: string): boolean {
  return name === 'vendor' || name === 'testdata' || name === 'node_modules' || name.startsWith('.') || name.startsWith('_');
}

export interface WalkResult {
  /** .go files to analyze, in walk order. */
  files: string[];
  /** Entries that could not be read or were left out, one line each (the run goes on). */
  warnings: string[];
  /** Paths named on the command line that do not exist: a usage error. */
  missing: string[];
  /** _test.go files left out (without `tests`). */
  excludedTests: number;
}

function describe(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code === 'ELOOP') return 'symbolic link loop';
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'ENOTDIR') return 'not a directory';
  return (e as Error).message;
}

/**
 * Collects .go files under `paths`. Like the go command's `./...`: directories named on the command
 * line are walked (a trailing `/...` is accepted and means the same), links to directories met
 * while walking are not followed (so a link to GOROOT or a link loop cannot take over the run),
 * `vendor/`, `testdata/`, `.x` and `_x` directories are skipped. Links to .go files are read, as
 * go/build does. Entries that cannot be read are reported in `warnings` and skipped. Test files are
 * left out unless `tests` is set (a file named explicitly is always taken).
 */
export function collectGoFiles(paths: string[], opts: { tests?: boolean } = {}): WalkResult {
  const res: WalkResult = { files: [], warnings: [], missing: [], excludedTests: 0 };
  const seenDirs = new Set<string>();
  const walkDir = (dir: string) => {
    let entries: Dirent[];
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch (e) {
      res.warnings.push(`${dir}: ${describe(e)}, skipped`);
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (!skipDir(e.name)) walkDir(p);
      } else if (e.isSymbolicLink()) {
        let target: Stats;
        try {
          target = statSync(p);
        } catch (err) {
          // A dangling link or a loop is only worth a word when it pretends to be Go source.
          if (e.name.endsWith('.go')) {
            const code = (err as NodeJS.ErrnoException).code;
            res.warnings.push(`${p}: ${code === 'ENOENT' ? 'broken symbolic link' : describe(err)}, skipped`);
          }
          continue;
        }
        if (target.isDirectory()) {
          if (!skipDir(e.name)) res.warnings.push(`${p}: symbolic link to a directory, not followed (as in go ./...)`);
        } else if (isGoName(e.name, opts.tests) && target.isFile()) res.files.push(p);
        else if (isTestName(e.name, opts.tests)) res.excludedTests++;
      } else if (isTestName(e.name, opts.tests)) res.excludedTests++;
      else if (isGoName(e.name, opts.tests)) {
        // FIFOs and sockets named .go would block a read forever.
        if (e.isFile()) res.files.push(p);
        else res.warnings.push(`${p}: not a regular file, skipped`);
      }
    }
  };
  for (const raw of paths) {
    const p = raw.replace(/[/\\]\.\.\.$/, '').replace(/^\.\.\.$/, '.') || '.';
    let st: Stats;
    try {
      // Paths given by the user are followed, links included (go/build does the same for roots).
      st = statSync(p);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') res.missing.push(raw);
      else res.warnings.push(`${raw}: ${describe(e)}, skipped`);
      continue;
    }
    if (st.isDirectory()) {
      if (seenDirs.has(p)) continue;
      seenDirs.add(p);
      walkDir(p);
    } else if (!p.endsWith('.go')) res.warnings.push(`${raw}: not a Go file, skipped`);
    else if (!st.isFile()) res.warnings.push(`${raw}: not a regular file, skipped`);
    else res.files.push(p);
  }
  return res;
}

function isGoName(name: string, tests?: boolean): boolean {
  return name.endsWith('.go') && (tests || !name.endsWith('_test.go'));
}

function isTestName(name: string, tests?: boolean): boolean {
  return !tests && name.endsWith('_test.go');
}

/**
 * Go's convention for generated code (`go help generate`, go/ast.IsGenerated): a line matching
 * `^// Code generated .* DO NOT EDIT\.$` before the package clause, in a line or block comment.
 */
export function isGenerated(text: string): boolean {
  // Cheap test first: almost no hand-written file contains the phrase at all.
  if (text.indexOf('// Code generated ') === -1) return false;
  let inBlock = false;
  let pos = 0;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    const raw = text.slice(pos, end);
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    pos = end + 1;
    // A line comment's text starts at `//`; inside a block comment each line is taken as it is.
    if (GENERATED_RE.test(inBlock ? line : line.trimStart())) return true;
    // Stop at the first text that is not a comment or blank: the package clause.
    let rest = line.trim();
    while (rest) {
      if (inBlock) {
        const close = rest.indexOf('*/');
        if (close === -1) {
          rest = '';
          break;
        }
        inBlock = false;
        rest = rest.slice(close + 2).trim();
      } else if (rest.startsWith('//')) rest = '';
      else if (rest.startsWith('/*')) {
        inBlock = true;
        rest = rest.slice(2);
      } else return false;
    }
  }
  return false;
}

const GENERATED_RE = /^\/\/ Code generated .* DO NOT EDIT\.$/;

/** Parses a size such as `2MB`, `512KB`, `1.5M` or `4000000` into bytes; null when malformed. */
export function parseSize(s: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|k|kb|kib|m|mb|mib|g|gb|gib)?\s*$/i.exec(s);
  if (!m) return null;
  const unit = (m[2] ?? 'b').toLowerCase()[0];
  const mult = unit === 'k' ? 1024 : unit === 'm' ? 1024 * 1024 : unit === 'g' ? 1024 * 1024 * 1024 : 1;
  return Math.round(Number(m[1]) * mult);
}

/** `2 MB`, `512 KB`, `900 B`: sizes in messages. */
export function formatSize(bytes: number): string {
  if (bytes >= 1024 * 1024) return `${+(bytes / 1048576).toFixed(1)} MB`;
  if (bytes >= 1024) return `${+(bytes / 1024).toFixed(1)} KB`;
  return `${bytes} B`;
}

export function tooBigMessage(path: string, bytes: number, limit: number): string {
  return `${path}: skipped, ${formatSize(bytes)} is over the ${formatSize(limit)} limit`;
}
