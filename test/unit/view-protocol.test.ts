// The webview protocol: validators accept what the host builds from real engine data and reject malformed or
// hostile messages; ViewFeed's diffs rebuild exactly the host's socket list; the HTML carries the strict CSP.
import { strict as assert } from 'node:assert';
import { analyzeHistory } from '../../src/sockets/guidance';
import type { CollectResult, SocketInfo, TcpState } from '../../src/sockets/model';
import { socketKey } from '../../src/sockets/model';
import { applyResult, newHistory } from '../../src/sockets/sampler';
import { contentSecurityPolicy, viewHtml } from '../../src/sockets/viewHtml';
import {
  applyDiff,
  chipOf,
  goroutinesMessage,
  parseHostMessage,
  parseViewMessage,
  toViewCandidate,
  toViewGuidance,
  ViewFeed,
  type HostMessage,
  type ViewSocket,
} from '../../src/sockets/viewProtocol';
import { buildReport } from '../../src/sockets/goroutines';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function sock(lp: number, rp: number, state: TcpState, extra: Partial<SocketInfo> = {}): SocketInfo {
  return {
    key: socketKey('127.0.0.1', lp, '127.0.0.1', rp),
    family: 4,
    state,
    localAddress: '127.0.0.1',
    localPort: lp,
    remoteAddress: '127.0.0.1',
    remotePort: rp,
    sendQ: 0,
    recvQ: 0,
    timer: 'none',
    timerMs: 0,
    retransmits: 0,
    inode: 1000 + rp,
    fd: 10 + rp,
    attribution: 'fd',
    ...extra,
  };
}

function ok(pid: number, time: number, sockets: SocketInfo[]): CollectResult {
  return {
    kind: 'ok',
    snapshot: { pid, time, platform: 'linux', sockets, fds: { open: 20 + sockets.length, softLimit: 1024 }, elapsedMs: 3 },
  };
}

function valid(m: unknown): HostMessage {
  const r = parseHostMessage(JSON.parse(JSON.stringify(m)));
  assert.ok(r.ok, r.ok ? '' : r.error);
  return r.value;
}

