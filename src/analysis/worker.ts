// Worker thread: analyzes package directories sent by the pool (CLI on big trees, benchmark).
import { parentPort } from 'node:worker_threads';
import { ensureReady, type AnalyzeOptions } from './engine';
import { analyzeDir } from './project';

interface Job {
  id: number;
  files: string[];
  opts: AnalyzeOptions;
}

const ready = ensureReady();
parentPort?.on('message', async (job: Job) => {
  await ready;
  const res = analyzeDir(job.files, job.opts);
  parentPort!.postMessage({ id: job.id, ...res });
});
