// The socket engine's judgement and streams on synthetic histories and a fake procfs: one-shot CLOSE_WAIT, "seen
// for" wording, socket fds outside the TCP tables, the --watch --json delta stream, following a restart.
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sameProgram, findRestart, type ProcessCandidate } from '../../src/sockets/discover';
import { analyzeHistory, type Guidance } from '../../src/sockets/guidance';
import { inodesInTable, LinuxCollector } from '../../src/sockets/linux';
import type { CollectResult, Collector, SocketInfo, TcpState } from '../../src/sockets/model';
import { applyResult, newHistory, retargetHistory, Sampler, type History } from '../../src/sockets/sampler';
import { applyLine, WatchStream, type SocketJson, type StreamLine } from '../../src/sockets/stream';
import { ViewFeed } from '../../src/sockets/viewProtocol';
import { SocketSession } from '../../src/sockets/session';

let port = 40000;
function sock(state: TcpState, over: Partial<SocketInfo> = {}): SocketInfo {
  const p = port++;
  return {
    key: `127.0.0.1:8080->127.0.0.1:${p}`,
    family: 4,
    state,
    localAddress: '127.0.0.1',
    localPort: 8080,
    remoteAddress: '127.0.0.1',
    remotePort: p,
    sendQ: 0,
    recvQ: 0,
    timer: 'none',
    timerMs: 0,
    retransmits: 0,
    inode: p,
    attribution: 'fd',
    ...over,
  };
}
const listen = () => sock('LISTEN', { key: '127.0.0.1:8080->0.0.0.0:0', remoteAddress: '0.0.0.0', remotePort: 0, inode: 1 });
const ok = (time: number, sockets: SocketInfo[], extra: Record<string, unknown> = {}, pid = 1): CollectResult => ({
  kind: 'ok',
  snapshot: { pid, time, platform: 'linux', sockets, elapsedMs: 1, ...extra },
});
const find = (gs: Guidance[], id: Guidance['id']) => gs.find((g) => g.id === id);

