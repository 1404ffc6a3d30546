// `conndoctor sockets` against real Go programs: the leaky example server (test/live/go/leaky-server) under load
// (CLOSE_WAIT grows, the guidance names the rules to look for), a one-shot run on an existing CLOSE_WAIT pile,
// socket fds outside the TCP tables, a pid that never existed, and the --watch --json stream (deltas, the status
// line at exit, following a restart with --workspace).
import { strict as assert } from 'node:assert';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSocketsCli } from '../../src/sockets/cli';
import { LinuxCollector } from '../../src/sockets/linux';
import { applyLine, type SocketJson, type StreamLine } from '../../src/sockets/stream';
import { alive, buildGo, GO_DIR, Scenario, sleep, startProcess, stop, stopAll, waitFor } from './helpers';

const linux = process.platform === 'linux';

async function cli(args: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runSocketsCli(args, { out: (s) => (out += s), err: (s) => (err += s), isTTY: false });
  return { code, out, err };
}

(linux ? describe : describe.skip)('conndoctor sockets (leaky example server)', function () {
  this.timeout(30000);
  let bin: string;
  const pids: number[] = [];

  before(function () {
    this.timeout(120000);
    bin = buildGo('leaky-server');
  });

  after(async () => {
    pids.push(...(await stopAll()));
    const left = pids.filter(alive);
    assert.deepEqual(left, [], `processes left behind: ${left.join(', ')}`);
  });

  it('shows CLOSE_WAIT growing and the close-wait guidance (text, en and zh-cn, and JSON)', async () => {
    const server = startProcess(bin, ['-addr', '127.0.0.1:0']);
    let log = '';
    server.stderr!.on('data', (d: Buffer) => (log += d.toString()));
    const addr = await waitFor(() => /listening on (127\.0\.0\.1:\d+)/.exec(log)?.[1]);
    startProcess(bin, ['-load', addr, '-every', '100ms']);
    await waitFor(() => {
      const r = new LinuxCollector(server.pid!).collectSync();
      return r.kind === 'ok' && r.snapshot.sockets.filter((s) => s.state === 'CLOSE_WAIT').length >= 2;
    });

    const text = await cli(['--pid', String(server.pid), '--samples', '3', '--interval', '500']);
    assert.equal(text.code, 0, text.err);
    const m = /CLOSE_WAIT (\d+) \(\+(\d+)\)/.exec(text.out);
    assert.ok(m, text.out);
    assert.ok(Number(m[2]) >= 3, `CLOSE_WAIT grew by ${m[2]}`);
    assert.match(text.out, /\[error\] CLOSE_WAIT sockets are growing: connections are leaking/);
    assert.match(text.out, /look for: conn-not-closed, read-no-deadline/);
    assert.match(text.out, /LISTEN +127\.0\.0\.1:\d+/);

    const zh = await cli(['--pid', String(server.pid), '--samples', '2', '--interval', '500', '--lang', 'zh-cn']);
    assert.match(zh.out, /CLOSE_WAIT 套接字在增加：连接正在泄漏/);
    assert.match(zh.out, /检查规则: conn-not-closed, read-no-deadline/);

    const js = await cli(['--pid', String(server.pid), '--samples', '2', '--interval', '500', '--json']);
    const o = JSON.parse(js.out);
    assert.equal(o.status, 'ok');
    assert.ok(o.countsHistory[1].counts.CLOSE_WAIT > o.countsHistory[0].counts.CLOSE_WAIT);
    assert.equal(o.guidance[0].id, 'close-wait');
    assert.deepEqual(o.guidance[0].rules, ['conn-not-closed', 'read-no-deadline']);
    assert.ok(o.sockets.every((s: { attribution: string }) => s.attribution === 'fd' || s.attribution === 'listen-port'));
  });

  it('--workspace finds the server by itself; bad input and exited processes give exit status 2', async () => {
    const server = startProcess(bin, ['-addr', '127.0.0.1:0'], { cwd: join(GO_DIR, 'leaky-server') });
    await waitFor(() => {
      const r = new LinuxCollector(server.pid!).collectSync();
      return r.kind === 'ok' && r.snapshot.sockets.length > 0;
    });
    const ws = await cli(['--workspace', join(GO_DIR, 'leaky-server'), '--samples', '1', '--json']);
    assert.equal(ws.code, 0, ws.err);
    const o = JSON.parse(ws.out);
    const mine = (Array.isArray(o) ? o : [o]).find((x: { pid: number }) => x.pid === server.pid);
    assert.ok(mine, ws.out);
    assert.equal(mine.process.kind, 'built-binary');

    assert.equal((await cli(['--pid', 'abc'])).code, 2);
    assert.equal((await cli(['--pid', '1', '--workspace', '.'])).code, 2);
    const pid = server.pid!;
    await stopAll();
    // a fresh run on a pid that is gone cannot know it ever existed: "no such process"
    const gone = await cli(['--pid', String(pid), '--samples', '1']);
    assert.equal(gone.code, 2);
    assert.match(gone.out, /no such process/);
  });
});

