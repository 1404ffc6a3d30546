// Spreads package directories over worker threads; parsing is CPU-bound WASM, so one worker per core.
// The CLI runs one batch and ends the workers; the language server keeps a pool for workspace scans
// and ends its workers when they have been idle for a while.
import { availableParallelism } from 'node:os';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzeOptions } from './engine';
import { analyzeDir, type DirResult } from './project';
import { ensureReady } from './engine';
import { ResultCache } from './cache';

export interface PoolOptions {
  threads?: number;
  /** Path of the bundled worker (dist/worker.js). Defaults to next to this bundle. */
  workerPath?: string;
  /** Results of unchanged directories from the on-disk cache (default: the cache at its usual place; null: none). */
  cache?: ResultCache | null;
}

export interface RunOptions {
  /** Called for each directory as it finishes (in completion order). */
  onResult?: (r: DirResult, index: number) => void;
  /** Checked between directories: stop handing out work (the results so far are returned). */
  cancelled?: () => boolean;
}

export class AnalyzerPool {
  private readonly workers: Worker[] = [];
  private readonly threads: number;
  private readonly workerPath: string;
  private idleTimer?: NodeJS.Timeout;
  private active = 0;
  readonly cache: ResultCache | null;

  constructor(
    pool: PoolOptions = {},
    /** End idle workers after this many ms (0: never; the owner calls dispose()). */
    private readonly idleMs = 0,
  ) {
    this.threads = Math.max(1, pool.threads ?? availableParallelism());
    this.workerPath = pool.workerPath ?? join(__dirname, 'worker.js');
    this.cache = pool.cache === undefined ? ResultCache.open() : pool.cache;
  }

  /** Number of threads a run over `groups` uses (0: in this thread). */
  threadsFor(groups: number): number {
    const n = Math.min(this.threads, groups);
    return n <= 1 || groups < 4 || !existsSync(this.workerPath) ? 0 : n;
  }

  /**
   * Analyzes the directories; results in the order of `groups` (empty for those skipped by
   * cancellation). Unchanged directories come from the result cache without parsing anything.
   */
  async run(groups: string[][], opts: AnalyzeOptions, run: RunOptions = {}): Promise<DirResult[]> {
    const results: DirResult[] = groups.map(() => ({ findings: [], errors: [], failures: [], bytes: 0, files: 0 }));
    const keys = groups.map((g) => this.cache?.keyFor(g, opts) ?? null);
    const todo: number[] = [];
    for (let i = 0; i < groups.length; i++) {
      const hit = keys[i] ? this.cache!.get(keys[i]!) : null;
      if (hit) {
        results[i] = hit;
        run.onResult?.(hit, i);
      } else todo.push(i);
    }
    const done = (i: number, r: DirResult) => {
      results[i] = r;
      if (keys[i]) this.cache!.put(keys[i]!, r);
      run.onResult?.(r, i);
    };
    try {
      if (todo.length) await this.compute(groups, todo, opts, run, done);
    } finally {
      this.cache?.trim();
    }
    return results;
  }

  private async compute(
    groups: string[][],
    todo: number[],
    opts: AnalyzeOptions,
    run: RunOptions,
    done: (i: number, r: DirResult) => void,
  ): Promise<void> {
    const threads = this.threadsFor(todo.length);
    if (!threads) {
      await ensureReady();
      for (const i of todo) {
        if (run.cancelled?.()) break;
        done(i, analyzeDir(groups[i], opts));
        // Let the caller's event loop breathe between packages (the language server's messages).
        await new Promise((r) => setImmediate(r));
      }
      return;
    }
    clearTimeout(this.idleTimer);
    this.active++;
    while (this.workers.length < threads) this.workers.push(new Worker(this.workerPath));
    // Biggest packages first so no worker is left with one huge directory at the end.
    const order = [...todo].sort((a, b) => groups[b].length - groups[a].length);
    let next = 0;
    try {
      await Promise.all(
        this.workers.slice(0, threads).map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const feed = () => {
                if (next >= order.length || run.cancelled?.()) return finish();
                const i = order[next++];
                w.postMessage({ id: i, files: groups[i], opts });
              };
              const onMessage = ({ id, ...res }: DirResult & { id: number }) => {
                done(id, res);
                feed();
              };
              const onError = (e: Error) => {
                finish();
                reject(e);
              };
              const finish = () => {
                w.off('message', onMessage);
                w.off('error', onError);
                resolve();
              };
              w.on('message', onMessage);
              w.on('error', onError);
              feed();
            }),
        ),
      );
    } catch (e) {
      // A worker that failed is gone: start fresh next time.
      await this.dispose();
      throw e;
    } finally {
      this.active--;
      if (this.idleMs && !this.active && this.workers.length) {
        this.idleTimer = setTimeout(() => void this.dispose(), this.idleMs);
        this.idleTimer.unref();
      }
    }
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const ws = this.workers.splice(0);
    await Promise.all(ws.map((w) => w.terminate()));
  }
}

/** One batch over fresh workers, ended afterwards (the CLI). */
export async function analyzeDirs(groups: string[][], opts: AnalyzeOptions, pool: PoolOptions = {}): Promise<DirResult[]> {
  const p = new AnalyzerPool(pool);
  try {
    return await p.run(groups, opts);
  } finally {
    await p.dispose();
  }
}
