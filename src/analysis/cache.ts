// Results of analyzing a package directory, kept on disk so that a second run over unchanged code
// does not parse anything (as `go vet` reuses its build cache). Shared by the CLI and the language
// server's workspace scans (both go through the pool, which asks here first).
//
// The key is a hash of everything a directory's result depends on: the analyzer itself (the bundle,
// or the sources when running from them), the options (rules, severities, fix settings, limits),
// the module's Go version, the directory, and the name and content of every .go file in it (the
// targets and the siblings that give package facts). A result may also name files outside the
// directory it read (`DirResult.inputs`, for cross-package facts): their size, mtime and hash are
// stored with it and checked on every use.
//
// Where: $CONNDOCTOR_CACHE (a directory, or `off`), else $XDG_CACHE_HOME/conndoctor, else the OS
// cache directory (~/.cache, ~/Library/Caches, %LOCALAPPDATA%). Safe under concurrent runs: entries
// are written to a temporary file and renamed into place, a damaged entry reads as a miss. Bounded:
// at most once an hour a run trims the oldest entries beyond $CONNDOCTOR_CACHE_MAX_MB (256 MB).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AnalyzeOptions } from './engine';
import { findGoMod } from './facts/gomod';
import { DEFAULT_MAX_FILE_BYTES } from './files';
import type { DirResult } from './project';

const FORMAT = 1;
const HOUR = 3600_000;

/** The directory for conndoctor's caches (results here; other caches may live beside). Null: caching is off. */
export function cacheRoot(env: NodeJS.ProcessEnv = process.env): string | null {
  const own = env.CONNDOCTOR_CACHE;
  if (own === 'off' || own === '0') return null;
  if (own) return own;
  if (env.XDG_CACHE_HOME) return join(env.XDG_CACHE_HOME, 'conndoctor');
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'conndoctor');
  if (process.platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'conndoctor');
  const home = homedir();
  return home ? join(home, '.cache', 'conndoctor') : join(tmpdir(), 'conndoctor-cache');
}

let analyzerIdMemo: string | undefined;

/**
 * What identifies this analyzer: the analysis worker bundle's content (dist/worker.js: the CLI and
 * the language server, two other bundles, carry the same analyzer built from the same sources and
 * share its results), or the analyzer's sources when running from them.
 */
export function analyzerId(): string {
  if (analyzerIdMemo) return analyzerIdMemo;
  const h = createHash('sha256');
  const worker = join(__dirname, 'worker.js');
  if (__filename.endsWith('.js') && existsSync(worker)) h.update(readFileSync(worker));
  else if (__filename.endsWith('.js')) h.update(readFileSync(__filename));
  else {
    const walk = (d: string) => {
      for (const n of readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
        const p = join(d, n.name);
        if (n.isDirectory()) walk(p);
        else if (n.name.endsWith('.ts')) h.update(p).update(readFileSync(p));
      }
    };
    walk(__dirname);
    walk(join(__dirname, '..', 'knowledge'));
  }
  return (analyzerIdMemo = h.digest('hex').slice(0, 32));
}

interface Input {
  path: string;
  size: number;
  mtimeMs: number;
  sha: string;
}

interface Entry {
  format: number;
  result: DirResult;
  /** Files outside the directory the result depends on. */
  inputs: Input[];
}

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/** Options as they affect results, in a stable form. */
function optionsKey(opts: AnalyzeOptions): string {
  const sorted = (o: object | undefined) =>
    o
      ? Object.entries(o)
          .filter(([, v]) => v !== undefined)
          .sort(([a], [b]) => (a < b ? -1 : 1))
      : [];
  return JSON.stringify({
    rules: [...(opts.rules ?? [])].sort(),
    disabled: [...(opts.disabled ?? [])].sort(),
    severity: sorted(opts.severity),
    fix: sorted(opts.fix),
    goVersion: opts.goVersion ?? null,
    maxFileBytes: opts.maxFileBytes ?? null,
    includeGenerated: !!opts.includeGenerated,
  });
}

export class ResultCache {
  hits = 0;
  misses = 0;
  writes = 0;
  private readonly dir: string;

  constructor(
    readonly root: string,
    private readonly maxBytes = Number(process.env.CONNDOCTOR_CACHE_MAX_MB ?? 256) * 1024 * 1024,
  ) {
    this.dir = join(root, 'results');
  }

  /** The cache at the default place, or null when it is off or cannot be created. */
  static open(env: NodeJS.ProcessEnv = process.env): ResultCache | null {
    const root = cacheRoot(env);
    if (!root) return null;
    try {
      mkdirSync(join(root, 'results'), { recursive: true });
      return new ResultCache(root);
    } catch {
      return null;
    }
  }

