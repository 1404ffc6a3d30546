// The socket view's session against real processes: it finds the workspace's program and attaches, follows a
// restart of the same program keeping its history, asks when two programs qualify, and reports a typed pid that
// does not exist. The collector runs in the real worker thread (dist/sockets-worker.js) when it is built.
import { strict as assert } from 'node:assert';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { defaultWorkerScript, SocketWorker } from '../../src/sockets/collector';
import { discover } from '../../src/sockets/discover';
import { SocketSession, type SessionStatus } from '../../src/sockets/session';
import { alive, buildGo, markLine, Scenario, startProcess, stop, stopAll, waitFor } from './helpers';

const linux = process.platform === 'linux';

(linux ? describe : describe.skip)('socket view session (real processes)', function () {
  this.timeout(60000);
  let leaky: string;
  let ws: string;
  let exe: string;
  const pids: number[] = [];
  let worker: SocketWorker | undefined;
  const sessions: SocketSession[] = [];

  before(function () {
    this.timeout(120000);
    leaky = buildGo('leaky-server');
    const script = defaultWorkerScript(join(__dirname, '..', '..', 'dist'));
    worker = script ? new SocketWorker(script) : undefined;
  });

  beforeEach(() => {
    ws = mkdtempSync(join(tmpdir(), 'conndoctor-session-'));
    writeFileSync(join(ws, 'go.mod'), 'module example.com/leaky\n\ngo 1.22\n');
    exe = join(ws, 'leaky');
    copyFileSync(leaky, exe);
    chmodSync(exe, 0o755);
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    pids.push(...(await stopAll()));
    rmSync(ws, { recursive: true, force: true });
  });

  after(async () => {
    await worker?.terminate();
    const left = pids.filter(alive);
    assert.deepEqual(left, [], `processes left behind: ${left.join(', ')}`);
  });

  function session(): SocketSession {
    const s = new SocketSession({ folders: () => [ws], intervalMs: 250, worker, discoverEveryMs: 200 });
    sessions.push(s);
    return s;
  }

  const kind = (s: SocketSession): SessionStatus['kind'] => s.status.kind;

  it('no process -> attaches by itself when the program starts -> exited -> follows the restart, keeping the history', async () => {
    const s = session();
    s.start();
    await waitFor(() => kind(s) === 'no-process', 5000);
    const first = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
    await waitFor(() => s.status.kind === 'attached' && s.status.target.pid === first.pid, 10000);
    const st = s.status as Extract<SessionStatus, { kind: 'attached' }>;
    assert.ok(st.target.reasons.some((r) => r.code === 'cwd-in-workspace'));
    await waitFor(() => (s.history?.samples.length ?? 0) >= 2 && s.history!.latest!.sockets.some((x) => x.state === 'LISTEN'), 10000);
    const before = s.history!.samples.length;
    await stop(first);
    await waitFor(() => kind(s) === 'exited', 10000);
    const second = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
    await waitFor(() => s.status.kind === 'attached' && s.status.target.pid === second.pid, 10000);
    assert.equal((s.status as Extract<SessionStatus, { kind: 'attached' }>).followedFrom, first.pid);
    await waitFor(() => s.history!.pid === second.pid && s.history!.status === 'ok', 10000);
    assert.ok(s.history!.samples.length >= before, 'samples from before the restart are kept');
    assert.deepEqual(
      s.history!.restarts!.map((r) => [r.fromPid, r.toPid]),
      [[first.pid, second.pid]],
    );
  });

  it('two programs of the workspace -> "choose"; a pick attaches; pause and resume', async () => {
    const a = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
    const b = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
    await waitFor(() => existsSync(`/proc/${a.pid}`) && existsSync(`/proc/${b.pid}`));
    const s = session();
    s.start();
    await waitFor(() => kind(s) === 'choose' && s.candidates.length === 2, 10000);
    await s.attach(b.pid!, false);
    await waitFor(() => s.status.kind === 'attached' && s.status.target.pid === b.pid && s.history?.status === 'ok', 10000);
    s.pause();
    const n = s.history!.samples.length;
    await new Promise((r) => setTimeout(r, 800));
    assert.equal(s.history!.samples.length, n, 'no samples while paused');
    s.resume();
    await waitFor(() => s.history!.samples.length > n, 5000);
  });

  it('a server and its load generator run from the workspace: the one that listens is attached, saying so', async () => {
    const srv = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
    let log = '';
    srv.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const addr = await waitFor(() => /listening on (127\.0\.0\.1:\d+)/.exec(log)?.[1], 10000);
    const client = startProcess(exe, ['-load', addr, '-every', '200ms'], { cwd: ws });
    await waitFor(() => existsSync(`/proc/${client.pid}`));
    const s = session();
    s.start();
    await waitFor(() => s.status.kind === 'attached', 10000);
    const st = s.status as Extract<SessionStatus, { kind: 'attached' }>;
    assert.equal(st.target.pid, srv.pid);
    assert.equal(st.target.reasons[0].code, 'listens');
    assert.match(st.target.reasons[0].en, new RegExp(`the only one of them that listens \\(${addr.replace(/\./g, '\\.')}\\)`));
    assert.equal(s.candidates.length, 2);
  });

  it('with goroutines on, groups the goroutines blocked in Read by their line in the program (loopback pprof)', async () => {
    const scen = buildGo('scenario');
    const target = new Scenario(scen);
    const peer = new Scenario(scen);
    const port = await target.port('listen srv');
    await target.port('pprof');
    await peer.cmd(`dial e 3 ${port} E`);
    const s = new SocketSession({ folders: () => [ws], intervalMs: 250, worker, goroutines: true, goroutinesEvery: 1 });
    sessions.push(s);
    await s.attach(target.pid, true);
    const g = await waitFor(() => s.goroutines?.netBlocked.find((x) => x.op === 'Read' && x.userFrame), 15000);
    assert.equal(g.count, 3);
    assert.ok(g.location!.endsWith(`/scenario/main.go:${markLine('scenario', 'READ')}`), g.location);
  });

  it('an untrusted workspace: its running program is not looked for, attached or sampled until trust is granted', async () => {
    const proc = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
    await waitFor(() => existsSync(`/proc/${proc.pid}`));
    let trusted = false;
    let discoveries = 0;
    const s = new SocketSession({
      folders: () => [ws],
      intervalMs: 250,
      worker,
      discoverEveryMs: 100,
      goroutines: true,
      trusted: () => trusted,
      discoverFn: (o) => {
        discoveries++;
        return discover(o);
      },
    });
    sessions.push(s);
    const seen: string[] = [];
    s.on((e) => seen.push(`${e}:${s.status.kind}`));
    s.start();
    assert.equal(kind(s), 'untrusted');
    // the view's picker and manual PID field go through attach(): refused too
    await s.attach(proc.pid!, true);
    s.setVisible(true);
    s.setGoroutines(true);
    await s.discoverNow();
    await new Promise((r) => setTimeout(r, 600)); // several discovery periods
    assert.equal(kind(s), 'untrusted');
    assert.equal(discoveries, 0, 'no process listing in an untrusted workspace');
    assert.equal(s.sampler, undefined);
    assert.equal(s.goroutines, undefined);
    assert.deepEqual(seen, ['status:untrusted']);
    s.trustGranted(); // no-op while still untrusted
    assert.equal(kind(s), 'untrusted');
    trusted = true;
    s.trustGranted();
    await waitFor(() => s.status.kind === 'attached' && s.status.target.pid === proc.pid && s.history?.status === 'ok', 10000);
    assert.ok(discoveries > 0);
  });

  it('a typed pid that does not exist -> an error saying "no such process", not a wait for a restart', async () => {
    const s = session();
    s.start();
    await waitFor(() => kind(s) === 'no-process', 5000);
    let pid = 4_000_000;
    while (existsSync(`/proc/${pid}`)) pid -= 7919;
    await s.attach(pid, true);
    await waitFor(() => kind(s) === 'error', 5000);
    assert.match((s.status as Extract<SessionStatus, { kind: 'error' }>).message, /no such process/);
  });
});
