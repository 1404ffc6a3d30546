// Watch-stream bench (issue 12 item 7): what one line of `conndoctor sockets --watch --json` costs on a Go process
// holding ~6,000 loopback sockets while ~200 new connections per second come and go (each lives 1 s).
// The loop is the CLI's own per-sample path, in-process, so each stage can be timed: collect (LinuxCollector),
// history update (applyResult), guidance (analyzeHistory), building + serializing the line (WatchStream +
// JSON.stringify), writing it (writeSync to /dev/null). Three ways of printing are measured on the same samples:
//   - delta: the default stream (snapshot first, then opened/closed/changed);
//   - full: --full (every line a snapshot);
//   - before: the line as the CLI printed it before the delta stream (commit a5da63d: every socket with its queue
//     histories and ages, the whole counts history, on every line).
// CPU ms per line is process CPU (user+system) over the stages; the machine is shared, so wall times are
// provisional and CPU ms is the steadier figure.
// Env: CONNDOCTOR_BENCH_WATCH_SOCKETS (6000), CONNDOCTOR_BENCH_WATCH_RATE (200/s), CONNDOCTOR_BENCH_WATCH_SAMPLES (20),
// CONNDOCTOR_BENCH_WATCH_INTERVAL (75 ms between samples).
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { cpus } from 'node:os';
import { analyzeHistory } from '../src/sockets/guidance';
import { LinuxCollector } from '../src/sockets/linux';
import { applyResult, newHistory, type History } from '../src/sockets/sampler';
import { nonZeroCounts, WatchStream } from '../src/sockets/stream';
import { buildGo, Scenario, sleep, stopAll } from '../test/live/helpers';

const N = Number(process.env.CONNDOCTOR_BENCH_WATCH_SOCKETS ?? 6000);
const RATE = Number(process.env.CONNDOCTOR_BENCH_WATCH_RATE ?? 200);
const SAMPLES = Number(process.env.CONNDOCTOR_BENCH_WATCH_SAMPLES ?? 20);
const INTERVAL = Number(process.env.CONNDOCTOR_BENCH_WATCH_INTERVAL ?? 75);