  /**
   * The key for analyzing `files` (one directory) with `opts`, or null when the directory cannot
   * be read (no caching then: the analysis reports what went wrong).
   */
  keyFor(files: string[], opts: AnalyzeOptions): string | null {
    if (!files.length) return null;
    const dir = dirname(files[0]);
    const h = createHash('sha256');
    h.update(`conndoctor-results ${FORMAT} ${analyzerId()}\n${optionsKey(opts)}\n${dir}\n`);
    h.update(`go ${opts.goVersion ?? findGoMod(dir)?.go ?? '-'}\n`);
    h.update(`targets ${[...files].sort().join('\0')}\n`);
    try {
      for (const n of readdirSync(dir).sort()) {
        if (!n.endsWith('.go')) continue;
        const p = join(dir, n);
        const st = statSync(p);
        // Not regular files (FIFOs) are not read by the analysis either; over-limit ones are skipped by size.
        if (!st.isFile()) continue;
        h.update(`${n} ${st.size} `);
        const limit = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
        h.update(limit > 0 && st.size > limit ? 'big' : sha(readFileSync(p)));
        h.update('\n');
      }
    } catch {
      return null;
    }
    return h.digest('hex');
  }

  private file(key: string): string {
    return join(this.dir, key.slice(0, 2), `${key}.json`);
  }

  get(key: string): DirResult | null {
    const f = this.file(key);
    let e: Entry;
    try {
      e = JSON.parse(readFileSync(f, 'utf8')) as Entry;
      if (e.format !== FORMAT || !e.result) throw new Error('old format');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') rmSync(f, { force: true });
      this.misses++;
      return null;
    }
    for (const i of e.inputs) {
      try {
        const st = statSync(i.path);
        if (st.size !== i.size || (st.mtimeMs !== i.mtimeMs && sha(readFileSync(i.path)) !== i.sha)) throw new Error('changed');
      } catch {
        this.misses++;
        return null;
      }
    }
    this.hits++;
    this.touch(f);
    return e.result;
  }

  put(key: string, result: DirResult): void {
    // A file cut short by a time budget (or a cancelled parse) depends on how busy the machine
    // was, not only on the code: such a result is not reused.
    if (result.incomplete?.length || result.skipped?.some((s) => s.reason === 'too-complex')) return;
    const inputs: Input[] = [];
    for (const path of result.inputs ?? []) {
      try {
        const st = statSync(path);
        inputs.push({ path, size: st.size, mtimeMs: st.mtimeMs, sha: sha(readFileSync(path)) });
      } catch {
        return; // an input that cannot be read now: do not keep a result that cannot be checked
      }
    }
    const f = this.file(key);
    const tmp = `${f}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
    try {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(tmp, JSON.stringify({ format: FORMAT, result, inputs } satisfies Entry));
      renameSync(tmp, f);
      this.writes++;
    } catch {
      rmSync(tmp, { force: true });
    }
  }

  /** Marks an entry used (its mtime) at most once an hour, so trimming keeps what runs use. */
  private touch(f: string): void {
    try {
      const st = statSync(f);
      if (Date.now() - st.mtimeMs > HOUR) utimesSync(f, new Date(), new Date());
    } catch {
      /* gone meanwhile: fine */
    }
  }

  /**
   * Keeps the cache within its size: at most once an hour (a stamp file says when), deletes the
   * least recently used entries beyond the limit and temporary files a killed run left behind.
   */
  trim(force = false): { entries: number; bytes: number; deleted: number } | null {
    const stamp = join(this.dir, 'trimmed');
    try {
      if (!force && Date.now() - statSync(stamp).mtimeMs < HOUR) return null;
    } catch {
      /* never trimmed */
    }
    try {
      writeFileSync(stamp, '');
    } catch {
      return null;
    }
    const all: { path: string; size: number; mtimeMs: number }[] = [];
    for (const sub of readdirSync(this.dir)) {
      const d = join(this.dir, sub);
      let names: string[];
      try {
        names = readdirSync(d);
      } catch {
        continue;
      }
      for (const n of names) {
        const p = join(d, n);
        try {
          const st = statSync(p);
          if (n.endsWith('.tmp') && Date.now() - st.mtimeMs > HOUR) rmSync(p, { force: true });
          else if (n.endsWith('.json')) all.push({ path: p, size: st.size, mtimeMs: st.mtimeMs });
        } catch {
          /* another run removed it */
        }
      }
    }
    let bytes = all.reduce((n, e) => n + e.size, 0);
    let deleted = 0;
    all.sort((a, b) => a.mtimeMs - b.mtimeMs);
    for (const e of all) {
      if (bytes <= this.maxBytes) break;
      rmSync(e.path, { force: true });
      bytes -= e.size;
      deleted++;
    }
    return { entries: all.length - deleted, bytes, deleted };
  }
}
