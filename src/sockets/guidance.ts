// Symptom detectors over a sampler History. Each finding explains what the kernel state means for a Go
// program (English + Simplified Chinese), shows the evidence, and names the analyzer rules to look for.
import { endpoint, type OtherSockets, type Text } from './model';
import type { History, SampleSummary, TrackedSocket } from './sampler';

export type SymptomId =
  | 'close-wait'
  | 'established-growth'
  | 'time-wait-churn'
  | 'syn-sent'
  | 'send-q'
  | 'accept-backlog'
  | 'fd-usage'
  | 'dead-socket-fds'
  | 'other-socket-fds';

/** Analyzer rule ids the guidance points to (see src/analysis/rules). */
export const GUIDANCE_RULE_IDS = [
  'conn-not-closed',
  'read-no-deadline',
  'dial-no-timeout',
  'body-not-closed',
  'http-client-no-timeout',
  'http-server-no-timeouts',
  'accept-error-spin',
] as const;
export type GuidanceRuleId = (typeof GUIDANCE_RULE_IDS)[number];

export interface Evidence {
  /** sockets (or fds) showing the symptom now */
  count: number;
  /** how long the symptom has been observed, seconds (lower bound: sampling started then) */
  durationS?: number;
  /** true when the evidence rests on a single sample (the first one): ages are unknown */
  singleSample?: boolean;
  /** count at the start of the growth window and now */
  from?: number;
  to?: number;
  /** top remote endpoints with counts, e.g. "127.0.0.1:5432 ×3" */
  peers: string[];
  /** local ports involved */
  localPorts: number[];
  /** socket keys (local->remote) */
  keys: string[];
  /** one line for humans */
  text: Text;
}

export interface Guidance {
  id: SymptomId;
  severity: 'error' | 'warning' | 'info';
  title: Text;
  explanation: Text;
  evidence: Evidence;
  rules: GuidanceRuleId[];
}

export interface GuidanceOptions {
  /**
   * CLOSE_WAIT seen for at least this long is reported even when not growing (default 0.5 s: a healthy program
   * closes within microseconds of reading EOF). With one sample only, any CLOSE_WAIT is reported.
   */
  closeWaitSeconds?: number;
  /** window for "growing" (default 30 s) */
  growthWindowSeconds?: number;
  /** ESTABLISHED increase within the window that counts as growth (default 10) */
  establishedGrowth?: number;
  /** an ESTABLISHED socket with empty queues older than this is "idle" (default 30 s) */
  idleSeconds?: number;
  /** TIME_WAIT sockets attributed to the process before we talk about churn (default 20) */
  timeWaitMin?: number;
  /** SYN_SENT older than this lingers (default 3 s; Linux retries a lost SYN after 1, 3, 7, 15 … s) */
  synSentSeconds?: number;
  /** consecutive growing Send-Q samples (default 3) */
  sendQSamples?: number;
  /** Send-Q above this many bytes for sendQSeconds is reported even if flat (default 1 MiB, 5 s) */
  sendQBytes?: number;
  sendQSeconds?: number;
  /** consecutive samples with a non-empty accept queue (default 3) */
  backlogSamples?: number;
  /** fd usage ratio of the soft limit (default 0.8) */
  fdRatio?: number;
  /** growth of socket fds that are in no TCP table (default 5) */
  deadFdGrowth?: number;
  /** socket fds in no socket table at all, in this sample and the one before (or the only one), reported (default 3) */
  deadFdMin?: number;
}

const DEFAULTS: Required<GuidanceOptions> = {
  closeWaitSeconds: 0.5,
  growthWindowSeconds: 30,
  establishedGrowth: 10,
  idleSeconds: 30,
  timeWaitMin: 20,
  synSentSeconds: 3,
  sendQSamples: 3,
  sendQBytes: 1 << 20,
  sendQSeconds: 5,
  backlogSamples: 3,
  fdRatio: 0.8,
  deadFdGrowth: 5,
  deadFdMin: 3,
};

/** Top remote endpoints. Incoming connections come from ephemeral ports, so they are grouped by address. */
function topPeers(socks: TrackedSocket[], n = 5, byAddress = false): string[] {
  const m = new Map<string, number>();
  for (const s of socks) {
    const k = byAddress ? s.remoteAddress : endpoint(s.remoteAddress, s.remotePort);
    m.set(k, (m.get(k) ?? 0) + 1);
  }
  return [...m.entries()]
    .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
    .slice(0, n)
    .map(([k, c]) => (c > 1 ? `${k} ×${c}` : k));
}

