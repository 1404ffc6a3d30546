// Worker thread for the Linux collector: the /proc reads are synchronous (2× faster than 10k async readlinks),
// so they run here, off the extension host's main thread. One LinuxCollector per pid keeps attribution state.
import { parentPort } from 'node:worker_threads';
import { LinuxCollector } from './linux';

export interface WorkerRequest {
  id: number;
  pid: number;
  dispose?: boolean;
}

const collectors = new Map<number, LinuxCollector>();
parentPort?.on('message', (req: WorkerRequest) => {
  if (req.dispose) {
    collectors.delete(req.pid);
    return;
  }
  let c = collectors.get(req.pid);
  if (!c) collectors.set(req.pid, (c = new LinuxCollector(req.pid)));
  parentPort!.postMessage({ id: req.id, result: c.collectSync() });
});