/** The line the CLI printed per sample before the delta stream (a5da63d `toJson`), for the "before" figures. */
function lineBefore(h: History, guidance: unknown): string {
  const latest = h.latest!;
  return JSON.stringify({
    pid: h.pid,
    status: h.status,
    message: h.message,
    time: latest.time,
    samples: h.samples.length,
    counts: h.samples.at(-1)?.counts,
    countsHistory: h.samples.map((s) => ({ time: s.time, counts: nonZeroCounts(s.counts), opened: s.opened, closed: s.closed })),
    fds: latest.fds,
    otherSocketFds: latest.otherSocketFds,
    otherNetns: latest.otherNetns,
    sockstat: latest.sockstat,
    elapsedMs: latest.elapsedMs,
    sockets: latest.sockets.map((s) => ({ ...s, ageMs: latest.time - s.firstSeen, stateMs: latest.time - s.stateSince })),
    guidance,
  });
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

interface Stage {
  wall: number[];
  cpu: number[];
}
const stage = (): Stage => ({ wall: [], cpu: [] });
function timed<T>(s: Stage, fn: () => T): T {
  const w = performance.now();
  const c = cpuMs();
  const r = fn();
  s.cpu.push(cpuMs() - c);
  s.wall.push(performance.now() - w);
  return r;
}

export async function runWatchBench(): Promise<Record<string, unknown>> {
  if (process.platform !== 'linux') {
    console.log('watch bench: Linux only (skipped)');
    return { skipped: 'not linux' };
  }
  const bin = buildGo('scenario');
  const wrap = { cmd: 'bash', args: ['-c', `ulimit -n ${Math.min(20000, N + 2000)} && exec "$0"`] };
  const target = new Scenario(bin, wrap);
  const peer = new Scenario(bin, wrap);
  const devnull = openSync('/dev/null', 'w');
  try {
    const port = await target.port('listen srv');
    for (let done = 0; done < N; done += 1000) await peer.cmd(`dial g${done} ${Math.min(1000, N - done)} ${port} E`, 60000);
    await peer.cmd(`churn ${port} ${RATE}`);
    await sleep(1500); // steady state: each churned conn lives 1 s

    const collector = new LinuxCollector(target.pid);
    const h = newHistory(target.pid);
    const streams = { delta: new WatchStream(false), full: new WatchStream(true) };
    const st = { collect: stage(), update: stage(), guidance: stage(), delta: stage(), full: stage(), before: stage(), write: stage() };
    const bytes: Record<'delta' | 'full' | 'before', number[]> = { delta: [], full: [], before: [] };
    let sockets = 0;
    let opened = 0;
    let closed = 0;
    let changed = 0;
    for (let i = 0; i <= SAMPLES; i++) {
      if (i) await sleep(INTERVAL);
      const r = timed(st.collect, () => collector.collectSync());
      if (r.kind !== 'ok') throw new Error(`collect: ${r.kind}`);
      timed(st.update, () => applyResult(h, r));
      const guidance = timed(st.guidance, () => analyzeHistory(h));
      sockets = h.latest!.sockets.length;
      for (const mode of ['delta', 'full'] as const) {
        const text = timed(st[mode], () =>
          streams[mode]
            .lines(h, () => ({ guidance }))
            .map((l) => `${JSON.stringify(l)}\n`)
            .join(''),
        );
        bytes[mode].push(Buffer.byteLength(text));
        if (mode === 'delta') timed(st.write, () => writeSync(devnull, text));
      }
      const old = timed(st.before, () => `${lineBefore(h, guidance)}\n`);
      bytes.before.push(Buffer.byteLength(old));
      if (i) {
        opened += h.diff!.opened.length;
        closed += h.diff!.closed.length;
        changed += h.diff!.changed.length;
      }
    }
    // the first line is a snapshot in every mode; per-line figures are over the lines after it
    const after = (xs: number[]) => xs.slice(1);
    const kb = (xs: number[]) => +(median(after(xs)) / 1024).toFixed(1);
    const ms = (s: Stage, k: 'wall' | 'cpu') => +median(after(s[k])).toFixed(2);
    const engine = ms(st.collect, 'cpu') + ms(st.update, 'cpu') + ms(st.guidance, 'cpu');
    // writing is measured for the delta text; the bigger lines cost about the same per byte
    const writePerByte =
      after(st.write.cpu).reduce((a, b) => a + b, 0) /
      Math.max(
        1,
        after(bytes.delta).reduce((a, b) => a + b, 0),
      );
    const rows = (['delta', 'full', 'before'] as const).map((m) => {
      const printing = ms(st[m], 'cpu') + writePerByte * median(after(bytes[m]));
      return {
        mode: m,
        'KB/line': kb(bytes[m]),
        'first line KB': +(bytes[m][0] / 1024).toFixed(1),
        'print CPU ms/line': +printing.toFixed(2),
        'line CPU ms (engine + print)': +(engine + printing).toFixed(1),
      };
    });
    console.log(
      `\nwatch stream (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, ${cpus().length} CPUs): ` +
        `${sockets} sockets, ${RATE} new conns/s, ${SAMPLES} samples ${INTERVAL} ms apart; per sample ` +
        `${(opened / SAMPLES).toFixed(1)} opened, ${(closed / SAMPLES).toFixed(1)} closed, ${(changed / SAMPLES).toFixed(1)} changed`,
    );
    console.log(
      `engine per sample (median CPU ms): collect ${ms(st.collect, 'cpu')} (wall ${ms(st.collect, 'wall')}), history ${ms(st.update, 'cpu')}, guidance ${ms(st.guidance, 'cpu')}`,
    );
    console.log(
      `${'printing'.padEnd(10)}${'KB/line'.padStart(10)}${'first line KB'.padStart(15)}${'print CPU ms/line'.padStart(20)}${'line CPU ms (engine + print)'.padStart(30)}`,
    );
    for (const r of rows)
      console.log(
        `${r.mode.padEnd(10)}${String(r['KB/line']).padStart(10)}${String(r['first line KB']).padStart(15)}${String(r['print CPU ms/line']).padStart(20)}${String(r['line CPU ms (engine + print)']).padStart(30)}`,
      );
    const out: Record<string, number> = { sockets, 'collect CPU ms': ms(st.collect, 'cpu') };
    for (const r of rows) {
      out[`${r.mode} KB/line`] = r['KB/line'];
      out[`${r.mode} print CPU ms/line`] = r['print CPU ms/line'];
    }
    return out;
  } finally {
    closeSync(devnull);
    await stopAll();
  }
}

if (require.main === module) {
  runWatchBench().catch((e) => {
    console.error(e);
    process.exitCode = 1;
  });
}
