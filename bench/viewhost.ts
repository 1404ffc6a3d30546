// Extension-host cost of the Live Sockets view while it samples a Go process holding 1,000 sockets every second
// (issue 8's goal: at most 2 % of a core). It runs what the host runs per sample, outside VS Code: the session
// (src/sockets/session.ts) sampling through the collector's worker thread (dist/sockets-worker.js), then, as
// socketView.ts does, the view feed's diff, the guidance, and the JSON serialization of the messages that
// postMessage would carry. CPU is read per thread from /proc/self/task/<tid>/stat:
//   - main thread: what the extension host's event loop spends (the part users feel as lag);
//   - whole process: main thread + the collector's worker thread.
// Env: CONNDOCTOR_BENCH_VIEW_SOCKETS (1000), CONNDOCTOR_BENCH_VIEW_SECONDS (30), CONNDOCTOR_BENCH_VIEW_INTERVAL (1000),
// CONNDOCTOR_BENCH_VIEW_RATE (leaked conns per second added to CLOSE_WAIT, default 0).
import { readdirSync, readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { defaultWorkerScript, SocketWorker } from '../src/sockets/collector';
import { analyzeHistory } from '../src/sockets/guidance';
import { SocketSession } from '../src/sockets/session';
import { toViewGuidance, ViewFeed } from '../src/sockets/viewProtocol';
import { buildGo, Scenario, sleep, stopAll } from '../test/live/helpers';

const N = Number(process.env.CONNDOCTOR_BENCH_VIEW_SOCKETS ?? 1000);
const SECONDS = Number(process.env.CONNDOCTOR_BENCH_VIEW_SECONDS ?? 30);
const INTERVAL = Number(process.env.CONNDOCTOR_BENCH_VIEW_INTERVAL ?? 1000);
const RATE = Number(process.env.CONNDOCTOR_BENCH_VIEW_RATE ?? 0);

/** utime+stime (ms) of each thread of this process, by tid. */
function threadCpu(): Map<number, number> {
  const out = new Map<number, number>();
  for (const t of readdirSync('/proc/self/task')) {
    try {
      const s = readFileSync(`/proc/self/task/${t}/stat`, 'latin1');
      const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
      out.set(Number(t), ((Number(f[11]) + Number(f[12])) * 1000) / 100);
    } catch {
      /* thread ended */
    }
  }
  return out;
}

export async function runViewHostBench(): Promise<Record<string, unknown>> {
  if (process.platform !== 'linux') return { skipped: 'not linux' };
  const script = defaultWorkerScript(join(__dirname, '..', 'dist'));
  if (!script) {
    console.log('view host bench: dist/sockets-worker.js missing (npm run build); skipped');
    return { skipped: 'no worker' };
  }
  const bin = buildGo('scenario');
  const wrap = { cmd: 'bash', args: ['-c', `ulimit -n ${Math.min(20000, N + 2000)} && exec "$0"`] };
  const target = new Scenario(bin, wrap);
  const peer = new Scenario(bin, wrap);
  const worker = new SocketWorker(script);
  try {
    const port = await target.port('listen srv');
    for (let done = 0; done < N; done += 500) await peer.cmd(`dial g${done} ${Math.min(500, N - done)} ${port} E`, 60000);
    // a leaking server: RATE conns a second arrive, are answered and hung up by the peer, and stay in CLOSE_WAIT
    let churn: NodeJS.Timeout | undefined;
    let k = 0;
    if (RATE > 0) {
      churn = setInterval(() => {
        const g = `c${k++}`;
        void peer
          .cmd(`dial ${g} ${Math.max(1, Math.round(RATE / 4))} ${port} C`)
          .then(() => peer.cmd(`close ${g}`))
          .catch(() => {});
      }, 250);
    }
    const session = new SocketSession({
      folders: () => [],
      intervalMs: INTERVAL,
      worker,
      discoverFn: async () => [],
    });
    const feed = new ViewFeed();
    let samples = 0;
    let bytes = 0;
    let maxSockets = 0;
    session.on((e) => {
      if (e !== 'sample') return;
      const h = session.history!;
      if (h.status !== 'ok') return;
      const m = feed.next(h);
      const gs = analyzeHistory(h);
      bytes += JSON.stringify(m).length + JSON.stringify({ type: 'guidance', items: gs.map(toViewGuidance) }).length;
      samples++;
      maxSockets = Math.max(maxSockets, h.latest!.sockets.length);
    });
    await session.attach(target.pid, true);
    await sleep(3000); // warm-up: worker start, first snapshot
    const c0 = threadCpu();
    const s0 = samples;
    const t0 = performance.now();
    await sleep(SECONDS * 1000);
    const c1 = threadCpu();
    const wall = performance.now() - t0;
    const n = samples - s0;
    session.dispose();
    if (churn) clearInterval(churn);
    const main = (c1.get(process.pid) ?? 0) - (c0.get(process.pid) ?? 0);
    let all = 0;
    for (const [tid, ms] of c1) all += ms - (c0.get(tid) ?? 0);
    // the scenario's own stdin/stdout chatter runs on this main thread too; it is tiny next to the sampling
    const pct = (ms: number) => +((100 * ms) / wall).toFixed(2);
    const res = {
      sockets: maxSockets,
      samples: n,
      'interval ms': INTERVAL,
      'main thread % of a core': pct(main),
      'process % of a core (main + worker)': pct(all),
      'main thread ms/sample': +(main / Math.max(1, n)).toFixed(1),
      'KB posted/sample': +(bytes / Math.max(1, samples) / 1024).toFixed(1),
    };
    console.log(
      `\nview host (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, ${cpus().length} CPUs): ` +
        `${maxSockets} sockets (+${RATE} CLOSE_WAIT/s), ${n} samples in ${(wall / 1000).toFixed(1)} s at ${INTERVAL} ms`,
    );
    for (const [k2, v] of Object.entries(res)) console.log(`  ${k2.padEnd(40)} ${v}`);
    return res;
  } finally {
    await worker.terminate();
    await stopAll();
  }
}

if (require.main === module) {
  runViewHostBench().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
