// Parser and engine tests on recorded outputs (test/fixtures-sockets/README.md says where each came from).
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseLsofF } from '../../src/sockets/darwin';
import { DebugPidRegistry, parseBuildInfoBlob, pidFromDapMessage } from '../../src/sockets/discover';
import { buildReport, packageOf, parseGoroutineDump } from '../../src/sockets/goroutines';
import { analyzeHistory } from '../../src/sockets/guidance';
import { LinuxCollector, parseLimits, parseProcNetTcp, parseSockstat } from '../../src/sockets/linux';
import { countStates, type CollectResult, type SocketInfo, type TcpState } from '../../src/sockets/model';
import { applyResult, newHistory } from '../../src/sockets/sampler';
import { PortAttributor } from '../../src/sockets/attribution';
import { parseGetNetTcpConnectionJson, parseNetstatAno } from '../../src/sockets/windows';

const FIX = join(__dirname, '..', 'fixtures-sockets');
const fx = (f: string) => readFileSync(join(FIX, f));
const HEADER = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

function row(s: SocketInfo): string {
  return `${s.fd} ${s.state} ${s.localAddress}:${s.localPort}${s.state === 'LISTEN' ? '' : `->${s.remoteAddress}:${s.remotePort}`}`;
}

describe('sockets: /proc/net/tcp parsing', () => {
  it('decodes the rows recorded in the research (v4, v4-mapped in tcp6, ::1, timers, queues)', () => {
    const v4 = Buffer.from(
      HEADER +
        '   8: 0100007F:ECF2 0100007F:AFC8 06 00000000:00000000 03:000016C3 00000000     0        0 0 3 0000000073af18f8\n' +
        '   9: 0100007F:ED00 0100007F:AFC8 01 0039DA00:00000000 04:00000093 00000000     0        0 9066 2 00000000eebbccfc 20 0 0 18 -1\n' +
        '  12: 0100007F:AFC8 0100007F:ED00 01 00000000:0001F800 00:00000000 00000000     0        0 9781 1 00000000558bc5cd 20 8 0 10 -1\n' +
        '  17: 0100007F:AFC8 0100007F:ED04 01 00000000:00000000 02:00000AF6 00000000  1000        0 9782 2 000000005271dc08 20 4 30 10 -1\n',
    );
    const rows = parseProcNetTcp(v4, 4);
    assert.equal(rows.length, 4);
    assert.deepEqual(
      [rows[0].localAddress, rows[0].localPort, rows[0].remotePort, rows[0].st, rows[0].inode],
      ['127.0.0.1', 0xecf2, 45000, 6, 0],
    );
    assert.equal(rows[0].timerKind, 3);
    assert.equal(rows[0].timerTicks, 0x16c3); // 57.2 s: ss said timewait,57sec
    assert.equal(rows[1].txQueue, 3791360);
    assert.equal(rows[1].timerKind, 4);
    assert.equal(rows[2].rxQueue, 129024);
    assert.equal(rows[3].uid, 1000);
    const v6 = Buffer.from(
      HEADER +
        '   0: 00000000000000000000000001000000:AFC9 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 10276 1 0 100 0 0 10 0\n' +
        '   1: 00000000000000000000000000000000:AFCA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 10277 1 0 100 0 0 10 0\n' +
        '   4: 0000000000000000FFFF00000100007F:AFCA 0000000000000000FFFF00000100007F:AB46 01 00000000:00000000 00:00000000 00000000     0        0 10281 1 0 20 4 30 10 -1\n' +
        '   5: B80D0120000000000000000001000000:AFCA 00000000000000000000000000000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 10282 1 0 100 0 0 10 0\n',
    );
    const r6 = parseProcNetTcp(v6, 6);
    assert.deepEqual(
      r6.map((r) => `${r.localAddress}|${r.localPort}|${r.remoteAddress}`),
      ['::1|45001|::', '::|45002|::', '127.0.0.1|45002|127.0.0.1', '2001:db8::1|45002|::'],
    );
  });

  it('filters by inode before decoding, and parses limits and sockstat', () => {
    const buf = fx('proc-net-tcp.txt');
    const all = parseProcNetTcp(buf, 4);
    const some = parseProcNetTcp(buf, 4, (inode) => inode === 34977);
    assert.ok(all.length > 20);
    assert.equal(some.length, 1);
    assert.deepEqual(
      parseLimits(
        'Limit                     Soft Limit           Hard Limit           Units\nMax open files            1024                 524288               files\n',
      ),
      { soft: 1024, hard: 524288 },
    );
    assert.deepEqual(parseLimits('Max open files            unlimited            unlimited            files\n'), {
      soft: undefined,
      hard: undefined,
    });
    assert.deepEqual(parseSockstat('sockets: used 12\nTCP: inuse 14 orphan 0 tw 32 alloc 14 mem 46\n'), {
      inuse: 14,
      orphan: 0,
      tw: 32,
      alloc: 14,
    });
  });

  describe('LinuxCollector on a recorded /proc (fake procfs root)', () => {
    let root: string;
    const pid = 18450;
    before(() => {
      root = mkdtempSync(join(tmpdir(), 'conndoctor-procfs-'));
      const base = join(root, String(pid));
      mkdirSync(join(base, 'fd'), { recursive: true });
      mkdirSync(join(base, 'net'));
      writeFileSync(join(base, 'stat'), `${pid} (scenario) S 1 ...`);
      writeFileSync(join(base, 'limits'), 'Max open files            20000                20000                files\n');
      writeFileSync(join(base, 'net', 'tcp'), fx('proc-net-tcp.txt'));
      writeFileSync(join(base, 'net', 'tcp6'), fx('proc-net-tcp6.txt'));
      for (const line of fx('proc-fd.txt').toString().trim().split('\n')) {
        const [fd, target] = line.split(' ');
        symlinkSync(target, join(base, 'fd', fd));
      }
      symlinkSync('/dev/null', join(base, 'fd', '0'));
      symlinkSync('pipe:[123]', join(base, 'fd', '1'));
    });
    after(() => rmSync(root, { recursive: true, force: true }));

    it('joins fds and tables exactly like lsof did at the same moment', () => {
      const r = new LinuxCollector(pid, { procRoot: root }).collectSync();
      assert.equal(r.kind, 'ok', JSON.stringify(r));
      if (r.kind !== 'ok') return;
      const lsof = fx('lsof-linux.txt')
        .toString()
        .trim()
        .split('\n')
        .slice(1)
        .map((l) => {
          const f = l.trim().split(/\s+/);
          return `${parseInt(f[3], 10)} ${f[9].slice(1, -1)} ${f[8]}`;
        })
        .sort();
      const ours = r.snapshot.sockets
        .filter((s) => s.attribution === 'fd')
        .map(row)
        .sort();
      assert.deepEqual(ours, lsof);
      assert.deepEqual(r.snapshot.fds, { open: 12, softLimit: 20000, hardLimit: 20000 });
      assert.equal(r.snapshot.otherSocketFds, 0);
      // the never-accepting listener: accept queue 2, its two queued conns attributed by its port
      const q = r.snapshot.sockets.find((s) => s.state === 'LISTEN' && s.recvQ > 0)!;
      assert.equal(q.recvQ, 2);
      const queued = r.snapshot.sockets.filter((s) => s.attribution === 'listen-port' && s.localPort === q.localPort);
      assert.deepEqual(
        queued.map((s) => s.state),
        ['ESTABLISHED', 'ESTABLISHED'],
      );
    });

    it('a pid never seen -> "no such process"; seen, then gone -> "exited"', () => {
      const r = new LinuxCollector(999999999, { procRoot: root }).collectSync();
      assert.equal(r.kind, 'missing');
      assert.match((r as { message: string }).message, /no such process: 999999999/);
      const c = new LinuxCollector(pid, { procRoot: root });
      assert.equal(c.collectSync().kind, 'ok');
      const moved = `${root}/${pid}.gone`;
      renameSync(`${root}/${pid}`, moved);
      try {
        const r2 = c.collectSync();
        assert.equal(r2.kind, 'exited');
        assert.match((r2 as { message: string }).message, /process \d+ exited/);
      } finally {
        renameSync(moved, `${root}/${pid}`);
      }
    });
  });
});