function ports(socks: TrackedSocket[]): number[] {
  return [...new Set(socks.map((s) => s.localPort))].sort((a, b) => a - b).slice(0, 10);
}

function secs(ms: number): number {
  return Math.round(ms / 100) / 10;
}

/**
 * How long, in words: "seen for 25 s" when the time started at our first sample (the socket was already in that
 * state, for an unknown time), "for 25 s" when we saw it begin.
 */
/** "UDP 2, UNIX 1, in no table 4" */
export function otherText(o: OtherSockets): Text {
  const parts: Array<[number, string, string]> = [
    [o.udp, 'UDP', 'UDP'],
    [o.unix, 'UNIX', 'UNIX'],
    [o.raw, 'raw/ICMP', '原始/ICMP'],
    [o.netlink, 'netlink', 'netlink'],
    [o.packet, 'packet', 'packet'],
    [o.unlisted, 'in no table', '不在任何表中'],
  ];
  const shown = parts.filter(([n]) => n > 0);
  return {
    en: shown.map(([n, en]) => `${en} ${n}`).join(', ') || 'none',
    'zh-cn': shown.map(([n, , zh]) => `${zh} ${n}`).join('、') || '无',
  };
}

function duration(ms: number, fromFirstSample: boolean): Text {
  return fromFirstSample
    ? { en: `seen for ${secs(ms)} s`, 'zh-cn': `已观察到 ${secs(ms)} 秒` }
    : { en: `in this state for ${secs(ms)} s`, 'zh-cn': `处于该状态 ${secs(ms)} 秒` };
}

function fmtBytes(n: number): string {
  if (n >= 1 << 20) return `${(n / (1 << 20)).toFixed(1)} MiB`;
  if (n >= 1 << 10) return `${(n / (1 << 10)).toFixed(0)} KiB`;
  return `${n} B`;
}

interface Growth {
  from: number;
  to: number;
  overS: number;
}

/** Count of `pick` at the start of the window vs now; undefined unless it grew by at least `min` and is at its peak. */
export function growth(samples: SampleSummary[], pick: (s: SampleSummary) => number, windowS: number, min: number): Growth | undefined {
  if (samples.length < 2) return undefined;
  const now = samples[samples.length - 1];
  const win = samples.filter((s) => now.time - s.time <= windowS * 1000);
  if (win.length < 2) return undefined;
  const from = pick(win[0]);
  const to = pick(now);
  const peak = Math.max(...win.map(pick));
  if (to - from >= min && to >= peak) return { from, to, overS: secs(now.time - win[0].time) };
  return undefined;
}

function evidence(socks: TrackedSocket[], text: Text, extra: Partial<Evidence> = {}): Evidence {
  return {
    count: socks.length,
    peers: peersOf(socks),
    localPorts: ports(socks),
    keys: socks.slice(0, 50).map((s) => s.key),
    text,
    ...extra,
  };
}

let listening = new Set<number>();
/** Peers of a socket set: by address for incoming connections (ephemeral remote ports), by address:port otherwise. */
function peersOf(socks: TrackedSocket[]): string[] {
  const inc = socks.filter((s) => listening.has(s.localPort));
  const out = socks.filter((s) => !listening.has(s.localPort));
  return [...topPeers(inc, 5, true), ...topPeers(out, 5)].slice(0, 6);
}

