// Collector bench: one Go process holding 10,000 loopback sockets (accepted conns; the peer is a second process,
// so the namespace holds ~20k), sampled by our Linux collector and, in the same run on the same process, by
// `ss -tanp`, `ss -tan` and `lsof -p PID -a -iTCP`. Median ms per sample and CPU ms per sample.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { LinuxCollector, parseProcNetTcp, readProcFile } from '../src/sockets/linux';
import { SocketWorker, WorkerCollector } from '../src/sockets/collector';
import { buildGo, Scenario, stopAll, alive } from '../test/live/helpers';

const N = Number(process.env.CONNDOCTOR_BENCH_SOCKETS ?? 10000);
const RUNS = Number(process.env.CONNDOCTOR_BENCH_RUNS ?? 21);
const WARMUP = 3;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** CPU of waited-for children (cutime + cstime of /proc/self/stat), ms. */
function childCpuMs(): number {
  const s = readFileSync('/proc/self/stat', 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  // fields after ")" start at index 3 (state); cutime = field 16, cstime = field 17 (1-based)
  return ((Number(f[16 - 3]) + Number(f[17 - 3])) * 1000) / 100;
}

function selfCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

interface Row {
  method: string;
  medianMs: number;
  minMs: number;
  maxMs: number;
  cpuMsPerSample: number;
  sockets?: number;
}

async function measure(method: string, fn: () => number | Promise<number>, cpu: () => number): Promise<Row> {
  let sockets = 0;
  for (let i = 0; i < WARMUP; i++) sockets = await fn();
  const times: number[] = [];
  const c0 = cpu();
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    sockets = await fn();
    times.push(performance.now() - t0);
  }
  const cpuMs = (cpu() - c0) / RUNS;
  return { method, medianMs: median(times), minMs: Math.min(...times), maxMs: Math.max(...times), cpuMsPerSample: cpuMs, sockets };
}

function run(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 << 20 });
  if (r.error) throw r.error;
  return r.stdout;
}

function has(cmd: string): boolean {
  return !spawnSync(cmd, ['--version'], { stdio: 'ignore' }).error;
}

