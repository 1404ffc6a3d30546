// Records the socket sequences the UI tests replay, from real Go processes on 127.0.0.1 sampled by the real
// Linux collector (test/ui/fixtures/*.json.gz). Linux only. Run: npx tsx test/ui/record.ts [leak|goroutines|large]
//
//   leak        test/live/go/leaky-server (a session map that never closes its conns) under a load client
//               that connects and hangs up: CLOSE_WAIT climbs, then stays flat when the load stops; the server
//               is killed at the end (the "exited" result).
//   goroutines  the scenario program with net/http/pprof: 17 conns whose handlers block in Read, 5 CLOSE_WAIT
//               leaks, and the goroutine report read from its own /debug/pprof.
//   large       the scenario program dialing itself: 10,000+ sockets, then churn (new conns, closed conns,
//               TIME_WAIT, CLOSE_WAIT) at every sample.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { discover } from '../../src/sockets/discover';
import { GoroutineProbe } from '../../src/sockets/goroutines';
import { LinuxCollector } from '../../src/sockets/linux';
import type { CollectResult } from '../../src/sockets/model';
import { buildGo, GO_DIR, Scenario, sleep, startProcess, stopAll, waitFor } from '../live/helpers';
import { encode, saveRecording, type Recording } from './recording';

const REPO = join(__dirname, '..', '..');
const OUT = join(__dirname, 'fixtures');

function env(): { goVersion: string; kernel: string; recordedAt: string } {
  return {
    goVersion: execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim(),
    kernel: execFileSync('uname', ['-r'], { encoding: 'utf8' }).trim(),
    recordedAt: new Date().toISOString(),
  };
}

async function sampleEvery(c: LinuxCollector, n: number, ms: number, each?: (i: number) => Promise<void>): Promise<CollectResult[]> {
  const out: CollectResult[] = [];
  for (let i = 0; i < n; i++) {
    const t = Date.now();
    if (each) await each(i);
    out.push(c.collectSync());
    await sleep(Math.max(0, ms - (Date.now() - t)));
  }
  return out;
}

async function candidateOf(pid: number) {
  return (await discover({ workspace: REPO })).find((c) => c.pid === pid);
}

async function leak(): Promise<Recording> {
  const bin = buildGo('leaky-server');
  const server = startProcess(bin, ['-addr', '127.0.0.1:0'], { cwd: join(GO_DIR, 'leaky-server') });
  let log = '';
  server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  const addr = await waitFor(() => /listening on (\S+)/.exec(log)?.[1], 10000);
  // two idle clients that never hang up (ESTABLISHED), then a load client that hangs up after each greeting
  const idle = new Scenario(buildGo('scenario'));
  await idle.cmd(`dial idle 2 ${addr.split(':')[1]} E`);
  const load = startProcess(bin, ['-load', addr, '-every', '120ms']);
  const c = new LinuxCollector(server.pid!);
  const results = await sampleEvery(c, 26, 500, async (i) => {
    if (i === 18) {
      load.kill('SIGKILL'); // the load stops: CLOSE_WAIT stays where it is
      await sleep(50);
    }
  });
  const candidate = await candidateOf(server.pid!);
  server.kill('SIGKILL');
  await waitFor(() => c.collectSync().kind === 'exited', 5000);
  results.push(c.collectSync());
  return {
    name: 'leak',
    description:
      'leaky-server (session map never closes conns) under a connect-and-hang-up load; load stops at sample 18; killed at the end',
    ...env(),
    pid: server.pid!,
    candidate,
    sources: ['test/live/go/leaky-server/main.go'],
    steps: encode(results),
  };
}

async function goroutines(): Promise<Recording> {
  const target = new Scenario(buildGo('scenario'));
  await target.cmd('pprof');
  const port = await target.port('listen srv');
  const client = new Scenario(buildGo('scenario'));
  const c = new LinuxCollector(target.pid);
  const results = await sampleEvery(c, 8, 500, async (i) => {
    if (i === 1) await client.cmd(`dial blocked 17 ${port} E`);
    if (i === 3) {
      await client.cmd(`dial leak 5 ${port} C`);
      await client.cmd('close leak');
    }
  });
  const candidate = await candidateOf(target.pid);
  const last = results.at(-1)!;
  const probe = new GoroutineProbe({ modulePath: 'conndoctor.test/scenario' });
  const report = last.kind === 'ok' ? await probe.fetch(last.snapshot.sockets) : undefined;
  if (!report) throw new Error('no goroutine report from the scenario program');
  return {
    name: 'goroutines',
    description: 'scenario with net/http/pprof: 17 handlers blocked in Read, 5 CLOSE_WAIT leaks; goroutine report from its pprof',
    ...env(),
    pid: target.pid,
    candidate,
    goroutines: report,
    sources: ['test/live/go/scenario/main.go'],
    steps: encode(results),
  };
}

async function large(): Promise<Recording> {
  const target = new Scenario(buildGo('scenario'));
  const port = await target.port('listen big');
  // 5,000 conns to itself: both ends in the process, 10,001 sockets with the listener
  for (let i = 0; i < 10; i++) await target.cmd(`dial base${i} 500 ${port} E`, 60000);
  const c = new LinuxCollector(target.pid);
  const results = await sampleEvery(c, 8, 1000, async (i) => {
    if (i === 0) return;
    await target.cmd(`dial new${i} 60 ${port} E`, 30000);
    if (i >= 2) await target.cmd(`close new${i - 1}`); // client side closes first: TIME_WAIT on our side
    await target.cmd(`dial leak${i} 8 ${port} C`);
    await target.cmd(`close leak${i}`); // CLOSE_WAIT on the server side, never closed
  });
  const candidate = await candidateOf(target.pid);
  return {
    name: 'large',
    description: 'scenario dialing itself: 10,001 sockets, then 60 new conns, 60 closed and 8 CLOSE_WAIT leaks per sample',
    ...env(),
    pid: target.pid,
    candidate,
    sources: ['test/live/go/scenario/main.go'],
    steps: encode(results),
  };
}

async function main(): Promise<void> {
  if (process.platform !== 'linux') throw new Error('recording needs Linux (/proc)');
  const which = process.argv.slice(2);
  const all: Record<string, () => Promise<Recording>> = { leak, goroutines, large };
  for (const name of which.length ? which : Object.keys(all)) {
    const rec = await all[name]();
    await stopAll();
    const file = join(OUT, `${name}.json.gz`);
    saveRecording(file, rec);
    const counts = rec.steps.map((s) => (s.kind === 'ok' ? `+${s.add.length}/~${s.change.length}/-${s.remove.length}` : s.kind));
    console.log(`${name}: ${rec.steps.length} samples (${counts.join(' ')}) -> ${file}`);
  }
}

main()
  .catch((e) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => stopAll());