describe('sockets: lsof -F (macOS collector)', () => {
  it('parses the recorded Linux lsof -F output (same field format as macOS)', () => {
    const socks = parseLsofF(fx('lsof-F-linux.txt').toString(), 18450);
    const lsof = fx('lsof-linux.txt')
      .toString()
      .trim()
      .split('\n')
      .slice(1)
      .map((l) => {
        const f = l.trim().split(/\s+/);
        return `${parseInt(f[3], 10)} ${f[9].slice(1, -1)} ${f[8]}`;
      })
      .sort();
    assert.deepEqual(socks.map(row).sort(), lsof);
    assert.equal(socks.find((s) => s.state === 'LISTEN' && s.localPort === 44941)?.recvQ, 2);
  });

  it('parses NUL-terminated fields with macOS state names', () => {
    const socks = parseLsofF(fx('lsof-F0-darwin-constructed.txt').toString(), 4242);
    assert.deepEqual(
      socks.map((s) => `${s.fd} ${s.state} ${s.localAddress}:${s.localPort} ${s.remoteAddress}:${s.remotePort} ${s.sendQ}/${s.recvQ}`),
      [
        '7 LISTEN 127.0.0.1:8080 0.0.0.0:0 0/0',
        '9 CLOSE_WAIT ::1:8080 ::1:53011 0/0',
        '10 FIN_WAIT2 127.0.0.1:53020 127.0.0.1:5432 0/0',
        '11 ESTABLISHED 127.0.0.1:8080 127.0.0.1:53044 131072/12',
        '12 SYN_SENT 127.0.0.1:53050 127.0.0.1:9999 0/0',
      ],
    );
    assert.equal(parseLsofF(fx('lsof-F0-darwin-constructed.txt').toString(), 1).length, 0);
  });
});