describe('sockets: one-shot judgement', () => {
  it('a single sample holding CLOSE_WAIT reports it (presence is the symptom; age unknown)', () => {
    const h = newHistory(1, 0);
    applyResult(h, ok(25_000, [listen(), ...Array.from({ length: 5 }, () => sock('CLOSE_WAIT'))]));
    const g = find(analyzeHistory(h), 'close-wait');
    assert.ok(g, 'no close-wait guidance on a single sample');
    assert.equal(g.severity, 'warning');
    assert.equal(g.evidence.count, 5);
    assert.equal(g.evidence.singleSample, true);
    assert.match(g.evidence.text.en, /5 CLOSE_WAIT socket\(s\); already there at the first sample \(how long before is unknown\)/);
    assert.match(g.evidence.text['zh-cn'], /第一次采样时已存在/);
  });

  it('a pile already there at the first sample is "seen for" the time since; one we saw begin is "in this state for"', () => {
    const h = newHistory(1, 0);
    const old = Array.from({ length: 5 }, () => sock('CLOSE_WAIT'));
    applyResult(h, ok(1000, [listen(), ...old]));
    applyResult(h, ok(3500, [listen(), ...old]));
    let g = find(analyzeHistory(h), 'close-wait')!;
    assert.equal(g.evidence.count, 5);
    assert.equal(g.evidence.singleSample, undefined);
    assert.match(g.evidence.text.en, /the oldest seen for 2\.5 s/);
    assert.match(g.evidence.text['zh-cn'], /已观察到 2\.5 秒/);

    // a socket that went ESTABLISHED -> CLOSE_WAIT while we watched: we know when it started
    const h2 = newHistory(1, 0);
    const a = sock('ESTABLISHED');
    applyResult(h2, ok(1000, [listen(), a]));
    applyResult(h2, ok(2000, [listen(), { ...a, state: 'CLOSE_WAIT' }]));
    applyResult(h2, ok(4000, [listen(), { ...a, state: 'CLOSE_WAIT' }]));
    g = find(analyzeHistory(h2, { growthWindowSeconds: 1 }), 'close-wait')!;
    assert.match(g.evidence.text.en, /the oldest in this state for 2 s/);
  });

  it('a CLOSE_WAIT that is gone (or only just appeared) at the confirming sample is not reported', () => {
    const h = newHistory(1, 0);
    const c = sock('CLOSE_WAIT');
    applyResult(h, ok(1000, [listen(), c]));
    applyResult(h, ok(1500, [listen()])); // closed between the two samples: a handler between EOF and Close
    assert.equal(find(analyzeHistory(h), 'close-wait'), undefined);
    const h2 = newHistory(1, 0);
    applyResult(h2, ok(1000, [listen()]));
    applyResult(h2, ok(10_000, [listen()]));
    applyResult(h2, ok(10_100, [listen(), sock('CLOSE_WAIT')])); // just appeared, 0 s in CLOSE_WAIT, count not growing past the window
    assert.equal(find(analyzeHistory(h2, { growthWindowSeconds: 0.05 }), 'close-wait'), undefined);
  });

  it('SYN_SENT evidence says "seen for" when it was already there at the first sample', () => {
    const h = newHistory(1, 0);
    const s = sock('SYN_SENT', { localPort: 50000, key: '127.0.0.1:50000->10.0.0.1:5432', remoteAddress: '10.0.0.1', remotePort: 5432 });
    applyResult(h, ok(0, [s]));
    applyResult(h, ok(4000, [s]));
    const g = find(analyzeHistory(h), 'syn-sent')!;
    assert.match(g.evidence.text.en, /1 socket\(s\) in SYN_SENT, the oldest seen for 4 s, to 10\.0\.0\.1:5432/);
  });

  it('socket fds in no socket table: reported on one sample, or when held across two; UDP/UNIX growth has its own card', () => {
    const other = (unlisted: number, udp = 0) => ({ udp, unix: 1, raw: 0, netlink: 0, packet: 0, unlisted });
    let h = newHistory(1, 0);
    applyResult(h, ok(0, [listen()], { otherSocketFds: 5, otherSockets: other(4) }));
    let g = find(analyzeHistory(h), 'dead-socket-fds')!;
    assert.ok(g);
    assert.equal(g.evidence.count, 4);
    assert.match(g.evidence.text.en, /4 socket fd\(s\) in no socket table \(one sample\); UNIX 1, in no table 4/);
    assert.deepEqual(g.rules, ['conn-not-closed']);
    // one transient unlisted fd (a socket between socket() and connect()) is not a symptom
    h = newHistory(1, 0);
    applyResult(h, ok(0, [listen()], { otherSocketFds: 2, otherSockets: other(1) }));
    assert.equal(find(analyzeHistory(h), 'dead-socket-fds'), undefined);
    // gone at the second sample: not held
    h = newHistory(1, 0);
    applyResult(h, ok(0, [listen()], { otherSocketFds: 5, otherSockets: other(4) }));
    applyResult(h, ok(1000, [listen()], { otherSocketFds: 1, otherSockets: other(0) }));
    assert.equal(find(analyzeHistory(h), 'dead-socket-fds'), undefined);
    // UDP conns piling up
    h = newHistory(1, 0);
    for (let t = 0; t <= 10; t++) applyResult(h, ok(t * 1000, [listen()], { otherSocketFds: 1 + t, otherSockets: other(0, t) }));
    g = find(analyzeHistory(h), 'other-socket-fds')!;
    assert.ok(g);
    assert.equal(g.evidence.from, 0 + 1);
    assert.equal(g.evidence.to, 10 + 1);
    assert.match(g.evidence.text.en, /UDP 10, UNIX 1/);
  });
});

