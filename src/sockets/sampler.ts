// Periodic sampling of one process: bounded history (state counts per sample + the latest full socket list),
// per-socket age (first seen) and time in the current state, and the diff against the previous sample.
import { countStates, type Collector, type CollectResult, type FdUsage, type SocketInfo, type Snapshot, type TcpState } from './model';

export interface TrackedSocket extends SocketInfo {
  /** ms since epoch when the socket was first seen (by key; a new inode on the same key is a new socket) */
  firstSeen: number;
  /** ms since epoch when the socket was first seen in its current state */
  stateSince: number;
  /** Send-Q of the last samples, oldest first (at most SENDQ_HISTORY) */
  sendQHistory: number[];
  /** Recv-Q of the last samples (LISTEN: accept-queue length), oldest first */
  recvQHistory: number[];
}

export interface SampleSummary {
  time: number;
  counts: Record<TcpState, number>;
  total: number;
  /** sockets attributed heuristically (no inode) */
  byPort: number;
  fds?: FdUsage;
  sendQTotal: number;
  /** sum of the accept queues of the LISTEN sockets */
  acceptQueue: number;
  opened: number;
  closed: number;
  sockstat?: Snapshot['sockstat'];
  otherSocketFds?: number;
  otherSockets?: Snapshot['otherSockets'];
  elapsedMs: number;
}

export interface History {
  pid: number;
  status: CollectResult['kind'] | 'pending';
  message?: string;
  owner?: string;
  startedAt: number;
  /**
   * Time of the first good sample of the current process. Sockets already open then have `firstSeen`/`stateSince`
   * equal to it: their real age is unknown, so it is shown as "seen for".
   */
  since?: number;
  /** the program was restarted and sampling followed it (new pid, same program); samples before stay */
  restarts?: Array<{ time: number; fromPid: number; toPid: number }>;
  samples: SampleSummary[];
  latest?: Omit<Snapshot, 'sockets'> & { sockets: TrackedSocket[] };
  /**
   * Since the previous sample: sockets opened and closed, and sockets that changed state, queues, timer kind or fd
   * (a timer's countdown alone is not a change). Empty after the first sample of a process.
   */
  diff?: { opened: TrackedSocket[]; closed: TrackedSocket[]; changed: TrackedSocket[] };
}

export interface SamplerOptions {
  /** ms between samples (default 1000) */
  intervalMs?: number;
  /** number of sample summaries kept (default 600 = 10 min at 1 s) */
  historySize?: number;
  /** back off like VS Code's port finder: wait at least `backoffFactor` × the average collection time (default 20) */
  backoffFactor?: number;
  /** delay of the second sample of a process, which confirms what the first showed (default 500) */
  confirmMs?: number;
}

const SENDQ_HISTORY = 10;

/** A copy of `h` with `v` appended, at most SENDQ_HISTORY long. */
function appendBounded(h: number[] | undefined, v: number): number[] {
  if (!h) return [v];
  const out = h.length >= SENDQ_HISTORY ? h.slice(h.length - SENDQ_HISTORY + 1) : h.slice();
  out.push(v);
  return out;
}

type Listener = (h: History) => void;

/** Pure history update, usable without timers (tests, CLI one-shot). */
export function newHistory(pid: number, now = Date.now()): History {
  return { pid, status: 'pending', startedAt: now, samples: [] };
}

/** Sampling will not succeed again for this pid: exited, no such process, not permitted, unsupported platform. */
export function isFinal(status: History['status']): boolean {
  return status === 'exited' || status === 'missing' || status === 'denied' || status === 'unsupported';
}

/**
 * Follows a restart of the same program: the history goes on with `pid` (the chart keeps its past), the next sample
 * counts as a first sample (its sockets are not "opened", ages start again), and the restart is recorded.
 */
export function retargetHistory(h: History, pid: number, now = Date.now()): History {
  if (pid === h.pid) return h;
  (h.restarts ??= []).push({ time: now, fromPid: h.pid, toPid: pid });
  h.pid = pid;
  h.latest = undefined;
  h.diff = undefined;
  h.since = undefined;
  h.status = 'pending';
  h.message = undefined;
  h.owner = undefined;
  return h;
}