describe('sockets: Windows netstat -ano / Get-NetTCPConnection', () => {
  it("keeps the pid's rows and attributes PID-0 TIME_WAIT by listening port", () => {
    const rows = parseNetstatAno(fx('netstat-ano-windows-constructed.txt').toString(), 4242);
    assert.equal(rows.length, 11);
    const socks = new PortAttributor().attribute(rows);
    assert.deepEqual(
      socks.map((s) => `${s.state} ${s.localAddress}:${s.localPort} ${s.attribution}`),
      [
        'LISTEN 127.0.0.1:8080 fd',
        'CLOSE_WAIT 127.0.0.1:8080 fd',
        'ESTABLISHED 127.0.0.1:8080 fd',
        'TIME_WAIT 127.0.0.1:8080 listen-port',
        'SYN_SENT 127.0.0.1:50200 fd',
        'TIME_WAIT ::1:8080 listen-port',
      ],
    );
  });

  it('parses Get-NetTCPConnection JSON with numeric and named states', () => {
    const rows = parseGetNetTcpConnectionJson(fx('get-nettcpconnection-constructed.json').toString(), 4242);
    assert.deepEqual(
      rows.map((r) => `${r.state} ${r.localAddress}:${r.localPort} ${r.owned}`),
      ['LISTEN 127.0.0.1:8080 true', 'CLOSE_WAIT 127.0.0.1:8080 true', 'TIME_WAIT ::1:8080 false'],
    );
  });
});