describe('sockets: other socket tables (fake procfs)', () => {
  let root: string;
  const pid = 4242;
  before(() => {
    root = mkdtempSync(join(tmpdir(), 'conndoctor-procfs-other-'));
    const base = join(root, String(pid));
    mkdirSync(join(base, 'fd'), { recursive: true });
    mkdirSync(join(base, 'net'));
    writeFileSync(join(base, 'stat'), `${pid} (prog) S 1 ...`);
    writeFileSync(join(base, 'limits'), 'Max open files            1024                4096                files\n');
    const tcpHdr = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';
    writeFileSync(
      join(base, 'net', 'tcp'),
      `${tcpHdr}   0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 500 1 0000000000000000 100 0 0 10 0\n`,
    );
    writeFileSync(
      join(base, 'net', 'udp'),
      '   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops\n' +
        '  100: 0100007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 501 2 0000000000000000 0\n',
    );
    writeFileSync(
      join(base, 'net', 'unix'),
      'Num       RefCount Protocol Flags    Type St Inode Path\n' +
        '0000000000000000: 00000002 00000000 00010000 0001 01 502 /run/x.sock\n' +
        '0000000000000000: 00000003 00000000 00000000 0001 03 503\n',
    );
    writeFileSync(
      join(base, 'net', 'netlink'),
      'sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n' +
        '0000000000000000 0   4242       00000000 0        0        0     2        0        504\n',
    );
    const links: Record<string, string> = {
      '3': 'socket:[500]',
      '4': 'socket:[501]',
      '5': 'socket:[502]',
      '6': 'socket:[503]',
      '7': 'socket:[504]',
      '8': 'socket:[505]',
      '9': 'socket:[506]',
      '10': 'anon_inode:[eventpoll]',
    };
    for (const [fd, target] of Object.entries(links)) symlinkSync(target, join(base, 'fd', fd));
  });
  after(() => rmSync(root, { recursive: true, force: true }));

  it('classifies socket fds outside the TCP tables by the table their inode is in', () => {
    const r = new LinuxCollector(pid, { procRoot: root }).collectSync();
    assert.equal(r.kind, 'ok', JSON.stringify(r));
    if (r.kind !== 'ok') return;
    assert.equal(r.snapshot.sockets.length, 1);
    assert.equal(r.snapshot.otherSocketFds, 6);
    assert.deepEqual(r.snapshot.otherSockets, { udp: 1, unix: 2, raw: 0, netlink: 1, packet: 0, unlisted: 2 });
  });

  it('inodesInTable reads the given column only', () => {
    const buf = Buffer.from('h\n a b 7\n a 7 8\n');
    assert.deepEqual(inodesInTable(buf, 2, new Set([7, 8])), [7, 8]);
    assert.deepEqual(inodesInTable(buf, 1, new Set([7])), [7]);
  });
});