/** A pid that is not running now (and is not ours). */
function freePid(): number {
  for (let p = 4_000_000; p > 300; p -= 7919) if (!existsSync(`/proc/${p}`)) return p;
  throw new Error('no free pid');
}

(linux ? describe : describe.skip)('conndoctor sockets: one-shot judgement and the watch stream (scenario programs)', function () {
  this.timeout(60000);
  let bin: string;
  let leaky: string;
  const pids: number[] = [];

  before(function () {
    this.timeout(120000);
    bin = buildGo('scenario');
    leaky = buildGo('leaky-server');
  });

  afterEach(async () => {
    pids.push(...(await stopAll()));
  });

  after(() => {
    const left = pids.filter(alive);
    assert.deepEqual(left, [], `processes left behind: ${left.join(', ')}`);
  });

  it('one-shot on a process already holding a CLOSE_WAIT pile reports it ("seen for"), with one sample or three', async () => {
    const target = new Scenario(bin);
    const peer = new Scenario(bin);
    const port = await target.port('listen srv');
    await peer.cmd(`dial c 5 ${port} C`);
    await peer.cmd('close c');
    await waitFor(() => {
      const r = new LinuxCollector(target.pid).collectSync();
      return r.kind === 'ok' && r.snapshot.sockets.filter((s) => s.state === 'CLOSE_WAIT').length === 5;
    });
    await sleep(1500); // the pile is older than anything we will sample: its age is unknown to a fresh run

    const one = await cli(['--pid', String(target.pid), '--samples', '1', '--json']);
    assert.equal(one.code, 0, one.err);
    const o = JSON.parse(one.out);
    assert.equal(o.samples, 2, 'a single sample showing CLOSE_WAIT is confirmed by a second one');
    const g = o.guidance.find((x: { id: string }) => x.id === 'close-wait');
    assert.ok(g, `no close-wait guidance: ${JSON.stringify(o.guidance)}`);
    assert.equal(g.severity, 'warning');
    assert.equal(g.evidence.count, 5);
    // The age counts from our first sample ("seen for"), so it is exactly the span of this run's samples: their
    // times are in the output. (A loaded machine stretches the 0.5 s confirmation: no fixed figure.)
    const times: number[] = o.countsHistory.map((c: { time: number }) => c.time);
    const span = Math.round((times[1] - times[0]) / 100) / 10;
    assert.ok(span >= 0.5, `the confirming sample came after ${span} s`);
    assert.equal(g.evidence.durationS, span);
    assert.match(g.evidence.text.en, new RegExp(`5 CLOSE_WAIT socket\\(s\\); the oldest seen for ${span} s`));
    assert.deepEqual(g.rules, ['conn-not-closed', 'read-no-deadline']);

    const t0 = Date.now();
    const three = await cli(['--pid', String(target.pid), '--samples', '3', '--interval', '300']);
    const wall = (Date.now() - t0) / 1000;
    assert.equal(three.code, 0, three.err);
    assert.match(three.out, /\[warning\] Sockets stuck in CLOSE_WAIT/);
    const seen = /5 CLOSE_WAIT socket\(s\); the oldest seen for (\d+\.\d) s; peers: 127\.0\.0\.1 ×5/.exec(three.out);
    assert.ok(seen, three.out);
    // three samples 300 ms apart: at least 0.6 s, and no more than the run itself took
    assert.ok(Number(seen[1]) >= 0.6 && Number(seen[1]) <= wall + 0.05, `seen for ${seen[1]} s in a ${wall} s run`);
    assert.match(three.out, /STATE +LOCAL +REMOTE +SEND-Q +RECV-Q +SEEN FOR +FD/);
    assert.doesNotMatch(three.out, /no symptoms detected/);
  });

  it('socket fds outside the TCP tables: reset conns still held are "gone", UDP sockets are counted as UDP', async () => {
    const target = new Scenario(bin);
    const peer = new Scenario(bin);
    const port = await target.port('listen srv');
    await target.cmd('udp 2');
    await peer.cmd(`dial r 4 ${port} C`);
    // the target's handlers must be in their io.Copy (mode byte read) before the reset
    await waitFor(() => {
      const r = new LinuxCollector(target.pid).collectSync();
      return r.kind === 'ok' && r.snapshot.sockets.filter((s) => s.state === 'ESTABLISHED' && s.recvQ === 0).length === 4;
    });
    await sleep(100);
    await peer.cmd('reset r');
    const c = new LinuxCollector(target.pid);
    const snap = await waitFor(() => {
      const r = c.collectSync();
      return r.kind === 'ok' && r.snapshot.otherSockets?.unlisted === 4 && r.snapshot;
    });
    assert.equal(snap.sockets.filter((s) => s.state !== 'LISTEN').length, 0);
    // stdin/stdout/stderr are UNIX socketpairs (how Node spawns with pipes)
    assert.deepEqual(snap.otherSockets, { udp: 2, unix: 3, raw: 0, netlink: 0, packet: 0, unlisted: 4 });
    assert.equal(snap.otherSocketFds, 9);

    const out = await cli(['--pid', String(target.pid), '--samples', '2', '--interval', '200']);
    assert.match(out.out, /other socket fds 9 \(UDP 2, UNIX 3, in no table 4\)/);
    assert.match(out.out, /\[warning\] The program holds sockets whose connections are gone/);
    assert.match(out.out, /4 socket fd\(s\) in no socket table, in this sample and the one before; UDP 2, UNIX 3, in no table 4/);
  });

  it('a pid that never existed: "no such process", exit 2 (text and JSON)', async () => {
    const pid = freePid();
    const t = await cli(['--pid', String(pid), '--samples', '1']);
    assert.equal(t.code, 2);
    assert.match(t.out, new RegExp(`pid ${pid}\\n  no such process`));
    assert.doesNotMatch(t.out, /exited/);
    const j = await cli(['--pid', String(pid), '--samples', '1', '--json']);
    assert.equal(j.code, 2);
    const o = JSON.parse(j.out);
    assert.equal(o.status, 'missing');
    assert.match(o.message, /no such process/);
    const w = await cli(['--pid', String(pid), '--watch', '--json', '--interval', '100']);
    assert.equal(w.code, 2);
    const lines = w.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    assert.deepEqual(
      lines.map((l) => [l.type, l.status]),
      [['status', 'missing']],
    );
  });

  it('--watch --json: a snapshot, then deltas that rebuild the table; a status line (not the last sample) when it exits', async () => {
    const target = new Scenario(bin);
    const peer = new Scenario(bin);
    const port = await target.port('listen srv');
    await peer.cmd(`dial a 20 ${port} E`);
    let out = '';
    const lines: Array<Record<string, unknown>> = [];
    const running = runSocketsCli(['--pid', String(target.pid), '--watch', '--json', '--interval', '150'], {
      out: (s) => {
        out += s;
        let i;
        while ((i = out.indexOf('\n')) >= 0) {
          lines.push(JSON.parse(out.slice(0, i)));
          out = out.slice(i + 1);
        }
      },
      err: () => {},
      isTTY: false,
    });
    await waitFor(() => lines.length >= 2, 10000);
    await peer.cmd(`dial b 10 ${port} E`);
    await peer.cmd(`dial c 5 ${port} C`);
    await waitFor(() => lines.some((l) => (l.counts as Record<string, number>).ESTABLISHED === 35), 10000);
    await peer.cmd('close c'); // ESTABLISHED -> CLOSE_WAIT: "changed"
    await peer.cmd('close a');
    await waitFor(() => lines.some((l) => l.type === 'delta' && (l.counts as Record<string, number>).CLOSE_WAIT === 5), 10000);
    await sleep(400);
    const beforeExit = lines.length;
    await target.stop();
    const code = await running;
    assert.equal(code, 0);
    assert.equal(lines[0].type, 'snapshot');
    assert.ok(
      lines.slice(1, -1).every((l) => l.type === 'delta'),
      lines.map((l) => l.type).join(),
    );
    const last = lines.at(-1)!;
    assert.equal(last.type, 'status');
    assert.equal(last.status, 'exited');
    assert.equal(last.counts, undefined);
    assert.equal(last.sockets, undefined);
    assert.ok((last.time as number) > (last.lastSampleTime as number));
    assert.ok(lines.length <= beforeExit + 2);
    // replaying the stream rebuilds, at every line, a table with exactly the line's totals and counts
    const table = new Map<string, SocketJson>();
    let sawOpened = 0;
    let sawClosed = 0;
    let sawChanged = 0;
    for (const l of lines.slice(0, -1)) {
      applyLine(table, l as StreamLine);
      assert.equal(table.size, l.total);
      const counts: Record<string, number> = {};
      for (const s of table.values()) counts[s.state] = (counts[s.state] ?? 0) + 1;
      assert.deepEqual(counts, l.counts);
      if (l.type === 'delta') {
        sawOpened += (l.opened as unknown[]).length;
        sawClosed += (l.closed as unknown[]).length;
        sawChanged += (l.changed as unknown[]).length;
      }
    }
    assert.ok(sawOpened >= 15 && sawClosed >= 20 && sawChanged >= 5, `${sawOpened} opened, ${sawClosed} closed, ${sawChanged} changed`);
  });

  it('--workspace --watch follows a restarted program (new pid, same executable and folder)', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'conndoctor-ws-'));
    try {
      writeFileSync(join(ws, 'go.mod'), 'module example.com/leaky\n\ngo 1.22\n');
      const exe = join(ws, 'leaky');
      copyFileSync(leaky, exe);
      chmodSync(exe, 0o755);
      const first = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
      await waitFor(() => {
        const r = new LinuxCollector(first.pid!).collectSync();
        return r.kind === 'ok' && r.snapshot.sockets.length > 0;
      });
      const ac = new AbortController();
      const lines: Array<Record<string, unknown>> = [];
      let buf = '';
      const running = runSocketsCli(['--workspace', ws, '--watch', '--json', '--interval', '150'], {
        out: (s) => {
          buf += s;
          let i;
          while ((i = buf.indexOf('\n')) >= 0) {
            lines.push(JSON.parse(buf.slice(0, i)));
            buf = buf.slice(i + 1);
          }
        },
        err: () => {},
        isTTY: false,
        stop: ac.signal,
      });
      await waitFor(() => lines.length >= 2, 10000);
      await stop(first);
      await waitFor(() => lines.some((l) => l.type === 'status' && l.status === 'exited'), 10000);
      const second = startProcess(exe, ['-addr', '127.0.0.1:0'], { cwd: ws });
      await waitFor(() => lines.some((l) => l.type === 'snapshot' && l.pid === second.pid), 15000);
      ac.abort();
      assert.equal(await running, 0);
      const types = lines.map((l) => `${l.type}:${l.pid ?? `${l.fromPid}->${l.toPid}`}`);
      const r = lines.findIndex((l) => l.type === 'restart');
      assert.ok(r > 0, types.join(' '));
      assert.deepEqual([lines[r].fromPid, lines[r].toPid], [first.pid, second.pid]);
      assert.equal(lines[r + 1].type, 'snapshot');
      assert.equal((lines[r + 1].process as { exe: string }).exe, exe);
      // the history went on: the new snapshot's counts history starts before the restart
      const hist = lines[r + 1].countsHistory as Array<{ time: number }>;
      assert.ok(hist[0].time < (lines[r].time as number), 'history kept across the restart');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});
