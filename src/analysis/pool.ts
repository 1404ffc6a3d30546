// Spreads package directories over worker threads; parsing is CPU-bound WASM, so one worker per core.
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

export async function analyzeDirs(groups: string[][], opts: AnalyzeOptions, pool: PoolOptions = {}): Promise<DirResult[]> {
  const threads = Math.max(1, Math.min(pool.threads ?? availableParallelism(), groups.length));
  const workerPath = pool.workerPath ?? join(__dirname, 'worker.js');
  if (threads <= 1 || groups.length < 4 || !existsSync(workerPath)) {
    await ensureReady();
    return groups.map((g) => analyzeDir(g, opts));
  }
  // Biggest packages first so no worker is left with one huge directory at the end.
  const order = groups.map((g, i) => ({ g, i })).sort((a, b) => b.g.length - a.g.length);
  const results: DirResult[] = new Array(groups.length);
  let next = 0;
  const workers = Array.from({ length: threads }, () => new Worker(workerPath));
  try {
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            const feed = () => {
              if (next >= order.length) return resolve();
              const job = order[next++];
              w.postMessage({ id: job.i, files: job.g, opts });
            };
            w.on('message', ({ id, ...res }: DirResult & { id: number }) => {
              results[id] = res;
              feed();
            });
            w.on('error', reject);
            feed();
          }),
      ),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results;
}
