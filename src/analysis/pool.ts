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

export interface PoolOptions {
  threads?: number;
  /** Path of the bundled worker (dist/worker.js). Defaults to next to this bundle. */
  workerPath?: string;
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

  constructor(
    pool: PoolOptions = {},
    /** End idle workers after this many ms (0: never; the owner calls dispose()). */
    private readonly idleMs = 0,
  ) {
    this.threads = Math.max(1, pool.threads ?? availableParallelism());
    this.workerPath = pool.workerPath ?? join(__dirname, 'worker.js');
  }

  /** Number of threads a run over `groups` uses (0: in this thread). */
  threadsFor(groups: number): number {
    const n = Math.min(this.threads, groups);
    return n <= 1 || groups < 4 || !existsSync(this.workerPath) ? 0 : n;
  }

  /** Analyzes the directories; results in the order of `groups` (empty for those skipped by cancellation). */
  async run(groups: string[][], opts: AnalyzeOptions, run: RunOptions = {}): Promise<DirResult[]> {
    const results: DirResult[] = groups.map(() => ({ findings: [], errors: [], bytes: 0, files: 0 }));
    const threads = this.threadsFor(groups.length);
    if (!threads) {
      await ensureReady();
      for (let i = 0; i < groups.length; i++) {
        if (run.cancelled?.()) break;
        results[i] = analyzeDir(groups[i], opts);
        run.onResult?.(results[i], i);
        // Let the caller's event loop breathe between packages (the language server's messages).
        await new Promise((r) => setImmediate(r));
      }
      return results;
    }
    clearTimeout(this.idleTimer);
    this.active++;
    while (this.workers.length < threads) this.workers.push(new Worker(this.workerPath));
    // Biggest packages first so no worker is left with one huge directory at the end.
    const order = groups.map((g, i) => ({ g, i })).sort((a, b) => b.g.length - a.g.length);
    let next = 0;
    try {
      await Promise.all(
        this.workers.slice(0, threads).map(
          (w) =>
            new Promise<void>((resolve, reject) => {
              const feed = () => {
                if (next >= order.length || run.cancelled?.()) return done();
                const job = order[next++];
                w.postMessage({ id: job.i, files: job.g, opts });
              };
              const onMessage = ({ id, ...res }: DirResult & { id: number }) => {
                results[id] = res;
                run.onResult?.(res, id);
                feed();
              };
              const onError = (e: Error) => {
                done();
                reject(e);
              };
              const done = () => {
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
    return results;
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
