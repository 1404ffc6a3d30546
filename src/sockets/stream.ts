// The `sockets --watch --json` stream: one JSON object per line. A process's first line is a full snapshot; after it
// each line carries only what changed since the previous sample (sockets opened, closed, or changed in state,
// queues, timer kind or fd), unless every line should be full (--full). A process that exits, or was never there,
// gets a status line with the current time and no counts: the last sample is not repeated as if it were current.
// A restart that was followed gets a restart line, then a full snapshot of the new process.
import { TCP_STATES, type TcpState } from './model';
import type { History, TrackedSocket } from './sampler';

/** A socket as the stream prints it: the socket's fields plus its age, without the per-sample queue histories. */
export interface SocketJson {
  key: string;
  family: 4 | 6;
  state: TcpState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  sendQ: number;
  recvQ: number;
  timer: TrackedSocket['timer'];
  timerMs: number;
  retransmits: number;
  uid?: number;
  inode?: number;
  fd?: number;
  attribution: TrackedSocket['attribution'];
  /** ms since epoch; equal to the process's first sample when the socket was already open then ("seen for") */
  firstSeen: number;
  stateSince: number;
}

export function socketJson(s: TrackedSocket): SocketJson {
  return {
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
    firstSeen: s.firstSeen,
    stateSince: s.stateSince,
  };
}

/** The fields of a changed socket that can change without it becoming another socket. */
export interface SocketChange {
  key: string;
  state: TcpState;
  stateSince: number;
  sendQ: number;
  recvQ: number;
  timer: TrackedSocket['timer'];
  timerMs: number;
  fd?: number;
}

export function nonZeroCounts(c: Record<TcpState, number>): Partial<Record<TcpState, number>> {
  const o: Partial<Record<TcpState, number>> = {};
  for (const s of TCP_STATES) if (c[s]) o[s] = c[s];
  return o;
}

/** Per-sample fields common to snapshot and delta lines. */
function sampleFields(h: History) {
  const latest = h.latest!;
  const last = h.samples.at(-1);
  return {
    pid: h.pid,
    status: h.status,
    time: latest.time,
    counts: last ? nonZeroCounts(last.counts) : undefined,
    total: latest.sockets.length,
    fds: latest.fds,
    otherSocketFds: latest.otherSocketFds,
    otherSockets: latest.otherSockets,
    otherNetns: latest.otherNetns,
    sockstat: latest.sockstat,
    elapsedMs: Math.round(latest.elapsedMs * 10) / 10,
  };
}

export type StreamLine = Record<string, unknown> & { type: 'snapshot' | 'delta' | 'status' | 'restart' };

/**
 * Turns successive states of one History into stream lines. `extra` adds fields to every ok line (guidance,
 * goroutines, process info); it is called once per line.
 */
export class WatchStream {
  /** time of the sample last emitted, and the pid it belonged to */
  private lastTime: number | undefined;
  private lastPid: number | undefined;
  private restartsSeen = 0;
  private statusEmitted: string | undefined;

  constructor(private readonly full = false) {}

  /** Lines for the history's current state (none when nothing new happened since the last call). */
  lines(h: History, extra: () => Record<string, unknown> = () => ({}), now = Date.now()): StreamLine[] {
    const out: StreamLine[] = [];
    const restarts = h.restarts ?? [];
    for (; this.restartsSeen < restarts.length; this.restartsSeen++) {
      const r = restarts[this.restartsSeen];
      out.push({ type: 'restart', time: r.time, fromPid: r.fromPid, toPid: r.toPid });
      this.lastTime = undefined;
      this.statusEmitted = undefined;
    }
    if (h.status !== 'ok' || !h.latest) {
      if (h.status === 'pending') return out;
      const key = `${h.pid}|${h.status}|${h.message ?? ''}`;
      if (this.statusEmitted === key) return out;
      this.statusEmitted = key;
      out.push({
        type: 'status',
        pid: h.pid,
        status: h.status,
        message: h.message,
        owner: h.owner,
        time: now,
        lastSampleTime: h.latest?.time,
      });
      return out;
    }
    this.statusEmitted = undefined;
    const latest = h.latest;
    if (this.lastTime === latest.time && this.lastPid === h.pid) return out;
    const first = this.lastTime === undefined || this.lastPid !== h.pid;
    // a delta is against the previous sample: if one was skipped (not emitted), only a snapshot is correct
    const prevSample = h.samples.at(-2);
    const contiguous = !first && prevSample !== undefined && prevSample.time === this.lastTime;
    this.lastTime = latest.time;
    this.lastPid = h.pid;
    if (this.full || !contiguous) {
      out.push({
        type: 'snapshot',
        ...sampleFields(h),
        since: h.since,
        countsHistory: h.samples.map((s) => ({ time: s.time, counts: nonZeroCounts(s.counts), opened: s.opened, closed: s.closed })),
        sockets: latest.sockets.map(socketJson),
        ...extra(),
      });
      return out;
    }
    const d = h.diff ?? { opened: [], closed: [], changed: [] };
    out.push({
      type: 'delta',
      ...sampleFields(h),
      opened: d.opened.map(socketJson),
      closed: d.closed.map((s) => s.key),
      changed: d.changed.map((s): SocketChange => ({
        key: s.key,
        state: s.state,
        stateSince: s.stateSince,
        sendQ: s.sendQ,
        recvQ: s.recvQ,
        timer: s.timer,
        timerMs: s.timerMs,
        fd: s.fd,
      })),
      ...extra(),
    });
    return out;
  }
}

/**
 * Applies stream lines to a socket table (key -> socket), as a consumer of the stream does. Returns the table after
 * the line; a status line leaves it empty (the process is gone). Used by the tests to prove that deltas rebuild
 * exactly the full snapshots.
 */
export function applyLine(table: Map<string, SocketJson>, line: StreamLine): Map<string, SocketJson> {
  if (line.type === 'snapshot') {
    table.clear();
    for (const s of line.sockets as SocketJson[]) table.set(s.key, s);
  } else if (line.type === 'delta') {
    for (const k of line.closed as string[]) table.delete(k);
    for (const s of line.opened as SocketJson[]) table.set(s.key, s);
    for (const c of line.changed as SocketChange[]) {
      const s = table.get(c.key);
      if (s) table.set(c.key, { ...s, ...c });
    }
  } else if (line.type === 'status' || line.type === 'restart') {
    table.clear();
  }
  return table;
}