describe('view protocol', () => {
  it('ViewFeed: a snapshot first, then diffs that rebuild the same socket list', () => {
    const h = newHistory(42, 0);
    const feed = new ViewFeed();
    const listen = sock(8080, 0, 'LISTEN', { remoteAddress: '0.0.0.0' });
    const a = sock(8080, 5001, 'ESTABLISHED');
    const b = sock(8080, 5002, 'ESTABLISHED');
    const seqs: SocketInfo[][] = [
      [listen, a, b],
      [listen, { ...a, state: 'CLOSE_WAIT' }, b, sock(8080, 5003, 'ESTABLISHED')],
      [listen, { ...a, state: 'CLOSE_WAIT' }, sock(8080, 5003, 'ESTABLISHED', { recvQ: 7 })],
      // same key, new inode: a new socket
      [listen, { ...a, state: 'CLOSE_WAIT' }, sock(8080, 5003, 'ESTABLISHED', { recvQ: 7, inode: 9 })],
    ];
    const view = new Map<string, ViewSocket>();
    let last = 0;
    seqs.forEach((socks, i) => {
      applyResult(h, ok(42, 1000 * (i + 1), socks));
      const m = valid(feed.next(h));
      if (i === 0) {
        assert.equal(m.type, 'snapshot');
        if (m.type !== 'snapshot') return;
        assert.equal(m.firstSampleTime, 1000);
        assert.deepEqual(m.opened, []);
        for (const s of m.sockets) view.set(s.key, s);
      } else {
        assert.equal(m.type, 'diff');
        if (m.type !== 'diff') return;
        assert.equal(m.baseSeq, last);
        const closed = applyDiff(view, m);
        assert.deepEqual(
          closed.map((s) => s.key),
          h.diff!.closed.map((s) => s.key),
        );
        assert.deepEqual(
          m.opened,
          h.diff!.opened.map((s) => s.key),
        );
      }
      last = m.type === 'snapshot' || m.type === 'diff' ? m.seq : last;
      const want = [...h.latest!.sockets].map((s) => s.key).sort();
      assert.deepEqual([...view.keys()].sort(), want);
      for (const s of h.latest!.sockets) assert.equal(view.get(s.key)!.state, s.state);
    });
    // only the changed socket is sent
    applyResult(h, ok(42, 5000, seqs[3]));
    const same = feed.next(h);
    assert.equal(same?.type, 'diff');
    if (same?.type === 'diff') assert.deepEqual(same.upsert, []);
    assert.equal(feed.samples.length, 5);
    assert.deepEqual(feed.samples.at(-1)!.counts, { LISTEN: 1, ESTABLISHED: 1, CLOSE_WAIT: 1 });
    assert.equal(feed.samples.at(-1)!.fdLimit, 1024);
  });

  it('ViewFeed: moving timers are not changes (keepalive never, others within a second), real changes are', () => {
    const feed = new ViewFeed();
    const h = newHistory(3, 0);
    const ka = (ms: number) => sock(80, 1, 'ESTABLISHED', { timer: 'keepalive', timerMs: ms });
    const rt = (ms: number, retr = 1) => sock(80, 2, 'ESTABLISHED', { timer: 'retransmit', timerMs: ms, retransmits: retr });
    applyResult(h, ok(3, 10_000, [ka(15_000), rt(800)]));
    const first = feed.next(h);
    assert.equal(first?.type, 'snapshot');
    if (first?.type === 'snapshot') {
      assert.equal(first.sockets.find((s) => s.timer === 'keepalive')!.timerAt, 0, 'no deadline for keepalive');
      assert.equal(first.sockets.find((s) => s.timer === 'retransmit')!.timerAt, 10_800);
    }
    // half a second later: the keepalive re-armed, the retransmit timer counts down to the same deadline
    applyResult(h, ok(3, 10_500, [ka(14_900), rt(300)]));
    const d = feed.next(h);
    assert.equal(d?.type, 'diff');
    if (d?.type === 'diff') assert.deepEqual(d.upsert, [], 'timer moves are not changes');
    // a retransmission (count and a new deadline) is one
    applyResult(h, ok(3, 12_000, [ka(3_000), rt(1600, 2)]));
    const d2 = feed.next(h);
    if (d2?.type === 'diff')
      assert.deepEqual(
        d2.upsert.map((s) => [s.timer, s.retransmits, s.timerAt]),
        [['retransmit', 2, 13_600]],
      );
  });

  it('ViewFeed: reset and a followed restart give a snapshot and keep the chart series', () => {
    const feed = new ViewFeed();
    const h1 = newHistory(1, 0);
    applyResult(h1, ok(1, 1000, [sock(80, 1, 'ESTABLISHED')]));
    feed.next(h1);
    applyResult(h1, ok(1, 2000, [sock(80, 1, 'ESTABLISHED')]));
    assert.equal(feed.next(h1)?.type, 'diff');
    const again = feed.current(h1);
    assert.equal(again?.type, 'snapshot');
    assert.equal(feed.samples.length, 2, 'current() does not append the same sample again');
    const h2 = newHistory(2, 2500);
    applyResult(h2, ok(2, 3000, [sock(80, 7, 'CLOSE_WAIT')]));
    const m = valid(feed.next(h2));
    assert.equal(m.type, 'snapshot');
    if (m.type === 'snapshot') assert.equal(m.firstSampleTime, 3000);
    assert.deepEqual(
      feed.samples.map((s) => s.pid),
      [1, 1, 2],
    );
  });

  it('guidance, candidates and goroutines from the engine validate', () => {
    const h = newHistory(5, 0);
    const cw = [1, 2, 3].map((i) => sock(9000, 6000 + i, 'CLOSE_WAIT'));
    applyResult(h, ok(5, 1000, [sock(9000, 0, 'LISTEN'), ...cw.slice(0, 1)]));
    applyResult(h, ok(5, 20000, [sock(9000, 0, 'LISTEN'), ...cw]));
    const items = analyzeHistory(h).map(toViewGuidance);
    assert.ok(items.some((g) => g.id === 'close-wait'));
    valid({ type: 'guidance', items });
    valid({
      type: 'attach',
      status: {
        kind: 'attached',
        target: toViewCandidate({
          pid: 5,
          name: 'srv',
          cmdline: ['srv'],
          kind: 'go-run',
          score: 80,
          reasons: [{ code: 'go-build-exe', en: 'built by go run', 'zh-cn': '由 go run 构建' }],
        }),
      },
      actions: [],
      candidates: [],
    });
    const dump = readFileSync(join(__dirname, '..', 'fixtures-sockets', 'goroutines-debug2.txt'), 'utf8');
    const g = valid(goroutinesMessage(buildReport(6060, dump), true));
    assert.equal(g.type, 'goroutines');
    if (g.type === 'goroutines') assert.ok(g.groups.length > 0 && g.groups.every((x) => x.frames.length <= 24));
    assert.deepEqual(goroutinesMessage(undefined, false), { type: 'goroutines', status: 'off', groups: [] });
  });

  it('rejects malformed host messages with the path of the problem', () => {
    const bad: [unknown, RegExp][] = [
      [null, /expected an object/],
      [{ type: 'nope' }, /unknown "nope"/],
      [{ type: 'sampling', paused: 'yes', intervalMs: 1000 }, /message\.paused: expected a boolean/],
      [{ type: 'sampling', paused: true, intervalMs: NaN }, /intervalMs: expected a number/],
      [
        { type: 'history', samples: [{ time: 1, pid: 1, counts: { BOGUS: 1 }, total: 1, opened: 0, closed: 0, sendQTotal: 0 }] },
        /unknown state BOGUS/,
      ],
      [{ type: 'attach', status: { kind: 'attached' }, actions: [], candidates: [] }, /status\.target: expected an object/],
      [{ type: 'attach', status: { kind: 'no-process' }, actions: ['explode'], candidates: [] }, /actions\[0\]/],
      [{ type: 'hello', version: 1, locale: 'fr', strings: {}, goroutinesEnabled: false }, /locale/],
      [{ type: 'hello', version: 1, locale: 'en', strings: { a: 1 }, goroutinesEnabled: false }, /strings\.a/],
    ];
    for (const [m, re] of bad) {
      const r = parseHostMessage(m);
      assert.ok(!r.ok, `accepted ${JSON.stringify(m)}`);
      if (!r.ok) assert.match(r.error, re);
    }
  });

  it('accepts every view message and rejects hostile ones', () => {
    const good = [
      { type: 'ready' },
      { type: 'requestState' },
      { type: 'attach', pid: 1234, manual: true },
      { type: 'discover' },
      { type: 'pause' },
      { type: 'resume' },
      { type: 'setInterval', ms: 2000 },
      { type: 'findCause', symptom: 'close-wait' },
      { type: 'openLocation', file: '/w/server.go', line: 41 },
      { type: 'openLocation', file: '/w/server.go', line: 41, column: 3 },
      { type: 'export', format: 'csv' },
      { type: 'runGo' },
      { type: 'learnMore' },
    ];
    for (const m of good) assert.ok(parseViewMessage(m).ok, JSON.stringify(m));
    const bad = [
      { type: 'attach', pid: -1, manual: true },
      { type: 'attach', pid: 1.5, manual: false },
      { type: 'attach', pid: '12', manual: false },
      { type: 'setInterval', ms: 10 },
      { type: 'setInterval', ms: 1e9 },
      { type: 'findCause', symptom: 'everything' },
      { type: 'openLocation', file: '', line: 1 },
      { type: 'openLocation', file: 'a\0b', line: 1 },
      { type: 'openLocation', file: '/a', line: 0 },
      { type: 'export', format: 'pdf' },
      { type: 'constructor' },
      { type: '__proto__' },
      'ready',
      [],
    ];
    for (const m of bad) assert.ok(!parseViewMessage(m).ok, JSON.stringify(m));
  });

  it('maps FIN_WAIT1/2 to one chip and leaves rare states out', () => {
    assert.equal(chipOf('FIN_WAIT1'), 'FIN_WAIT');
    assert.equal(chipOf('FIN_WAIT2'), 'FIN_WAIT');
    assert.equal(chipOf('CLOSE_WAIT'), 'CLOSE_WAIT');
    assert.equal(chipOf('LAST_ACK'), undefined);
  });

  it('builds HTML with a strict CSP: nonce scripts only, no inline styles, no network', () => {
    const html = viewHtml({
      cspSource: 'https://x.vscode-cdn.net',
      nonce: 'abcdefghijklmnopqrstuv',
      scriptUri: 'https://x/dist/webview.js',
      styleUri: 'https://x/dist/webview.css',
      codiconUri: 'https://x/dist/codicon.css',
      lang: 'zh-cn',
      title: '实时 Socket',
    });
    const csp = contentSecurityPolicy('https://x.vscode-cdn.net', 'abcdefghijklmnopqrstuv');
    assert.ok(html.includes(csp.replace(/'/g, '&#39;')), 'the CSP meta carries the policy');
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|connect-src|\*/);
    assert.match(csp, /default-src 'none'/);
    assert.doesNotMatch(html, /<style|style="/);
    assert.match(html, /<script nonce="abcdefghijklmnopqrstuv" src=/);
    assert.throws(() =>
      viewHtml({ ...{ cspSource: 'x', scriptUri: '', styleUri: '', codiconUri: '', lang: 'en', title: '' }, nonce: '1' }),
    );
  });
});
