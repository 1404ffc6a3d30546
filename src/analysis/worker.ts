// Worker thread: analyzes package directories sent by the pool (CLI on big trees, workspace scans
// of the language server, benchmark).
import { parentPort } from 'node:worker_threads';
import { ensureReady, type AnalyzeOptions } from './engine';
import { clearGoModCache } from './facts/gomod';
import { analyzeDir } from './project';

interface Job {
  id: number;
  files: string[];
  opts: AnalyzeOptions;
}

const ready = ensureReady();
parentPort?.on('message', async (job: Job) => {
  await ready;
  // A long-lived worker (the language server's pool) must see go.mod edits: re-reading them costs
  // a few stat calls per package.
  clearGoModCache();
  const res = analyzeDir(job.files, job.opts);
  parentPort!.postMessage({ id: job.id, ...res });
});