export async function runCollectorBench(): Promise<Record<string, unknown>> {
  if (process.platform !== 'linux') {
    console.log('collector bench: Linux only (skipped)');
    return { skipped: 'not linux' };
  }
  const bin = buildGo('scenario');
  // both processes get RLIMIT_NOFILE raised by the shell before exec (Go would raise soft to hard anyway)
  const wrap = { cmd: 'bash', args: ['-c', `ulimit -n ${Math.min(20000, N + 1000)} && exec "$0"`] };
  const target = new Scenario(bin, wrap);
  const peer = new Scenario(bin, wrap);
  try {
    const port = await target.port('listen srv');
    const t0 = performance.now();
    for (let done = 0; done < N; done += 1000) await peer.cmd(`dial g${done} ${Math.min(1000, N - done)} ${port} E`, 60000);
    const setupMs = performance.now() - t0;
    const pid = target.pid;
    const sockstat = readFileSync('/proc/net/sockstat', 'utf8').split('\n')[1];

    const rows: Row[] = [];
    const ours = new LinuxCollector(pid, { socketsOnly: false });
    const first = ours.collectSync();
    if (first.kind !== 'ok') throw new Error(`collector: ${first.kind}`);
    rows.push(
      await measure(
        'ours: /proc fd scan (cached) + net/tcp{,6}, in-process',
        () => {
          const r = ours.collectSync();
          return r.kind === 'ok' ? r.snapshot.sockets.length : -1;
        },
        selfCpuMs,
      ),
    );
    const uncached = new LinuxCollector(pid, { fdCache: false });
    rows.push(
      await measure(
        'ours without the fd cache (readlink every fd, every sample)',
        () => {
          const r = uncached.collectSync();
          return r.kind === 'ok' ? r.snapshot.sockets.length : -1;
        },
        selfCpuMs,
      ),
    );
    // the same collector in the worker thread the extension uses (main thread stays free)
    const workerScript = join(__dirname, '..', 'dist', 'sockets-worker.js');
    let worker: SocketWorker | undefined;
    try {
      readFileSync(workerScript);
      worker = new SocketWorker(workerScript);
      const wc = new WorkerCollector(pid, worker);
      rows.push(
        await measure(
          'ours: same, in a worker thread',
          async () => {
            const r = await wc.collect();
            return r.kind === 'ok' ? r.snapshot.sockets.length : -1;
          },
          selfCpuMs,
        ),
      );
    } catch {
      console.log('(no dist/sockets-worker.js: run `npm run build` for the worker row)');
    } finally {
      await worker?.terminate();
    }
    rows.push(
      await measure(
        'ss -tanp',
        () =>
          run('ss', ['-tanp'])
            .split('\n')
            .filter((l) => l.includes(`pid=${pid},`)).length,
        childCpuMs,
      ),
    );
    rows.push(await measure('ss -tan (no owner lookup)', () => run('ss', ['-tan']).split('\n').length - 2, childCpuMs));
    if (has('lsof')) {
      rows.push(
        await measure('lsof -p PID -a -iTCP', () => run('lsof', ['-p', String(pid), '-a', '-iTCP']).split('\n').length - 2, childCpuMs),
      );
      rows.push(
        await measure(
          'lsof -nP -p PID -a -iTCP',
          () => run('lsof', ['-nP', '-p', String(pid), '-a', '-iTCP']).split('\n').length - 2,
          childCpuMs,
        ),
      );
    }

    // where our time goes
    const phase = (fn: () => void) => {
      for (let i = 0; i < WARMUP; i++) fn();
      const ts: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const t = performance.now();
        fn();
        ts.push(performance.now() - t);
      }
      return median(ts);
    };
    const inodes = new Set<number>();
    const fdScanMs = phase(() => {
      inodes.clear();
      for (const n of readdirSync(`/proc/${pid}/fd`)) {
        try {
          const l = readlinkSync(`/proc/${pid}/fd/${n}`);
          if (l.startsWith('socket:[')) inodes.add(Number(l.slice(8, -1)));
        } catch {
          /* closed */
        }
      }
    });
    let tcp: Buffer = Buffer.alloc(0);
    let tcp6: Buffer = Buffer.alloc(0);
    const readMs = phase(() => {
      tcp = readProcFile(`/proc/${pid}/net/tcp`);
      tcp6 = readProcFile(`/proc/${pid}/net/tcp6`);
    });
    const parseMs = phase(() => {
      parseProcNetTcp(tcp, 4, (i) => inodes.has(i));
      parseProcNetTcp(tcp6, 6, (i) => inodes.has(i));
    });
    const oursRow = rows[0];
    const ssRow = rows.find((r) => r.method === 'ss -tanp')!;
    const lsofRow = rows.find((r) => r.method === 'lsof -p PID -a -iTCP');

    console.log(
      `\ncollector (load average ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')}, ${cpus().length} CPUs): target pid ${pid} holds ${first.snapshot.sockets.length} TCP sockets in ${first.snapshot.fds?.open} fds; namespace: ${sockstat.trim()}; setup ${(setupMs / 1000).toFixed(1)} s`,
    );
    console.log(
      `${'method'.padEnd(62)}${'median ms'.padStart(11)}${'min–max ms'.padStart(16)}${'CPU ms/sample'.padStart(15)}${'rows'.padStart(8)}`,
    );
    for (const r of rows) {
      console.log(
        `${r.method.padEnd(62)}${r.medianMs.toFixed(1).padStart(11)}${`${r.minMs.toFixed(0)}–${r.maxMs.toFixed(0)}`.padStart(16)}${r.cpuMsPerSample.toFixed(1).padStart(15)}${String(r.sockets ?? '').padStart(8)}`,
      );
    }
    console.log(
      `ours, phases: fd scan (readdir + ${inodes.size} readlink) ${fdScanMs.toFixed(1)} ms, read net/tcp+tcp6 (${((tcp.length + tcp6.length) / 1e6).toFixed(1)} MB) ${readMs.toFixed(1)} ms, parse+join ${parseMs.toFixed(1)} ms`,
    );
    console.log(
      `ours vs ss -tanp: ${(ssRow.medianMs / oursRow.medianMs).toFixed(1)}× faster${lsofRow ? `; vs lsof: ${(lsofRow.medianMs / oursRow.medianMs).toFixed(1)}×` : ''}`,
    );
    return {
      sockets: first.snapshot.sockets.length,
      namespace: sockstat.trim(),
      runs: RUNS,
      rows,
      phases: { fdScanMs, readMs, parseMs, procNetBytes: tcp.length + tcp6.length },
      speedupVsSsTanp: ssRow.medianMs / oursRow.medianMs,
      speedupVsLsof: lsofRow ? lsofRow.medianMs / oursRow.medianMs : undefined,
    };
  } finally {
    await target.stop();
    await peer.stop();
    await stopAll();
    if (alive(target.pid) || alive(peer.pid)) console.log('collector bench: WARNING: a bench process survived');
  }
}

if (require.main === module) {
  runCollectorBench().then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
