// Worker thread of the language server (dist/server-worker.js): the AnalysisHost behind a message
// protocol. Document notifications arrive in order before the jobs that need them; a job is
// cancelled when the server writes its id into the shared `cancel` array (checked between rules).
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort, workerData } from 'node:worker_threads';
import { Cancelled, ensureReady } from '../analysis/engine';
import { AnalysisHost } from './host';
import type { HostMessage, HostReply } from './hostProtocol';

const cancel = new Int32Array((workerData as { cancel: SharedArrayBuffer }).cancel);

// Analyses leave a lot of garbage (facts for every sibling), and V8 takes its time to collect it:
// the server's resident size grew to ~700 MB with net/http open, of which ~180 MB was live. A full
// collection once the worker has been idle for a second gives the memory back between bursts.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
let idleTimer: NodeJS.Timeout | undefined;
const idleSoon = () => {
  clearTimeout(idleTimer);
  idleTimer = setTimeout(gc, 1000);
  idleTimer.unref();
};
const host = new AnalysisHost();
const ready = ensureReady();
const post = (m: HostReply) => parentPort!.postMessage(m);

// Messages are handled strictly in order: a job waits for the parser, and the document
// notifications queued behind it must not overtake it.
let chain: Promise<void> = Promise.resolve();
parentPort?.on('message', (m: HostMessage) => {
  chain = chain.then(() => handle(m));
});

async function handle(m: HostMessage): Promise<void> {
  switch (m.t) {
    case 'open':
      host.open(m.uri, m.path, m.onDisk, m.text, m.version);
      return;
    case 'change':
      host.change(m.uri, m.version, m.changes);
      return;
    case 'close':
      host.close(m.uri);
      return;
    case 'disk':
      host.diskChanged(m.paths);
      return;
    case 'job': {
      const t0 = performance.now();
      try {
        await ready;
        const waited = performance.now() - t0;
        const slot = m.id % cancel.length;
        const stop = () => Atomics.load(cancel, slot) === m.id;
        if (stop()) throw new Cancelled();
        let value: unknown;
        if (m.kind === 'analyze') value = host.analyze(m.uri, m.version, m.opts, stop);
        else if (m.kind === 'card') value = host.card(m.uri, m.version, m.offset ?? 0);
        else if (m.kind === 'snippetSite') value = host.snippetSite(m.uri, m.version, m.offset ?? 0, m.sets ?? []);
        else if (m.kind === 'stats') value = host.stats();
        else value = host.fixAll(m.uri, m.version, m.opts, stop);
        post({ t: 'result', id: m.id, ok: true, value, waitedMs: Math.round(waited * 10) / 10 });
        idleSoon();
      } catch (e) {
        const err = e as Error;
        post({ t: 'result', id: m.id, ok: false, cancelled: e instanceof Cancelled, error: err.stack ?? err.message });
      }
      return;
    }
  }
}
