// Shared types of the live socket engine. Pure data: no I/O, no 'vscode'.

export type TcpState =
  | 'ESTABLISHED'
  | 'SYN_SENT'
  | 'SYN_RECV'
  | 'FIN_WAIT1'
  | 'FIN_WAIT2'
  | 'TIME_WAIT'
  | 'CLOSE'
  | 'CLOSE_WAIT'
  | 'LAST_ACK'
  | 'LISTEN'
  | 'CLOSING'
  | 'NEW_SYN_RECV'
  | 'UNKNOWN';

export const TCP_STATES: readonly TcpState[] = [
  'ESTABLISHED',
  'SYN_SENT',
  'SYN_RECV',
  'FIN_WAIT1',
  'FIN_WAIT2',
  'TIME_WAIT',
  'CLOSE',
  'CLOSE_WAIT',
  'LAST_ACK',
  'LISTEN',
  'CLOSING',
  'NEW_SYN_RECV',
  'UNKNOWN',
];

/** Linux `st` column (hex) -> state. */
export const LINUX_STATES: Record<number, TcpState> = {
  0x01: 'ESTABLISHED',
  0x02: 'SYN_SENT',
  0x03: 'SYN_RECV',
  0x04: 'FIN_WAIT1',
  0x05: 'FIN_WAIT2',
  0x06: 'TIME_WAIT',
  0x07: 'CLOSE',
  0x08: 'CLOSE_WAIT',
  0x09: 'LAST_ACK',
  0x0a: 'LISTEN',
  0x0b: 'CLOSING',
  0x0c: 'NEW_SYN_RECV',
};

/** Timer kinds of the `tr` column of /proc/net/tcp. */
export type TimerKind = 'none' | 'retransmit' | 'keepalive' | 'timewait' | 'probe';
export const LINUX_TIMERS: TimerKind[] = ['none', 'retransmit', 'keepalive', 'timewait', 'probe'];

/**
 * How a socket was tied to the process:
 * - `fd`: the process holds an fd on the socket inode (certain);
 * - `listen-port`: no inode (TIME_WAIT, orphaned FIN_WAIT2, not-yet-accepted); the local port is one of the
 *   process's listening ports;
 * - `known-tuple`: no inode; the same 4-tuple was owned by the process in an earlier sample;
 * - `known-peer`: no inode; the remote address:port is one the process dialed in an earlier sample.
 * Everything but `fd` is "attributed by port" (heuristic).
 */
export type Attribution = 'fd' | 'listen-port' | 'known-tuple' | 'known-peer';

export interface SocketInfo {
  /** Stable key: `<local>-><remote>` (addresses normalized, v4-mapped v6 shown as v4). */
  key: string;
  family: 4 | 6;
  state: TcpState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  /** Bytes not yet acknowledged by the peer (Send-Q). For LISTEN: 0 (Linux) or max backlog (ss). */
  sendQ: number;
  /** Bytes received but not read by the program (Recv-Q). For LISTEN: current accept-queue length. */
  recvQ: number;
  timer: TimerKind;
  /** Milliseconds until the timer fires (0 when no timer). */
  timerMs: number;
  retransmits: number;
  uid?: number;
  inode?: number;
  fd?: number;
  attribution: Attribution;
}

export interface FdUsage {
  open: number;
  softLimit?: number;
  hardLimit?: number;
}

export interface Snapshot {
  pid: number;
  /** ms since epoch when the sample was taken */
  time: number;
  platform: NodeJS.Platform;
  sockets: SocketInfo[];
  fds?: FdUsage;
  /** socket fds whose inode is in no TCP table (UDP, UNIX, already closed by the kernel): fd leaks too */
  otherSocketFds?: number;
  /** what those other socket fds are (Linux: looked up in the namespace's other socket tables) */
  otherSockets?: OtherSockets;
  /** true when the process lives in another network namespace than the reader */
  otherNetns?: boolean;
  /** namespace-wide counters from /proc/<pid>/net/sockstat */
  sockstat?: { inuse: number; orphan: number; tw: number; alloc: number };
  /** ms the collection took */
  elapsedMs: number;
  /** short notes about what could not be read (e.g. limits unreadable) */
  notes?: string[];
}

/**
 * Socket fds of the process that are not TCP sockets in its TCP tables, by the table their inode was found in.
 * `unlisted` are in no table at all: TCP sockets whose connection the kernel already ended (reset, keep-alive or
 * retransmission timeout: the socket is in state CLOSE and out of every table while the program still holds the
 * fd), sockets created but not yet connected or bound, or sockets of another network namespace.
 */
export interface OtherSockets {
  udp: number;
  unix: number;
  raw: number;
  netlink: number;
  packet: number;
  unlisted: number;
}

export type CollectResult =
  | { kind: 'ok'; snapshot: Snapshot }
  /** the process was seen by this collector and is gone now */
  | { kind: 'exited'; pid: number; message: string }
  /** no such process: it was never seen by this collector (a mistyped PID, or it exited before the first sample) */
  | { kind: 'missing'; pid: number; message: string }
  /** no collector for this platform */
  | { kind: 'unsupported'; pid: number; platform: string; message: string }
  | { kind: 'denied'; pid: number; owner?: string; message: string }
  | { kind: 'error'; pid: number; message: string };

export interface Collector {
  readonly pid: number;
  collect(): Promise<CollectResult>;
  dispose?(): void;
}

export function emptyCounts(): Record<TcpState, number> {
  const c = {} as Record<TcpState, number>;
  for (const s of TCP_STATES) c[s] = 0;
  return c;
}

export function countStates(sockets: readonly SocketInfo[]): Record<TcpState, number> {
  const c = emptyCounts();
  for (const s of sockets) c[s.state]++;
  return c;
}

export function endpoint(address: string, port: number): string {
  return address.includes(':') ? `[${address}]:${port}` : `${address}:${port}`;
}

export function socketKey(la: string, lp: number, ra: string, rp: number): string {
  return `${endpoint(la, lp)}->${endpoint(ra, rp)}`;
}

/** Wildcard or loopback listener address? */
export function isWildcard(addr: string): boolean {
  return addr === '0.0.0.0' || addr === '::' || addr === '*';
}

export function isLoopback(addr: string): boolean {
  return addr === '::1' || addr.startsWith('127.') || addr === 'localhost';
}

/** Bilingual text: every string shown to users by the engine has English and Simplified Chinese. */
export interface Text {
  en: string;
  'zh-cn': string;
}

export function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The result for a process that is not there: "exited" when this collector saw it before, else "no such process". */
export function goneResult(pid: number, seenBefore: boolean): CollectResult {
  return seenBefore
    ? { kind: 'exited', pid, message: `process ${pid} exited` }
    : { kind: 'missing', pid, message: `no such process: ${pid}` };
}

/** True when this process runs as root (Unix); root needs other advice than "run as that user". */
export function runningAsRoot(): boolean {
  return process.getuid?.() === 0;
}