describe('sockets: goroutine dump', () => {
  it('groups the recorded dump and finds the network waits with user frames', () => {
    const text = fx('goroutines-debug2.txt').toString();
    const gs = parseGoroutineDump(text);
    assert.ok(gs.length >= 4);
    assert.ok(gs.every((g) => g.frames.length > 0));
    const rep = buildReport(6060, text);
    const accept = rep.netBlocked.find((g) => g.op === 'Accept' && g.location?.includes('/tmp/grt/main.go'));
    const read = rep.netBlocked.find((g) => g.op === 'Read');
    assert.ok(read);
    assert.equal(read.location, '/tmp/grt/main.go:8'); // no user frame on the stack: where it was created
    assert.equal(read.userFrameFromCreatedBy, true);
    assert.ok(accept || rep.netBlocked.some((g) => g.op === 'Accept'));
    assert.equal(packageOf('net/http.(*conn).serve'), 'net/http');
    assert.equal(packageOf('github.com/a/b.(*T).M'), 'github.com/a/b');
    assert.equal(packageOf('main.handle'), 'main');
  });

  it('parses wait minutes and "created by … in goroutine N"', () => {
    const gs = parseGoroutineDump(
      'goroutine 7 [IO wait, 12 minutes]:\ninternal/poll.runtime_pollWait(0x1, 0x72)\n\t/go/src/runtime/netpoll.go:351 +0x85\nnet.(*netFD).Read(0xc0)\n\t/go/src/net/fd_posix.go:68 +0x25\nexample.com/app/server.(*S).handle(0xc0, {0x1, 0x2})\n\t/src/app/server/s.go:42 +0x1\ncreated by example.com/app/server.(*S).serve in goroutine 1\n\t/src/app/server/s.go:30 +0x2\n',
    );
    assert.equal(gs[0].waitMinutes, 12);
    assert.equal(gs[0].createdBy?.func, 'example.com/app/server.(*S).serve');
    const rep = buildReport(
      1,
      'goroutine 7 [IO wait, 12 minutes]:\ninternal/poll.runtime_pollWait(0x1, 0x72)\n\t/go/src/runtime/netpoll.go:351 +0x85\nnet.(*netFD).Read(0xc0)\n\t/go/src/net/fd_posix.go:68 +0x25\nexample.com/app/server.(*S).handle(0xc0, {0x1, 0x2})\n\t/src/app/server/s.go:42 +0x1\n',
      { modulePath: 'example.com/app' },
    );
    assert.equal(rep.netBlocked[0].location, '/src/app/server/s.go:42');
    assert.equal(rep.netBlocked[0].maxWaitMinutes, 12);
  });
});

describe('sockets: discovery helpers', () => {
  it('takes the PID from a DAP process event only', () => {
    assert.deepEqual(
      pidFromDapMessage({
        type: 'event',
        event: 'process',
        body: { name: '/x/__debug_bin1', systemProcessId: 4321, startMethod: 'launch' },
      }),
      {
        pid: 4321,
        name: '/x/__debug_bin1',
        startMethod: 'launch',
      },
    );
    assert.equal(pidFromDapMessage({ type: 'event', event: 'output', body: {} }), undefined);
    assert.equal(pidFromDapMessage({ type: 'event', event: 'process', body: { name: 'x' } }), undefined); // attach mode
    const reg = new DebugPidRegistry();
    let changes = 0;
    reg.onDidChange(() => changes++);
    reg.onDidSendMessage('a', { type: 'event', event: 'process', body: { systemProcessId: 1 } });
    reg.onDidSendMessage('a', { type: 'event', event: 'process', body: { systemProcessId: 2 } }); // Delve ≥ 1.26 follows children
    reg.onDidSendMessage('b', { type: 'event', event: 'process', body: { systemProcessId: 3 } });
    assert.deepEqual(
      reg.pids().map((p) => p.pid),
      [1, 2, 3],
    );
    reg.sessionEnded('a');
    assert.deepEqual(
      reg.pids().map((p) => p.pid),
      [3],
    );
    assert.equal(changes, 4);
  });

  it('parses Go ≥ 1.18 build info', () => {
    const str = (s: string) => Buffer.concat([Buffer.from([s.length]), Buffer.from(s)]);
    const sentinel = Buffer.alloc(16, 0x30);
    const mod = 'path\texample.com/app/cmd/srv\nmod\texample.com/app\t(devel)\t\n';
    const blob = Buffer.concat([
      Buffer.from('\xff Go buildinf:', 'latin1'),
      Buffer.from([8, 2]),
      Buffer.alloc(16),
      str('go1.26.8'),
      Buffer.from([mod.length + 32]),
      sentinel,
      Buffer.from(mod),
      sentinel,
    ]);
    // the 16-byte sentinels bracket the module text; the last byte before the closing one is "\n"
    assert.deepEqual(parseBuildInfoBlob(blob), { goVersion: 'go1.26.8', path: 'example.com/app/cmd/srv', module: 'example.com/app' });
  });
});