describe('sockets: watch stream (--watch --json)', () => {
  function run(full: boolean) {
    const h = newHistory(1, 0);
    const stream = new WatchStream(full);
    const lines: StreamLine[] = [];
    const l = listen();
    const a = sock('ESTABLISHED');
    const b = sock('ESTABLISHED');
    const c = sock('ESTABLISHED');
    const steps: SocketInfo[][] = [
      [l, a, b],
      [l, a, b], // nothing changed
      [l, { ...a, state: 'CLOSE_WAIT' }, c], // a changed, b closed, c opened
      [l, { ...a, state: 'CLOSE_WAIT', recvQ: 5 }, c], // queue change
    ];
    const tables: Map<string, SocketJson>[] = [];
    const table = new Map<string, SocketJson>();
    steps.forEach((socks, i) => {
      applyResult(h, ok(1000 * (i + 1), socks));
      const out = stream.lines(h, () => ({ guidance: [] }), 1000 * (i + 1));
      lines.push(...out);
      for (const line of out) applyLine(table, line);
      tables.push(new Map(table));
    });
    applyResult(h, { kind: 'exited', pid: 1, message: 'process 1 exited' });
    const end = stream.lines(h, undefined, 9999);
    const again = stream.lines(h, undefined, 10999);
    return { h, lines, tables, end, again };
  }

  it('first a full snapshot, then only what changed; deltas rebuild exactly the full table', () => {
    const { h, lines, tables } = run(false);
    assert.deepEqual(
      lines.map((x) => x.type),
      ['snapshot', 'delta', 'delta', 'delta'],
    );
    assert.equal((lines[0].sockets as unknown[]).length, 3);
    assert.ok(lines[0].countsHistory);
    assert.deepEqual([lines[1].opened, lines[1].closed, lines[1].changed], [[], [], []]);
    assert.equal((lines[2].opened as SocketJson[]).length, 1);
    assert.equal((lines[2].closed as string[]).length, 1);
    assert.deepEqual(
      (lines[2].changed as { state: string }[]).map((x) => x.state),
      ['CLOSE_WAIT'],
    );
    assert.deepEqual(
      (lines[3].changed as { recvQ: number }[]).map((x) => x.recvQ),
      [5],
    );
    assert.equal(lines[3].countsHistory, undefined);
    assert.deepEqual(lines[2].counts, { ESTABLISHED: 1, CLOSE_WAIT: 1, LISTEN: 1 });
    // the table a consumer rebuilds from the deltas equals the sampler's own latest sockets
    const full = new Map(h.latest!.sockets.map((s) => [s.key, s]));
    const last = tables.at(-1)!;
    assert.deepEqual([...last.keys()].sort(), [...full.keys()].sort());
    for (const [k, s] of last) {
      assert.equal(s.state, full.get(k)!.state);
      assert.equal(s.recvQ, full.get(k)!.recvQ);
      assert.equal(s.stateSince, full.get(k)!.stateSince);
    }
  });

  it('--full: a snapshot on every line', () => {
    const { lines } = run(true);
    assert.deepEqual(
      lines.map((x) => x.type),
      ['snapshot', 'snapshot', 'snapshot', 'snapshot'],
    );
  });

  it('after the process exits: one status line with the current time, no counts, not the last sample again', () => {
    const { end, again } = run(false);
    assert.equal(end.length, 1);
    assert.equal(end[0].type, 'status');
    assert.equal(end[0].status, 'exited');
    assert.equal(end[0].time, 9999);
    assert.equal(end[0].lastSampleTime, 4000);
    assert.equal(end[0].counts, undefined);
    assert.equal(end[0].sockets, undefined);
    assert.deepEqual(again, []);
  });

  it('a followed restart: restart line, then a full snapshot of the new pid; the history keeps its samples', () => {
    const h = newHistory(1, 0);
    const stream = new WatchStream();
    applyResult(h, ok(1000, [listen(), sock('CLOSE_WAIT')]));
    stream.lines(h);
    applyResult(h, { kind: 'exited', pid: 1, message: 'process 1 exited' });
    stream.lines(h);
    retargetHistory(h, 2, 2500);
    applyResult(h, ok(3000, [listen()], {}, 2));
    const out = stream.lines(h);
    assert.deepEqual(
      out.map((x) => x.type),
      ['restart', 'snapshot'],
    );
    assert.deepEqual([out[0].fromPid, out[0].toPid], [1, 2]);
    assert.equal(out[1].pid, 2);
    assert.equal(h.samples.length, 2);
    assert.equal(h.since, 3000);
    assert.deepEqual(h.diff!.opened, []); // the new process's first sample opens nothing
    assert.deepEqual(h.restarts, [{ time: 2500, fromPid: 1, toPid: 2 }]);
  });
});

describe('sockets: sampler scheduling', () => {
  it('confirms a first sample quickly, then keeps the interval; setInterval applies at once', async () => {
    let n = 0;
    const c: Collector = { pid: 7, collect: async () => ok(Date.now(), [], {}, 7) };
    const s = new Sampler(c, { intervalMs: 5000, confirmMs: 300 });
    assert.equal(s.nextDelay(), 5000);
    await s.sampleNow();
    n++;
    assert.equal(s.nextDelay(), 300);
    await new Promise((r) => setTimeout(r, 2));
    await s.sampleNow();
    assert.equal(s.nextDelay(), 5000);
    s.setInterval(2000);
    assert.equal(s.nextDelay(), 2000);
    assert.equal(n, 1);
  });

  it('stops on a final status (missing) and retargets to a restarted process keeping the history', async () => {
    const missing: Collector = { pid: 8, collect: async () => ({ kind: 'missing', pid: 8, message: 'no such process: 8' }) };
    const s = new Sampler(missing, { intervalMs: 50 });
    const seen: History['status'][] = [];
    s.onSample((h) => seen.push(h.status));
    s.start();
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(s.isRunning, false);
    assert.deepEqual(seen, ['missing']);
    let disposed = false;
    missing.dispose = () => (disposed = true);
    s.retarget({ pid: 9, collect: async () => ok(Date.now(), [listen()], {}, 9) });
    assert.ok(disposed);
    await s.sampleNow();
    assert.equal(s.history.pid, 9);
    assert.equal(s.history.status, 'ok');
    assert.deepEqual(
      s.history.restarts!.map((r) => [r.fromPid, r.toPid]),
      [[8, 9]],
    );
    s.dispose();
  });
});