/** Runs every detector on the history. Order: most severe first. */
export function analyzeHistory(h: History, options: GuidanceOptions = {}): Guidance[] {
  const o = { ...DEFAULTS, ...options };
  const latest = h.latest;
  if (!latest || h.status !== 'ok') return [];
  const now = latest.time;
  const socks = latest.sockets;
  const listenPorts = new Set(socks.filter((s) => s.state === 'LISTEN').map((s) => s.localPort));
  listening = listenPorts;
  const incoming = (s: TrackedSocket) => listenPorts.has(s.localPort);
  const out: Guidance[] = [];

  // 1. CLOSE_WAIT: the peer closed, we did not. A socket is in CLOSE_WAIT only between the peer's FIN and our Close,
  // which a healthy Go program makes microseconds long; so its presence is the symptom, whatever its age. The
  // ages of sockets already there at our first sample are unknown ("seen for"), so a one-shot run judges presence:
  // with one sample every CLOSE_WAIT socket counts, with more only those seen in CLOSE_WAIT for closeWaitSeconds.
  const since = h.since ?? now;
  const single = now === since;
  const cwAll = socks.filter((s) => s.state === 'CLOSE_WAIT');
  const cw = single ? cwAll : cwAll.filter((s) => now - s.stateSince >= o.closeWaitSeconds * 1000);
  const g = cwAll.length ? growth(h.samples, (s) => s.counts.CLOSE_WAIT, o.growthWindowSeconds, 1) : undefined;
  if (cw.length || g) {
    const shown = g ? cwAll : cw;
    const oldestSock = shown.reduce((a, b) => (b.stateSince < a.stateSince ? b : a));
    const oldest = now - oldestSock.stateSince;
    const outgoing = shown.filter((s) => !incoming(s));
    const rules: GuidanceRuleId[] = ['conn-not-closed', 'read-no-deadline'];
    if (outgoing.length) rules.push('body-not-closed', 'http-client-no-timeout');
    const age = duration(oldest, oldestSock.stateSince <= since);
    const grow = g
      ? { en: `grew from ${g.from} to ${g.to} in ${g.overS} s`, zh: `在 ${g.overS} 秒内从 ${g.from} 个增加到 ${g.to} 个` }
      : single
        ? {
            en: 'already there at the first sample (how long before is unknown)',
            zh: '第一次采样时已存在（此前持续多久未知）',
          }
        : { en: `the oldest ${age.en}`, zh: `最早的一个${age['zh-cn']}` };
    out.push({
      id: 'close-wait',
      severity: g ? 'error' : 'warning',
      title: {
        en: g ? 'CLOSE_WAIT sockets are growing: connections are leaking' : 'Sockets stuck in CLOSE_WAIT',
        'zh-cn': g ? 'CLOSE_WAIT 套接字在增加：连接正在泄漏' : '套接字停留在 CLOSE_WAIT 状态',
      },
      explanation: {
        en:
          'The peer closed these connections, but this program never called Close on its side. In Go a CLOSE_WAIT socket ' +
          'is always still referenced, usually by a goroutine parked after Read returned io.EOF, or blocked in a Read without a deadline, ' +
          'or by a connection registry (a map, slice or struct field of conns) that never closes and removes its entries. ' +
          'Close the net.Conn on every path (defer c.Close() right after Accept or Dial succeeds) and give reads a deadline.' +
          (outgoing.length ? ' On client connections, an http.Response.Body that is never closed keeps its connection like this.' : ''),
        'zh-cn':
          '对端已经关闭了这些连接，但本程序从未在自己这一侧调用 Close。在 Go 中，处于 CLOSE_WAIT 的套接字一定仍被引用，' +
          '通常是某个 goroutine 在 Read 返回 io.EOF 之后挂起，或者阻塞在没有截止时间的 Read 上，' +
          '或者是一个从不关闭、也从不移除其条目的连接登记表（保存连接的 map、切片或结构体字段）。' +
          '请在所有路径上关闭 net.Conn（Accept 或 Dial 成功后立即 defer c.Close()），并为读操作设置截止时间。' +
          (outgoing.length ? '对于客户端连接，从未关闭的 http.Response.Body 也会让连接停在这个状态。' : ''),
      },
      evidence: evidence(
        shown,
        {
          en: `${shown.length} CLOSE_WAIT socket(s); ${grow.en}; peers: ${peersOf(shown).join(', ')}`,
          'zh-cn': `${shown.length} 个 CLOSE_WAIT 套接字；${grow.zh}；对端：${peersOf(shown).join('、')}`,
        },
        { durationS: secs(oldest), from: g?.from, to: g?.to, singleSample: single || undefined },
      ),
      rules,
    });
  }

  // 2. SYN_SENT lingering: a dial without timeout to a peer that does not answer.
  const syn = socks.filter((s) => s.state === 'SYN_SENT' && now - s.stateSince >= o.synSentSeconds * 1000);
  if (syn.length) {
    const oldestSyn = syn.reduce((a, b) => (b.stateSince < a.stateSince ? b : a));
    const oldest = now - oldestSyn.stateSince;
    const synAge = duration(oldest, oldestSyn.stateSince <= since);
    out.push({
      id: 'syn-sent',
      severity: 'warning',
      title: { en: 'Connection attempts hang in SYN_SENT', 'zh-cn': '连接尝试卡在 SYN_SENT 状态' },
      explanation: {
        en:
          'These dials sent a SYN and got no answer; the kernel keeps retrying (about 2 minutes on Linux). ' +
          'net.Dial and a zero net.Dialer have no timeout: use net.DialTimeout, a Dialer with Timeout, or DialContext with a deadline.',
        'zh-cn':
          '这些拨号已发出 SYN 却没有收到应答，内核会持续重试（Linux 上约 2 分钟）。' +
          'net.Dial 和零值 net.Dialer 没有超时：请使用 net.DialTimeout、设置了 Timeout 的 Dialer，或带截止时间的 DialContext。',
      },
      evidence: evidence(
        syn,
        {
          en: `${syn.length} socket(s) in SYN_SENT, the oldest ${synAge.en}, to ${peersOf(syn).join(', ')}`,
          'zh-cn': `${syn.length} 个套接字处于 SYN_SENT，最早的一个${synAge['zh-cn']}，目标：${peersOf(syn).join('、')}`,
        },
        { durationS: secs(oldest) },
      ),
      rules: ['dial-no-timeout', 'http-client-no-timeout'],
    });
  }

  // 3. Send-Q growing: the peer does not read, and our writes have no deadline.
  const sq = socks.filter((s) => {
    if (s.state === 'LISTEN' || s.sendQ === 0) return false;
    const hq = s.sendQHistory;
    if (hq.length >= o.sendQSamples) {
      const tail = hq.slice(-o.sendQSamples);
      if (tail.every((v, i) => i === 0 || v > tail[i - 1]) && tail[0] > 0) return true;
    }
    return s.sendQ >= o.sendQBytes && hq.every((v) => v >= o.sendQBytes) && now - s.stateSince >= o.sendQSeconds * 1000 && hq.length >= 2;
  });
  if (sq.length) {
    const total = sq.reduce((a, s) => a + s.sendQ, 0);
    const inc = sq.some(incoming);
    out.push({
      id: 'send-q',
      severity: 'warning',
      title: { en: 'Send-Q is growing: the peer is not reading', 'zh-cn': 'Send-Q 在增长：对端没有读取数据' },
      explanation: {
        en:
          'Bytes pile up in the kernel send buffer because the peer stopped reading. When the buffer is full, Write blocks forever ' +
          'unless the connection has a write deadline (SetWriteDeadline, or http.Server WriteTimeout), and the goroutine and the connection leak.',
        'zh-cn':
          '由于对端停止读取，数据堆积在内核发送缓冲区中。缓冲区满后，如果连接没有写截止时间（SetWriteDeadline 或 http.Server 的 WriteTimeout），' +
          'Write 会永久阻塞，goroutine 和连接随之泄漏。',
      },
      evidence: evidence(sq, {
        en: `${sq.length} socket(s) with ${fmtBytes(total)} unacknowledged; peers: ${peersOf(sq).join(', ')}`,
        'zh-cn': `${sq.length} 个套接字共有 ${fmtBytes(total)} 未被确认；对端：${peersOf(sq).join('、')}`,
      }),
      rules: inc ? ['http-server-no-timeouts', 'read-no-deadline'] : ['http-client-no-timeout', 'read-no-deadline'],
    });
  }

  // 4. Accept queue backlog: connections completed by the kernel that the program does not Accept.
  const bl = socks.filter(
    (s) => s.state === 'LISTEN' && s.recvQHistory.length >= o.backlogSamples && s.recvQHistory.slice(-o.backlogSamples).every((v) => v > 0),
  );
  if (bl.length) {
    const queued = bl.reduce((a, s) => a + s.recvQ, 0);
    out.push({
      id: 'accept-backlog',
      severity: 'error',
      title: { en: 'Accept loop stalled: connections wait in the accept queue', 'zh-cn': 'Accept 循环停滞：连接在 accept 队列中等待' },
      explanation: {
        en:
          'The kernel completed these handshakes, but the program does not call Accept. The Accept loop is blocked, has returned ' +
          'after an error, or backs off because the process ran out of file descriptors ("http: Accept error: … too many open files"). ' +
          'Keep the loop alive on temporary errors with a bounded back-off, and never do slow work inside it.',
        'zh-cn':
          '内核已经完成了这些握手，但程序没有调用 Accept。Accept 循环被阻塞、在出错后退出，或者因进程的文件描述符耗尽而退避' +
          '（"http: Accept error: … too many open files"）。遇到临时错误时应以有上限的退避继续循环，且不要在循环中做耗时操作。',
      },
      evidence: {
        count: queued,
        peers: [],
        localPorts: bl.map((s) => s.localPort),
        keys: bl.map((s) => s.key),
        text: {
          en: `${queued} connection(s) queued on ${bl.map((s) => endpoint(s.localAddress, s.localPort)).join(', ')}`,
          'zh-cn': `${bl.map((s) => endpoint(s.localAddress, s.localPort)).join('、')} 上有 ${queued} 个连接在排队`,
        },
      },
      rules: ['accept-error-spin'],
    });
  }

  // 5. fd usage near the soft limit.
  const fds = latest.fds;
  if (fds && fds.softLimit && fds.open >= fds.softLimit * o.fdRatio) {
    const pct = Math.round((100 * fds.open) / fds.softLimit);
    out.push({
      id: 'fd-usage',
      severity: fds.open >= fds.softLimit * 0.95 ? 'error' : 'warning',
      title: { en: `File descriptors at ${pct}% of the limit`, 'zh-cn': `文件描述符已用到上限的 ${pct}%` },
      explanation: {
        en:
          'When the table is full, Accept and Dial fail with "too many open files" and net/http logs "http: Accept error … retrying". ' +
          'Go ≥ 1.19 already raises the soft limit to the hard limit, so a full table almost always means connections or files are not closed.',
        'zh-cn':
          '文件描述符表满后，Accept 和 Dial 会因 "too many open files" 失败，net/http 会记录 "http: Accept error … retrying"。' +
          'Go 1.19 及以上版本已把软限制提升到硬限制，所以描述符表满几乎总是意味着连接或文件没有关闭。',
      },
      evidence: {
        count: fds.open,
        peers: [],
        localPorts: [],
        keys: [],
        text: {
          en: `${fds.open} open fds of ${fds.softLimit} (soft limit; hard ${fds.hardLimit ?? '?'}); ${socks.length} TCP sockets`,
          'zh-cn': `已打开 ${fds.open} 个，软限制 ${fds.softLimit}（硬限制 ${fds.hardLimit ?? '?'}）；TCP 套接字 ${socks.length} 个`,
        },
      },
      rules: ['conn-not-closed', 'body-not-closed', 'accept-error-spin'],
    });
  }

  // 6. ESTABLISHED growing with idle sockets.
  const gEst = growth(h.samples, (s) => s.counts.ESTABLISHED, o.growthWindowSeconds, o.establishedGrowth);
  if (gEst) {
    const est = socks.filter((s) => s.state === 'ESTABLISHED' && s.attribution === 'fd');
    // idle: empty queues in every sample we have of it (so at least since we first saw it)
    const idle = est.filter(
      (s) => s.sendQHistory.every((q) => q === 0) && s.recvQHistory.every((q) => q === 0) && now - s.firstSeen >= o.idleSeconds * 1000,
    );
    const inc = est.filter(incoming).length >= est.length / 2;
    out.push({
      id: 'established-growth',
      severity: 'warning',
      title: { en: 'Open connections keep growing', 'zh-cn': '打开的连接数持续增长' },
      explanation: {
        en:
          (inc
            ? 'Clients connect and never leave, and the server never times them out. Set http.Server ReadTimeout/ReadHeaderTimeout/IdleTimeout, or deadlines on raw conns. '
            : 'This program opens connections faster than it closes them. Reuse one http.Client with a Timeout, close every response body, and bound the pool (MaxConnsPerHost). ') +
          `${idle.length} of ${est.length}, seen for at least ${o.idleSeconds} s, had empty queues in every sample.`,
        'zh-cn':
          (inc
            ? '客户端连上后不离开，服务器也从不让它们超时。请设置 http.Server 的 ReadTimeout/ReadHeaderTimeout/IdleTimeout，或为原始连接设置截止时间。'
            : '本程序打开连接的速度快于关闭的速度。请复用带 Timeout 的 http.Client，关闭每个响应体，并限制连接池（MaxConnsPerHost）。') +
          `${est.length} 个中有 ${idle.length} 个空闲：已观察到至少 ${o.idleSeconds} 秒，且每次采样时队列都为空。`,
      },
      evidence: evidence(
        est,
        {
          en: `ESTABLISHED grew from ${gEst.from} to ${gEst.to} in ${gEst.overS} s; ${idle.length} idle`,
          'zh-cn': `ESTABLISHED 在 ${gEst.overS} 秒内从 ${gEst.from} 个增加到 ${gEst.to} 个；${idle.length} 个空闲`,
        },
        { from: gEst.from, to: gEst.to, durationS: gEst.overS },
      ),
      rules: inc
        ? ['http-server-no-timeouts', 'read-no-deadline', 'conn-not-closed']
        : ['http-client-no-timeout', 'body-not-closed', 'conn-not-closed'],
    });
  }

  // 8. socket fds in no socket table: TCP sockets whose connection the kernel ended (reset, timeout: state CLOSE,
  // unhashed) while the program still holds the net.Conn. Without the breakdown (older snapshots), all fds outside
  // the TCP tables count.
  const unlisted = (x: { otherSockets?: OtherSockets; otherSocketFds?: number }) => x.otherSockets?.unlisted ?? x.otherSocketFds ?? 0;
  const deadNow = unlisted(latest);
  const prevSample = h.samples.length >= 2 && !single ? h.samples[h.samples.length - 2] : undefined;
  const gDead = growth(h.samples, unlisted, o.growthWindowSeconds, o.deadFdGrowth);
  const deadHeld = deadNow >= o.deadFdMin && (!prevSample || unlisted(prevSample) >= o.deadFdMin);
  if (gDead || deadHeld) {
    const kinds = latest.otherSockets;
    out.push({
      id: 'dead-socket-fds',
      severity: 'warning',
      title: { en: 'The program holds sockets whose connections are gone', 'zh-cn': '程序仍持有连接已失效的套接字' },
      explanation: {
        en:
          "These socket fds are in no socket table of the process's network namespace. Usually they are TCP connections the kernel " +
          'already ended (the peer sent a reset, or a keep-alive or retransmission timeout fired): Read and Write return errors, ' +
          'but the program still holds the net.Conn and never called Close. Close conns on every error path. ' +
          '(Less often: sockets created but never connected, or sockets the program made in another network namespace.)',
        'zh-cn':
          '这些套接字描述符不在进程所在网络命名空间的任何套接字表中。它们通常是内核已经结束的 TCP 连接' +
          '（对端发送了 RST，或者 keep-alive、重传超时已触发）：Read 和 Write 都会返回错误，但程序仍持有 net.Conn 且从未调用 Close。' +
          '请在每条错误路径上关闭连接。（较少见的情况：创建后从未连接的套接字，或程序在另一个网络命名空间中创建的套接字。）',
      },
      evidence: {
        count: deadNow,
        from: gDead?.from,
        to: gDead?.to,
        durationS: gDead?.overS,
        singleSample: single || undefined,
        peers: [],
        localPorts: [],
        keys: [],
        text: gDead
          ? {
              en: `socket fds in no socket table grew from ${gDead.from} to ${gDead.to} in ${gDead.overS} s${kinds ? `; ${otherText(kinds).en}` : ''}`,
              'zh-cn': `不在任何套接字表中的套接字描述符在 ${gDead.overS} 秒内从 ${gDead.from} 个增加到 ${gDead.to} 个${kinds ? `；${otherText(kinds)['zh-cn']}` : ''}`,
            }
          : {
              en: `${deadNow} socket fd(s) in no socket table${single ? ' (one sample)' : `, in this sample and the one before`}${kinds ? `; ${otherText(kinds).en}` : ''}`,
              'zh-cn': `${deadNow} 个套接字描述符不在任何套接字表中${single ? '（一次采样）' : '（本次和上一次采样均如此）'}${kinds ? `；${otherText(kinds)['zh-cn']}` : ''}`,
            },
      },
      rules: ['conn-not-closed'],
    });
  }

  // 9. UDP / UNIX / raw socket fds growing: conns of other kinds that are never closed.
  const nonTcp = (x: { otherSockets?: OtherSockets }) =>
    x.otherSockets ? x.otherSockets.udp + x.otherSockets.unix + x.otherSockets.raw + x.otherSockets.netlink + x.otherSockets.packet : 0;
  const gOther = latest.otherSockets ? growth(h.samples, nonTcp, o.growthWindowSeconds, o.deadFdGrowth) : undefined;
  if (gOther && latest.otherSockets) {
    out.push({
      id: 'other-socket-fds',
      severity: 'warning',
      title: { en: 'UDP or UNIX socket fds keep growing', 'zh-cn': 'UDP 或 UNIX 套接字描述符持续增长' },
      explanation: {
        en:
          'The program opens UDP, UNIX or raw sockets faster than it closes them. net.Dial("udp", …), net.ListenPacket and ' +
          'net.Dial("unix", …) return conns that hold an fd until Close, like TCP ones: close them on every path.',
        'zh-cn':
          '程序打开 UDP、UNIX 或原始套接字的速度快于关闭的速度。net.Dial("udp", …)、net.ListenPacket 和 net.Dial("unix", …) ' +
          '返回的连接和 TCP 连接一样，在 Close 之前一直占用文件描述符：请在每条路径上关闭它们。',
      },
      evidence: {
        count: gOther.to,
        from: gOther.from,
        to: gOther.to,
        durationS: gOther.overS,
        peers: [],
        localPorts: [],
        keys: [],
        text: {
          en: `non-TCP socket fds grew from ${gOther.from} to ${gOther.to} in ${gOther.overS} s; ${otherText(latest.otherSockets).en}`,
          'zh-cn': `非 TCP 套接字描述符在 ${gOther.overS} 秒内从 ${gOther.from} 个增加到 ${gOther.to} 个；${otherText(latest.otherSockets)['zh-cn']}`,
        },
      },
      rules: ['conn-not-closed'],
    });
  }

  // 7. TIME_WAIT churn on our side: we actively close many short connections.
  const tw = socks.filter((s) => s.state === 'TIME_WAIT');
  if (tw.length >= o.timeWaitMin) {
    const srv = tw.filter(incoming);
    const cli = tw.filter((s) => !incoming(s));
    const nsTw = latest.sockstat?.tw;
    out.push({
      id: 'time-wait-churn',
      severity: 'info',
      title: { en: 'TIME_WAIT churn: many short-lived connections', 'zh-cn': 'TIME_WAIT 频繁：大量短连接' },
      explanation: {
        en:
          'The side that closes first keeps TIME_WAIT for 60 s. ' +
          (cli.length >= srv.length
            ? 'This program dials and closes many connections to the same peers instead of reusing them. For HTTP, an unclosed or undrained ' +
              'Response.Body breaks keep-alive, and http.Transport keeps only 2 idle connections per host by default (MaxIdleConnsPerHost).'
            : 'This server closes connections first (no keep-alive, or handlers that close the conn). Let clients reuse connections, or let them close first.'),
        'zh-cn':
          '先关闭连接的一方会保持 TIME_WAIT 60 秒。' +
          (cli.length >= srv.length
            ? '本程序向相同的对端反复建立并关闭连接，而没有复用。对于 HTTP，未关闭或未读完的 Response.Body 会破坏 keep-alive，' +
              '而 http.Transport 默认每个主机只保留 2 个空闲连接（MaxIdleConnsPerHost）。'
            : '该服务器先关闭连接（未启用 keep-alive，或处理函数主动关闭连接）。请让客户端复用连接，或让客户端先关闭。'),
      },
      evidence: evidence(tw, {
        en: `${tw.length} TIME_WAIT (${srv.length} on listening ports, ${cli.length} to dialed peers)${nsTw !== undefined ? `; ${nsTw} in the whole network namespace` : ''}; peers: ${peersOf(tw).join(', ')}`,
        'zh-cn': `${tw.length} 个 TIME_WAIT（监听端口上 ${srv.length} 个，主动拨号的 ${cli.length} 个）${nsTw !== undefined ? `；整个网络命名空间共 ${nsTw} 个` : ''}；对端：${peersOf(tw).join('、')}`,
      }),
      rules: cli.length >= srv.length ? ['body-not-closed', 'http-client-no-timeout'] : ['http-server-no-timeouts'],
    });
  }

  const rank = { error: 0, warning: 1, info: 2 };
  return out.sort((a, b) => rank[a.severity] - rank[b.severity]);
}
