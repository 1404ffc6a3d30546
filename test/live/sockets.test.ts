// Live tests of the Linux socket engine: real Go programs (built with the machine's toolchain) on 127.0.0.1
// produce each TCP state; the collector, the guidance and the goroutine report must see exactly them.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { analyzeHistory, type Guidance, type GuidanceOptions } from '../../src/sockets/guidance';
import { GoroutineProbe } from '../../src/sockets/goroutines';
import { LinuxCollector } from '../../src/sockets/linux';
import { countStates, type SocketInfo, type TcpState } from '../../src/sockets/model';
import { Sampler } from '../../src/sockets/sampler';
import { alive, buildGo, markLine, Scenario, sleep, ssRows, stopAll, waitFor } from './helpers';

const linux = process.platform === 'linux';
const FAST: GuidanceOptions = {
  closeWaitSeconds: 1,
  synSentSeconds: 1,
  growthWindowSeconds: 10,
  sendQSamples: 3,
  backlogSamples: 2,
  establishedGrowth: 5,
  idleSeconds: 1,
};

function collect(c: LinuxCollector): SocketInfo[] {
  const r = c.collectSync();
  assert.equal(r.kind, 'ok', JSON.stringify(r));
  return r.kind === 'ok' ? r.snapshot.sockets : [];
}

function only<T extends SocketInfo>(socks: T[], state: TcpState): T[] {
  return socks.filter((s) => s.state === state);
}

function counts(socks: SocketInfo[]): Partial<Record<TcpState, number>> {
  const c = countStates(socks);
  return Object.fromEntries(Object.entries(c).filter(([, n]) => n)) as Partial<Record<TcpState, number>>;
}

function find(gs: Guidance[], id: Guidance['id']): Guidance {
  const g = gs.find((x) => x.id === id);
  assert.ok(g, `expected guidance ${id}, got ${gs.map((x) => x.id).join(', ') || 'none'}`);
  return g;
}