describe('sockets: sampler and guidance on synthetic histories', () => {
  let port = 40000;
  const sock = (state: TcpState, over: Partial<SocketInfo> = {}): SocketInfo => {
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
  };
  const ok = (time: number, sockets: SocketInfo[], extra: Record<string, unknown> = {}): CollectResult => ({
    kind: 'ok',
    snapshot: { pid: 1, time, platform: 'linux', sockets, elapsedMs: 1, ...extra },
  });
  const listen = () => sock('LISTEN', { key: '127.0.0.1:8080->0.0.0.0:0', remoteAddress: '0.0.0.0', remotePort: 0, inode: 1 });

  it('tracks age, state time and opened/closed diffs', () => {
    const h = newHistory(1, 0);
    const l = listen();
    const a = sock('ESTABLISHED');
    const b = sock('ESTABLISHED');
    applyResult(h, ok(1000, [l, a, b]));
    applyResult(h, ok(2000, [l, { ...a, state: 'CLOSE_WAIT' }, sock('ESTABLISHED')]));
    const cw = h.latest!.sockets.find((s) => s.key === a.key)!;
    assert.equal(cw.firstSeen, 1000);
    assert.equal(cw.stateSince, 2000);
    assert.equal(h.diff!.opened.length, 1);
    assert.deepEqual(
      h.diff!.closed.map((s) => s.key),
      [b.key],
    );
    assert.deepEqual(countStates(h.latest!.sockets).CLOSE_WAIT, 1);
    applyResult(h, { kind: 'exited', pid: 1, message: 'process 1 exited' });
    assert.equal(h.status, 'exited');
    assert.deepEqual(analyzeHistory(h), []);
  });

  it('quiet process: no guidance', () => {
    const h = newHistory(1, 0);
    const socks = [listen(), sock('ESTABLISHED'), sock('ESTABLISHED')];
    for (let t = 0; t < 10; t++) applyResult(h, ok(t * 1000, socks, { fds: { open: 20, softLimit: 1024 } }));
    assert.deepEqual(analyzeHistory(h), []);
  });

  it('ESTABLISHED growing with idle sockets, and dead socket fds piling up', () => {
    const h = newHistory(1, 0);
    const socks: SocketInfo[] = [listen()];
    for (let t = 0; t <= 20; t++) {
      socks.push(sock('ESTABLISHED'));
      applyResult(h, ok(t * 1000, [...socks], { otherSocketFds: t }));
    }
    const gs = analyzeHistory(h, { idleSeconds: 5 });
    const est = gs.find((g) => g.id === 'established-growth')!;
    assert.ok(est);
    assert.equal(est.evidence.to, 21);
    assert.deepEqual(est.rules, ['http-server-no-timeouts', 'read-no-deadline', 'conn-not-closed']);
    assert.match(est.explanation.en, /16 of 21, seen for at least 5 s, had empty queues in every sample/);
    assert.ok(est.explanation['zh-cn'].includes('空闲'));
    const dead = gs.find((g) => g.id === 'dead-socket-fds')!;
    assert.deepEqual(dead.rules, ['conn-not-closed']);
  });

  it('old CLOSE_WAIT that is not growing is a warning; outgoing ones add body-not-closed', () => {
    const h = newHistory(1, 0);
    const cw = sock('CLOSE_WAIT', { localPort: 51000, key: '127.0.0.1:51000->127.0.0.1:443', remotePort: 443 });
    for (let t = 0; t <= 12; t++) applyResult(h, ok(t * 1000, [listen(), cw]));
    const g = analyzeHistory(h).find((x) => x.id === 'close-wait')!;
    assert.equal(g.severity, 'warning');
    assert.equal(g.evidence.durationS, 12);
    assert.deepEqual(g.rules, ['conn-not-closed', 'read-no-deadline', 'body-not-closed', 'http-client-no-timeout']);
    assert.deepEqual(g.evidence.peers, ['127.0.0.1:443']);
  });
});