export function applyResult(h: History, r: CollectResult, historySize = 600): History {
  if (r.kind !== 'ok') {
    h.status = r.kind;
    h.message = r.message;
    h.owner = r.kind === 'denied' ? r.owner : undefined;
    return h;
  }
  const snap = r.snapshot;
  const prev = new Map<string, TrackedSocket>();
  for (const s of h.latest?.sockets ?? []) prev.set(s.key, s);
  const opened: TrackedSocket[] = [];
  const changed: TrackedSocket[] = [];
  const tracked: TrackedSocket[] = [];
  const seen = new Set<string>();
  for (const s of snap.sockets) {
    if (seen.has(s.key)) continue; // a dup'ed fd on the same socket, or the same tuple in tcp and tcp6
    seen.add(s.key);
    const p = prev.get(s.key);
    const same = p && !(p.inode && s.inode && p.inode !== s.inode);
    // an explicit literal: `{ ...s, more }` falls off V8's fast clone path (about 150× slower at 10k sockets)
    const t: TrackedSocket = {
      key: s.key,
      family: s.family,
      state: s.state,
      localAddress: s.localAddress,
      localPort: s.localPort,
      remoteAddress: s.remoteAddress,
      remotePort: s.remotePort,
      sendQ: s.sendQ,
      recvQ: s.recvQ,
      timer: s.timer,
      timerMs: s.timerMs,
      retransmits: s.retransmits,
      uid: s.uid,
      inode: s.inode,
      fd: s.fd,
      attribution: s.attribution,
      firstSeen: same ? p.firstSeen : snap.time,
      stateSince: same && p.state === s.state ? p.stateSince : snap.time,
      sendQHistory: appendBounded(same ? p.sendQHistory : undefined, s.sendQ),
      recvQHistory: appendBounded(same ? p.recvQHistory : undefined, s.recvQ),
    };
    if (!same) opened.push(t);
    else if (p.state !== s.state || p.sendQ !== s.sendQ || p.recvQ !== s.recvQ || p.timer !== s.timer || p.fd !== s.fd) changed.push(t);
    tracked.push(t);
  }
  const closed: TrackedSocket[] = [];
  for (const [k, p] of prev) if (!seen.has(k)) closed.push(p);
  // only count as "opened" what appeared after the first sample
  const first = !h.latest;
  if (first) h.since = snap.time;
  h.latest = { ...snap, sockets: tracked };
  h.diff = { opened: first ? [] : opened, closed, changed };
  h.status = 'ok';
  h.message = undefined;
  let sendQTotal = 0;
  let acceptQueue = 0;
  let byPort = 0;
  for (const s of tracked) {
    if (s.state === 'LISTEN') acceptQueue += s.recvQ;
    else sendQTotal += s.sendQ;
    if (s.attribution !== 'fd') byPort++;
  }
  h.samples.push({
    time: snap.time,
    counts: countStates(tracked),
    total: tracked.length,
    byPort,
    fds: snap.fds,
    sendQTotal,
    acceptQueue,
    opened: h.diff.opened.length,
    closed: closed.length,
    sockstat: snap.sockstat,
    otherSocketFds: snap.otherSocketFds,
    otherSockets: snap.otherSockets,
    elapsedMs: snap.elapsedMs,
  });
  if (h.samples.length > historySize) h.samples.splice(0, h.samples.length - historySize);
  return h;
}

/**
 * Samples a collector at a fixed interval without blocking the caller: the collection runs in a worker thread
 * (WorkerCollector) or in small async steps, and the next sample is only scheduled after the previous finished.
 * The second sample of a process comes after `confirmMs` instead of the full interval, so that what the first
 * sample showed (a CLOSE_WAIT pile) is confirmed or dropped within a moment.
 */
export class Sampler {
  readonly history: History;
  private timer: NodeJS.Timeout | undefined;
  private tick: (() => Promise<void>) | undefined;
  private running = false;
  private inFlight: Promise<History> | undefined;
  private listeners = new Set<Listener>();
  private intervalMs: number;
  private readonly historySize: number;
  private readonly backoffFactor: number;
  private readonly confirmMs: number;
  private current: Collector;

  constructor(collector: Collector, opts: SamplerOptions = {}) {
    this.current = collector;
    this.intervalMs = opts.intervalMs ?? 1000;
    this.historySize = opts.historySize ?? 600;
    this.backoffFactor = opts.backoffFactor ?? 20;
    this.confirmMs = opts.confirmMs ?? 500;
    this.history = newHistory(collector.pid);
  }

  get collector(): Collector {
    return this.current;
  }

  get interval(): number {
    return this.intervalMs;
  }

  onSample(cb: Listener): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }

  /** Takes one sample now (or joins the one in flight). */
  sampleNow(): Promise<History> {
    if (this.inFlight) return this.inFlight;
    const collector = this.current;
    this.inFlight = (async () => {
      let r: CollectResult;
      try {
        r = await collector.collect();
      } catch (e) {
        r = { kind: 'error', pid: collector.pid, message: (e as Error).message };
      }
      // a retarget while this sample was in flight: the result belongs to the old process
      if (collector === this.current) applyResult(this.history, r, this.historySize);
      for (const l of this.listeners) {
        try {
          l(this.history);
        } catch {
          /* a listener's bug must not stop sampling */
        }
      }
      return this.history;
    })().finally(() => {
      this.inFlight = undefined;
    });
    return this.inFlight;
  }

  get isRunning(): boolean {
    return this.running;
  }

  start(): void {
    if (this.running) return;
    this.running = true;
    const tick = async () => {
      this.timer = undefined;
      if (!this.running) return;
      const h = await this.sampleNow();
      if (!this.running || this.timer) return;
      if (isFinal(h.status)) {
        this.running = false;
        return;
      }
      this.timer = setTimeout(tick, this.nextDelay());
    };
    this.tick = tick;
    void tick();
  }

  stop(): void {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }

  /** Changes the interval; a running sampler applies it to the next wait at once. */
  setInterval(ms: number): void {
    this.intervalMs = ms;
    if (this.running && this.timer && this.tick) {
      clearTimeout(this.timer);
      this.timer = setTimeout(this.tick, this.nextDelay());
    }
  }

  /**
   * Samples another process from now on (a restart of the same program), keeping the history's past samples.
   * The old collector is disposed.
   */
  retarget(collector: Collector, now = Date.now()): void {
    const old = this.current;
    this.current = collector;
    retargetHistory(this.history, collector.pid, now);
    if (old !== collector) old.dispose?.();
  }

  dispose(): void {
    this.stop();
    this.listeners.clear();
    this.current.dispose?.();
  }

  /**
   * interval, stretched when collecting is expensive (max(interval, factor × average collection time)); the second
   * sample of a process comes after `confirmMs`.
   */
  nextDelay(): number {
    const h = this.history;
    const recent = h.samples.slice(-5);
    const base = h.since !== undefined && h.latest?.time === h.since ? Math.min(this.intervalMs, this.confirmMs) : this.intervalMs;
    if (!recent.length) return base;
    const avg = recent.reduce((a, s) => a + s.elapsedMs, 0) / recent.length;
    return Math.max(base, Math.round(avg * this.backoffFactor));
  }
}