(linux ? describe : describe.skip)('live sockets (Linux, real Go programs on 127.0.0.1)', function () {
  this.timeout(30000);
  let bin: string;
  const pids: number[] = [];

  before(function () {
    this.timeout(120000);
    bin = buildGo('scenario');
  });

  function scenario(): Scenario {
    const s = new Scenario(bin);
    pids.push(s.pid);
    return s;
  }

  afterEach(async () => {
    await stopAll();
  });

  after(async () => {
    await stopAll();
    const left = pids.filter(alive);
    assert.deepEqual(left, [], `processes left behind: ${left.join(', ')}`);
  });

  it('sees LISTEN, ESTABLISHED, CLOSE_WAIT, FIN_WAIT2 (owned and orphaned) and TIME_WAIT of the target only', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen srv');
    const peerPort = await peer.port('listen psrv');
    await peer.cmd(`dial e 3 ${port} E`); // target: 3 ESTABLISHED (handlers blocked in Read)
    await peer.cmd(`dial c 2 ${port} C`);
    await peer.cmd('close c'); // target: 2 CLOSE_WAIT (handlers never Close)
    await target.cmd(`dial f 2 ${peerPort} C`);
    await target.cmd('closewrite f'); // target: 2 FIN_WAIT2 with fds (peer: CLOSE_WAIT)
    await peer.cmd(`dial t 4 ${port} T`); // target closes first: 4 TIME_WAIT on the listening port
    const c = new LinuxCollector(target.pid);
    const socks = await waitFor(() => {
      const s = collect(c);
      return only(s, 'TIME_WAIT').length === 4 && only(s, 'CLOSE_WAIT').length === 2 && only(s, 'FIN_WAIT2').length === 2 && s;
    });
    assert.deepEqual(counts(socks), { LISTEN: 1, ESTABLISHED: 3, CLOSE_WAIT: 2, FIN_WAIT2: 2, TIME_WAIT: 4 });
    for (const s of socks) {
      if (s.state === 'TIME_WAIT') {
        assert.equal(s.attribution, 'listen-port');
        assert.equal(s.inode, undefined);
        assert.equal(s.timer, 'timewait');
        assert.ok(s.timerMs > 50_000 && s.timerMs <= 60_000, `timewait ${s.timerMs}`);
        assert.equal(s.localPort, port);
      } else {
        assert.equal(s.attribution, 'fd');
        assert.ok(s.fd! > 2 && s.inode! > 0);
      }
      assert.equal(s.localAddress, '127.0.0.1');
      assert.equal(s.remoteAddress, s.state === 'LISTEN' ? '0.0.0.0' : '127.0.0.1');
    }
    for (const s of only(socks, 'FIN_WAIT2')) assert.equal(s.remotePort, peerPort);
    // every fd-owned socket is exactly what ss reports for the pid
    const ss = ssRows(target.pid)
      .map((r) =>
        r
          .replace('ESTAB', 'ESTABLISHED')
          .replace('CLOSE-WAIT', 'CLOSE_WAIT')
          .replace('FIN-WAIT-2', 'FIN_WAIT2')
          .replace(/ 0\.0\.0\.0:\*$/, ' 0.0.0.0:0'),
      )
      .sort();
    const ours = socks
      .filter((s) => s.attribution === 'fd')
      .map((s) => `${s.state} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort}`);
    assert.deepEqual(ours.sort(), ss);

    // fully closing the half-closed conns orphans them: no inode any more, attributed by the known 4-tuple
    await target.cmd('close f');
    const after = await waitFor(() => {
      const s = collect(c);
      return only(s, 'FIN_WAIT2').every((x) => !x.inode) && s;
    });
    const fw2 = only(after, 'FIN_WAIT2');
    assert.equal(fw2.length, 2);
    for (const s of fw2) {
      assert.equal(s.attribution, 'known-tuple');
      assert.equal(s.timer, 'timewait'); // orphaned FIN_WAIT2 is a timewait sock (tcp_fin_timeout)
    }
    // the peer's view is separate: its sockets are not the target's
    const peerSocks = collect(new LinuxCollector(peer.pid));
    assert.equal(only(peerSocks, 'CLOSE_WAIT').length, 2); // the half-closed conns, seen from the peer
    assert.ok(!peerSocks.some((p) => socks.some((t) => t.key === p.key)));
  });

  it('reads IPv4-mapped sockets from tcp6 and reports them as 127.0.0.1', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen m mapped');
    await peer.cmd(`dial e 2 ${port} E`);
    const c = new LinuxCollector(target.pid);
    const socks = await waitFor(() => {
      const s = collect(c);
      return s.filter((x) => x.attribution === 'fd').length === 3 && s; // both accepted
    });
    assert.deepEqual(counts(socks), { LISTEN: 1, ESTABLISHED: 2 });
    for (const s of socks) {
      assert.equal(s.family, 6);
      assert.equal(s.localAddress, '127.0.0.1');
      assert.equal(s.localPort, port);
    }
  });

  it('CLOSE_WAIT growing -> close-wait guidance naming conn-not-closed and read-no-deadline', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen srv');
    const sampler = new Sampler(new LinuxCollector(target.pid));
    await sampler.sampleNow();
    for (let i = 0; i < 3; i++) {
      await peer.cmd(`dial c${i} 2 ${port} C`);
      await peer.cmd(`close c${i}`);
      await waitFor(() => only(collect(new LinuxCollector(target.pid)), 'CLOSE_WAIT').length === 2 * (i + 1));
      await sampler.sampleNow();
    }
    const h = sampler.history;
    assert.deepEqual(
      h.samples.map((s) => s.counts.CLOSE_WAIT),
      [0, 2, 4, 6],
    );
    const g = find(analyzeHistory(h, FAST), 'close-wait');
    assert.equal(g.severity, 'error');
    assert.equal(g.evidence.count, 6);
    assert.equal(g.evidence.from, 0);
    assert.equal(g.evidence.to, 6);
    assert.deepEqual(g.rules.slice(0, 2), ['conn-not-closed', 'read-no-deadline']);
    assert.deepEqual(g.evidence.peers, ['127.0.0.1 ×6']);
    assert.ok(g.explanation['zh-cn'].includes('CLOSE_WAIT') && g.title['zh-cn'].length > 0);
    assert.equal(h.diff!.opened.length, 2);
  });

  it('LISTEN with an accept backlog -> accept-backlog guidance (accept-error-spin)', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen q noaccept');
    await peer.cmd(`dial e 5 ${port} E`);
    const sampler = new Sampler(new LinuxCollector(target.pid));
    await sampler.sampleNow();
    await sleep(100);
    await sampler.sampleNow();
    const socks = sampler.history.latest!.sockets;
    const listen = only(socks, 'LISTEN');
    assert.equal(listen.length, 1);
    assert.equal(listen[0].recvQ, 5); // accept-queue length
    const queued = only(socks, 'ESTABLISHED');
    assert.equal(queued.length, 5);
    for (const s of queued) assert.equal(s.attribution, 'listen-port'); // not accepted: no fd, no inode
    const g = find(analyzeHistory(sampler.history, FAST), 'accept-backlog');
    assert.equal(g.evidence.count, 5);
    assert.deepEqual(g.rules, ['accept-error-spin']);
  });

  it('Send-Q growing towards a peer that does not read -> send-q guidance', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen srv');
    await peer.cmd(`dial s 1 ${port} S`); // target writes 64 KiB every 100 ms; the peer never reads
    const sampler = new Sampler(new LinuxCollector(target.pid));
    await sampler.sampleNow();
    for (let i = 0; i < 5; i++) {
      await sleep(250);
      await sampler.sampleNow();
    }
    const est = only(sampler.history.latest!.sockets, 'ESTABLISHED');
    assert.equal(est.length, 1);
    const hq = est[0].sendQHistory;
    assert.ok(hq.at(-1)! > 100_000, `Send-Q ${hq.join(',')}`);
    assert.ok(
      hq.slice(-3).every((v, i, a) => i === 0 || v > a[i - 1]),
      `Send-Q not growing: ${hq.join(',')}`,
    );
    const g = find(analyzeHistory(sampler.history, FAST), 'send-q');
    assert.equal(g.evidence.count, 1);
    assert.deepEqual(g.rules, ['http-server-no-timeouts', 'read-no-deadline']);
  });

  it('SYN_SENT lingering (peer drops SYNs) -> syn-sent guidance (dial-no-timeout)', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await peer.port('listen full tiny'); // backlog 0, never accepts
    await target.cmd(`dial x 3 ${port} E async`);
    const sampler = new Sampler(new LinuxCollector(target.pid));
    await waitFor(async () => only((await sampler.sampleNow()).latest!.sockets, 'SYN_SENT').length >= 1);
    await sleep(1100);
    await sampler.sampleNow();
    const syn = only(sampler.history.latest!.sockets, 'SYN_SENT');
    assert.ok(syn.length >= 1 && syn.length <= 3, `SYN_SENT ${syn.length}`);
    for (const s of syn) {
      assert.equal(s.remotePort, port);
      assert.equal(s.timer, 'retransmit');
    }
    const g = find(analyzeHistory(sampler.history, FAST), 'syn-sent');
    assert.equal(g.rules[0], 'dial-no-timeout');
    assert.ok(g.evidence.count >= 1 && g.evidence.count <= syn.length); // those older than synSentSeconds
  });

  it('TIME_WAIT churn, server side (listening port) and client side (known 4-tuples)', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen srv');
    await peer.cmd(`dial t 25 ${port} T`);
    const c = new LinuxCollector(target.pid);
    const sampler = new Sampler(c);
    await waitFor(() => only(collect(new LinuxCollector(target.pid)), 'TIME_WAIT').length === 25);
    await sampler.sampleNow();
    let g = find(analyzeHistory(sampler.history, FAST), 'time-wait-churn');
    assert.equal(g.evidence.count, 25);
    assert.deepEqual(g.rules, ['http-server-no-timeouts']);

    // client side: the target dials 30 conns, we see them with fds, then it closes them first
    const target2 = scenario();
    const peerPort = await peer.port('listen psrv');
    await target2.cmd(`dial g 30 ${peerPort} E`);
    const s2 = new Sampler(new LinuxCollector(target2.pid));
    await s2.sampleNow();
    const mine = s2.history.latest!.sockets;
    assert.equal(mine.length, 30, JSON.stringify(mine.map((x) => `${x.state} ${x.key} ${x.attribution} ${x.fd}`)));
    await target2.cmd('close g');
    await waitFor(() => only(collect(new LinuxCollector(peer.pid)), 'ESTABLISHED').length <= 25); // peer closed its sides
    await sleep(100);
    await s2.sampleNow();
    const tw = only(s2.history.latest!.sockets, 'TIME_WAIT');
    assert.equal(tw.length, 30);
    for (const s of tw) assert.equal(s.attribution, 'known-tuple');
    g = find(analyzeHistory(s2.history, FAST), 'time-wait-churn');
    assert.deepEqual(g.rules, ['body-not-closed', 'http-client-no-timeout']);
    assert.deepEqual(g.evidence.peers, [`127.0.0.1:${peerPort} ×30`]);
  });

  it('fd usage above 80% of the soft limit -> fd-usage guidance', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen srv');
    await target.cmd('rlimit 40');
    await peer.cmd(`dial e 28 ${port} E`);
    const c = new LinuxCollector(target.pid);
    // accepted (with an fd), not only completed by the kernel and waiting in the accept queue
    await waitFor(() => only(collect(c), 'ESTABLISHED').filter((s) => s.attribution === 'fd').length === 28);
    const r = c.collectSync();
    assert.ok(r.kind === 'ok');
    assert.equal(r.snapshot.fds!.softLimit, 40);
    const sampler = new Sampler(c);
    await sampler.sampleNow();
    assert.ok(sampler.history.latest!.fds!.open >= 32, JSON.stringify(sampler.history.latest!.fds));
    const g = find(analyzeHistory(sampler.history, FAST), 'fd-usage');
    assert.equal(g.evidence.count, sampler.history.latest!.fds!.open);
    assert.ok(g.evidence.count >= 32);
  });

  it('pprof: goroutines blocked in Read are grouped with their line in main.go', async () => {
    const target = scenario();
    const peer = scenario();
    const port = await target.port('listen srv');
    const pprofPort = await target.port('pprof');
    await peer.cmd(`dial e 4 ${port} E`);
    const socks = collect(new LinuxCollector(target.pid));
    const probe = new GoroutineProbe({ ports: [port, pprofPort], timeoutMs: 1000 });
    // listeners in port order; the non-HTTP one is probed once, then remembered
    const report = await probe.fetch(socks.filter((s) => s.state === 'LISTEN').sort((a) => (a.localPort === port ? -1 : 1)));
    assert.ok(report, 'no pprof report');
    assert.equal(report.port, pprofPort);
    // (net/http's own background read of the pprof request may show up too, without a user frame)
    const reads = report.netBlocked.filter((g) => g.op === 'Read' && g.userFrame);
    assert.equal(reads.length, 1, JSON.stringify(reads.map((g) => g.location)));
    assert.equal(reads[0].count, 4);
    assert.equal(reads[0].userFrame!.func, 'main.handle');
    assert.ok(reads[0].location!.endsWith(`/scenario/main.go:${markLine('scenario', 'READ')}`), reads[0].location);
    const accepts = report.netBlocked.filter((g) => g.op === 'Accept');
    assert.ok(accepts.some((g) => g.location!.endsWith(`main.go:${markLine('scenario', 'ACCEPT')}`)));
    // second fetch goes straight to the pprof port
    const again = await probe.fetch(socks.filter((s) => s.state === 'LISTEN'));
    assert.equal(again!.port, pprofPort);
  });

  it('a process that exits mid-sampling gives "exited", not an exception', async () => {
    const target = scenario();
    await target.port('listen srv');
    const sampler = new Sampler(new LinuxCollector(target.pid));
    await sampler.sampleNow();
    assert.equal(sampler.history.status, 'ok');
    await target.stop();
    await sampler.sampleNow();
    assert.equal(sampler.history.status, 'exited');
    assert.match(sampler.history.message!, /exited/);
    assert.ok(sampler.history.latest, 'the last good sample is kept');
  });

  it('another user\'s process -> "not permitted" naming the owner', async function () {
    if (process.getuid?.() !== 0) this.skip();
    let setpriv = true;
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    } catch {
      setpriv = false;
    }
    if (!setpriv) this.skip();
    const target = scenario(); // owned by root
    await target.port('listen srv');
    // run the collector as nobody (uid 65534) in a child Node process
    const script = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); const { LinuxCollector } = require(${JSON.stringify(require.resolve('../../src/sockets/linux'))}); process.stdout.write(JSON.stringify(new LinuxCollector(${target.pid}).collectSync()));`;
    let out: string;
    try {
      out = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, HOME: '/tmp', TSX_TSCONFIG_PATH: '' },
      });
    } catch (e) {
      this.skip();
      void e;
      return;
    }
    const r = JSON.parse(out);
    assert.equal(r.kind, 'denied');
    assert.match(r.owner, /root \(uid 0\)/);
    assert.match(r.message, /not permitted.*root/);
  });

  it('as root without CAP_SYS_PTRACE: "not permitted" without "run as that user" advice', async function () {
    if (process.getuid?.() !== 0) this.skip();
    try {
      execFileSync('setpriv', ['--version'], { stdio: 'ignore' });
    } catch {
      this.skip();
    }
    // the target runs as nobody; the collector runs as root with CAP_SYS_PTRACE gone from every set
    const target = new Scenario(bin, { cmd: 'setpriv', args: ['--reuid=65534', '--regid=65534', '--clear-groups'] });
    pids.push(target.pid);
    await target.port('listen srv');
    const script = `require(${JSON.stringify(require.resolve('tsx/cjs'))}); const { LinuxCollector } = require(${JSON.stringify(require.resolve('../../src/sockets/linux'))}); process.stdout.write(JSON.stringify(new LinuxCollector(${target.pid}).collectSync()));`;
    let out: string;
    try {
      out = execFileSync('setpriv', ['--inh-caps=-sys_ptrace', '--bounding-set=-sys_ptrace', process.execPath, '-e', script], {
        encoding: 'utf8',
        env: { ...process.env, TSX_TSCONFIG_PATH: '' },
      });
    } catch (e) {
      void e;
      this.skip();
      return;
    }
    const r = JSON.parse(out);
    assert.equal(r.kind, 'denied', out);
    assert.match(r.owner, /nobody \(uid 65534\)|uid 65534/);
    assert.match(r.message, /even as root: .*CAP_SYS_PTRACE/);
    assert.doesNotMatch(r.message, /run as that user/);
  });
});