describe('sockets: following a restart (sameProgram)', () => {
  const cand = (over: Partial<ProcessCandidate>): ProcessCandidate => ({
    pid: 100,
    name: 'srv',
    exe: '/ws/srv',
    cwd: '/ws',
    cmdline: [],
    kind: 'built-binary',
    reasons: [],
    score: 70,
    ...over,
  });

  it('same exe and cwd, or same main package, or same kind and name; never another cwd', () => {
    const a = cand({});
    assert.ok(sameProgram(a, cand({ pid: 101 })));
    assert.ok(!sameProgram(a, cand({})), 'the same pid is not a restart');
    assert.ok(!sameProgram(a, cand({ pid: 101, cwd: '/other' })));
    // go run: a new go-build dir each run, same package
    const r1 = cand({ kind: 'go-run', exe: '/tmp/go-build1/b001/exe/srv', mainPackage: 'example.com/srv', mainModule: 'example.com/srv' });
    const r2 = cand({
      pid: 102,
      kind: 'go-run',
      exe: '/root/.cache/go-build/ab/abcd-d/srv',
      mainPackage: 'example.com/srv',
      mainModule: 'example.com/srv',
    });
    assert.ok(sameProgram(r1, r2));
    // Delve: __debug_bin<random>, same package
    const d1 = cand({ kind: 'delve-debuggee', exe: '/ws/__debug_bin111', mainPackage: 'example.com/srv', mainModule: 'example.com/srv' });
    const d2 = cand({
      pid: 103,
      kind: 'delve-debuggee',
      exe: '/ws/__debug_bin222',
      mainPackage: 'example.com/srv',
      mainModule: 'example.com/srv',
    });
    assert.ok(sameProgram(d1, d2));
    assert.ok(!sameProgram(d1, cand({ pid: 104, kind: 'delve-debuggee', exe: '/ws/__debug_bin333' })));
    // another program in the same folder
    assert.ok(
      !sameProgram(r1, cand({ pid: 105, kind: 'go-run', exe: '/tmp/go-build2/b001/exe/loadgen', mainPackage: 'example.com/loadgen' })),
    );
    assert.equal(findRestart(a, [cand({ pid: 101 }), cand({ pid: 102 })], new Set([101]))?.pid, 102);
  });
});

describe('sockets: the view feed across a followed restart', () => {
  it('a snapshot of the new process with its own first-sample time; the chart keeps the samples before', () => {
    const h = newHistory(1, 0);
    const feed = new ViewFeed();
    applyResult(h, ok(1000, [listen(), sock('CLOSE_WAIT')]));
    assert.equal(feed.next(h)?.type, 'snapshot');
    applyResult(h, ok(2000, [listen(), sock('CLOSE_WAIT')]));
    assert.equal(feed.next(h)?.type, 'diff');
    applyResult(h, { kind: 'exited', pid: 1, message: 'process 1 exited' });
    assert.equal(feed.next(h), undefined);
    retargetHistory(h, 2, 2500);
    applyResult(h, ok(3000, [listen()], {}, 2));
    const m = feed.next(h);
    assert.equal(m?.type, 'snapshot');
    if (m?.type !== 'snapshot') return;
    assert.equal(m.pid, 2);
    assert.equal(m.firstSampleTime, 3000);
    assert.deepEqual(
      feed.samples.map((s) => [s.pid, s.time]),
      [
        [1, 1000],
        [1, 2000],
        [2, 3000],
      ],
    );
  });
});

describe('sockets: a platform without a collector', () => {
  it('the session says so at once and never samples', async () => {
    const s = new SocketSession({ folders: () => [], intervalMs: 1000, platform: 'aix', discoverFn: async () => [] });
    const seen: string[] = [];
    s.on((e) => seen.push(`${e}:${s.status.kind}`));
    s.start();
    assert.equal(s.status.kind, 'unsupported');
    assert.match((s.status as { message: string }).message, /not supported on aix/);
    assert.deepEqual(seen, ['status:unsupported']);
    assert.equal(s.sampler, undefined);
    s.dispose();
  });
});
