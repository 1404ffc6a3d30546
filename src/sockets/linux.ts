// Linux collector: one process's TCP sockets from /proc/<pid>/fd (socket inodes) joined with
// /proc/<pid>/net/tcp and tcp6 (the process's own network namespace), plus fd usage from
// /proc/<pid>/limits. Sockets without an inode (TIME_WAIT, orphaned FIN_WAIT2, not yet accepted)
// are attributed by the process's listening ports and the 4-tuples and peers it owned before.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync } from 'node:fs';
import { endianness } from 'node:os';
import {
  LINUX_STATES,
  LINUX_TIMERS,
  errorMessage,
  goneResult,
  runningAsRoot,
  socketKey,
  endpoint,
  type Attribution,
  type CollectResult,
  type Collector,
  type FdUsage,
  type OtherSockets,
  type SocketInfo,
} from './model';

const LE = endianness() === 'LE';
/** USER_HZ: /proc/net/tcp timers are in clock ticks of 1/100 s on every Linux architecture we run on. */
const TICK_MS = 10;
/** How long a 4-tuple or peer stays "known" after it was last seen with an fd: TIME_WAIT (60 s) + FIN_WAIT2 (60 s). */
const KNOWN_TTL_MS = 130_000;

// ---------------------------------------------------------------------------------------------
// /proc/net/tcp parsing

export interface RawTcpRow {
  family: 4 | 6;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  st: number;
  txQueue: number;
  rxQueue: number;
  timerKind: number;
  timerTicks: number;
  retransmits: number;
  uid: number;
  inode: number;
}

/**
 * Decides which rows to materialize. `inode` is the decimal inode (0 for timewait/request/unaccepted sockets);
 * ports are parsed before addresses so rejecting a row costs almost nothing.
 */
export type RowFilter = (inode: number, localPort: number, remotePort: number) => boolean;

function hexVal(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return 0;
}

function hexAt(buf: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) v = v * 16 + hexVal(buf[i]);
  return v;
}

function decAt(buf: Buffer, s: number, e: number): number {
  let v = 0;
  for (let i = s; i < e; i++) {
    const c = buf[i];
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  return v;
}

/** `0100007F` (a __be32 printed as a host-order u32) -> bytes in network order. */
function word(buf: Buffer, s: number, out: number[]): void {
  const b0 = hexAt(buf, s, s + 2);
  const b1 = hexAt(buf, s + 2, s + 4);
  const b2 = hexAt(buf, s + 4, s + 6);
  const b3 = hexAt(buf, s + 6, s + 8);
  if (LE) out.push(b3, b2, b1, b0);
  else out.push(b0, b1, b2, b3);
}

/** Parses the hex address of /proc/net/tcp{,6}. IPv4-mapped IPv6 (`::ffff:a.b.c.d`) is returned as IPv4. */
export function decodeAddress(buf: Buffer, s: number, e: number): string {
  const bytes: number[] = [];
  for (let i = s; i + 8 <= e; i += 8) word(buf, i, bytes);
  if (bytes.length === 4) return bytes.join('.');
  return formatIPv6(bytes);
}

export function formatIPv6(bytes: number[]): string {
  // v4-mapped
  if (bytes.slice(0, 10).every((b) => b === 0) && bytes[10] === 0xff && bytes[11] === 0xff) return bytes.slice(12).join('.');
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push((bytes[i] << 8) | bytes[i + 1]);
  // longest run of zero groups (length >= 2) becomes "::"
  let bestStart = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

const tokS = new Int32Array(16);
const tokE = new Int32Array(16);

/**
 * Parses `/proc/<pid>/net/tcp` or `tcp6` content with a hand tokenizer (no regex splitting, ~25% faster at 10k rows).
 * Only rows accepted by `filter` are decoded into objects.
 */
export function parseProcNetTcp(buf: Buffer, family: 4 | 6, filter?: RowFilter, out: RawTcpRow[] = []): RawTcpRow[] {
  const n = buf.length;
  let p = buf.indexOf(10) + 1; // skip the header line
  if (p <= 0) return out;
  while (p < n) {
    let e = buf.indexOf(10, p);
    if (e < 0) e = n;
    let tok = 0;
    let i = p;
    while (i < e && tok <= 9) {
      while (i < e && buf[i] === 32) i++;
      if (i >= e) break;
      const s = i;
      while (i < e && buf[i] !== 32) i++;
      tokS[tok] = s;
      tokE[tok] = i;
      tok++;
    }
    if (tok >= 10) {
      const inode = decAt(buf, tokS[9], tokE[9]);
      const lp = hexAt(buf, tokE[1] - 4, tokE[1]);
      const rp = hexAt(buf, tokE[2] - 4, tokE[2]);
      if (!filter || filter(inode, lp, rp)) {
        // tokens: 0 sl, 1 local, 2 remote, 3 st, 4 tx:rx, 5 tr:when, 6 retrnsmt, 7 uid, 8 timeout, 9 inode
        const q = tokS[4];
        const t = tokS[5];
        out.push({
          family,
          localAddress: decodeAddress(buf, tokS[1], tokE[1] - 5),
          localPort: lp,
          remoteAddress: decodeAddress(buf, tokS[2], tokE[2] - 5),
          remotePort: rp,
          st: hexAt(buf, tokS[3], tokE[3]),
          txQueue: hexAt(buf, q, q + 8),
          rxQueue: hexAt(buf, q + 9, tokE[4]),
          timerKind: hexAt(buf, t, t + 2),
          timerTicks: hexAt(buf, t + 3, tokE[5]),
          retransmits: hexAt(buf, tokS[6], tokE[6]),
          uid: decAt(buf, tokS[7], tokE[7]),
          inode,
        });
      }
    }
    p = e + 1;
  }
  return out;
}

/**
 * The namespace's other socket tables and the column of their inode (0-based, whitespace-separated tokens of a data
 * line; the headers do not line up with the data, so the columns are fixed here and checked by the live tests).
 */
export const OTHER_SOCKET_TABLES: ReadonlyArray<{ file: string; kind: Exclude<keyof OtherSockets, 'unlisted'>; inodeCol: number }> = [
  { file: 'udp', kind: 'udp', inodeCol: 9 },
  { file: 'udp6', kind: 'udp', inodeCol: 9 },
  { file: 'udplite', kind: 'udp', inodeCol: 9 },
  { file: 'udplite6', kind: 'udp', inodeCol: 9 },
  { file: 'unix', kind: 'unix', inodeCol: 6 },
  { file: 'raw', kind: 'raw', inodeCol: 9 },
  { file: 'raw6', kind: 'raw', inodeCol: 9 },
  { file: 'icmp', kind: 'raw', inodeCol: 9 },
  { file: 'icmp6', kind: 'raw', inodeCol: 9 },
  { file: 'netlink', kind: 'netlink', inodeCol: 9 },
  { file: 'packet', kind: 'packet', inodeCol: 8 },
];

/** Inodes of `wanted` that appear in the inode column of a /proc/net socket table (header line skipped). */
export function inodesInTable(buf: Buffer, inodeCol: number, wanted: ReadonlySet<number>): number[] {
  const out: number[] = [];
  const n = buf.length;
  let p = buf.indexOf(10) + 1;
  if (p <= 0) return out;
  while (p < n) {
    let e = buf.indexOf(10, p);
    if (e < 0) e = n;
    let tok = 0;
    let i = p;
    while (i < e) {
      while (i < e && buf[i] === 32) i++;
      if (i >= e) break;
      const st = i;
      while (i < e && buf[i] !== 32) i++;
      if (tok === inodeCol) {
        const ino = decAt(buf, st, i);
        if (wanted.has(ino)) out.push(ino);
        break;
      }
      tok++;
    }
    p = e + 1;
  }
  return out;
}

/** `Max open files  1024  524288  files` -> {soft, hard}; "unlimited" -> undefined. */
export function parseLimits(text: string): { soft?: number; hard?: number } {
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(text);
  if (!m) return {};
  const num = (s: string) => (/^\d+$/.test(s) ? Number(s) : undefined);
  return { soft: num(m[1]), hard: num(m[2]) };
}

/** `TCP: inuse 14 orphan 0 tw 32 alloc 14 mem 46` */
export function parseSockstat(text: string): { inuse: number; orphan: number; tw: number; alloc: number } | undefined {
  const m = /^TCP:\s+inuse (\d+) orphan (\d+) tw (\d+) alloc (\d+)/m.exec(text);
  if (!m) return undefined;
  return { inuse: Number(m[1]), orphan: Number(m[2]), tw: Number(m[3]), alloc: Number(m[4]) };
}

// ---------------------------------------------------------------------------------------------
// reading /proc

let readBuf = Buffer.allocUnsafe(1 << 20);

/** Reads a /proc file with few, large read() calls (seq_file restarts its walk on every call). */
export function readProcFile(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    let len = 0;
    for (;;) {
      if (readBuf.length - len < 1 << 18) {
        const bigger = Buffer.allocUnsafe(readBuf.length * 2);
        readBuf.copy(bigger, 0, 0, len);
        readBuf = bigger;
      }
      const r = readSync(fd, readBuf, len, readBuf.length - len, null);
      if (r <= 0) break;
      len += r;
    }
    return Buffer.from(readBuf.subarray(0, len));
  } finally {
    closeSync(fd);
  }
}

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

export function userName(uid: number): string | undefined {
  try {
    for (const line of readFileSync('/etc/passwd', 'utf8').split('\n')) {
      const f = line.split(':');
      if (f.length > 2 && Number(f[2]) === uid) return f[0];
    }
  } catch {
    /* no passwd */
  }
  return undefined;
}

function ownerOf(pid: number, root: string): string | undefined {
  try {
    const uid = statSync(`${root}/${pid}`).uid;
    const name = userName(uid);
    return name ? `${name} (uid ${uid})` : `uid ${uid}`;
  } catch {
    return undefined;
  }
}

/** Process state letter from /proc/<pid>/stat (after the `(comm)` field), e.g. 'S', 'Z'. */
export function procState(pid: number, root = '/proc'): string | undefined {
  try {
    const s = readFileSync(`${root}/${pid}/stat`, 'latin1');
    return s.slice(s.lastIndexOf(')') + 2, s.lastIndexOf(')') + 3);
  } catch {
    return undefined;
  }
}

class ProcessGone extends Error {}
class NotPermitted extends Error {}

function classify(e: unknown, what: string): never {
  const c = code(e);
  if (c === 'ENOENT' || c === 'ESRCH') throw new ProcessGone(what);
  if (c === 'EACCES' || c === 'EPERM') throw new NotPermitted(what);
  throw e;
}

// ---------------------------------------------------------------------------------------------
// the collector

export interface LinuxCollectorOptions {
  /** root of procfs (tests only) */
  procRoot?: string;
  /** skip namespace-wide counters and limits (bench of the pure socket path) */
  socketsOnly?: boolean;
  /** cache fd -> socket inode between samples (default true) */
  fdCache?: boolean;
  /** with the cache, re-read every fd link every N samples (default 10) */
  fullScanEvery?: number;
}

/**
 * Stateful per-pid collector. Keep one instance per process: it remembers the listening ports, owned 4-tuples
 * and dialed peers that attribute inode-less sockets.
 */
export class LinuxCollector implements Collector {
  private listenPorts = new Set<number>();
  private knownTuples = new Map<string, number>();
  private knownPeers = new Map<string, number>();
  private fdCache = new Map<string, number>();
  private sampleNo = 0;
  private readonly root: string;
  /** the process was readable at least once: a later ENOENT means "exited", before that "no such process" */
  private seen = false;
  /** socket inode -> the non-TCP table it was found in (a socket never changes its kind) */
  private otherKinds = new Map<number, Exclude<keyof OtherSockets, 'unlisted'>>();
  /** unresolved inodes at the last table lookup, and when it was (sample number) */
  private unlistedKey = '';
  private unlistedAt = -Infinity;

  constructor(
    readonly pid: number,
    private readonly opts: LinuxCollectorOptions = {},
  ) {
    this.root = opts.procRoot ?? '/proc';
  }

  async collect(): Promise<CollectResult> {
    return this.collectSync();
  }

  /** Synchronous: run it in a worker thread (src/sockets/worker.ts) or accept a short block. */
  collectSync(): CollectResult {
    const t0 = performance.now();
    const pid = this.pid;
    const base = `${this.root}/${pid}`;
    try {
      const st = procState(pid, this.root);
      if (st === undefined || st === 'Z' || st === 'X') throw new ProcessGone(st ? 'zombie' : 'stat');
      // 1. fd table: socket inode -> fd
      let names: string[];
      try {
        names = readdirSync(`${base}/fd`);
      } catch (e) {
        classify(e, 'fd');
      }
      // readlink is the most expensive step at 10k fds, so socket fds are cached (fd -> inode) between samples and
      // only new fds are read. A cached fd whose inode is no longer in the TCP tables is read again below (it
      // was closed and its number reused), and every `fullScanEvery` samples everything is read again.
      const full = this.opts.fdCache === false || this.sampleNo % (this.opts.fullScanEvery ?? 10) === 0;
      this.sampleNo++;
      const cache = new Map<string, number>();
      const fdByInode = new Map<number, number>();
      const cachedUsed: string[] = [];
      const readFd = (name: string): number | undefined => {
        let l: string;
        try {
          l = readlinkSync(`${base}/fd/${name}`);
        } catch (e) {
          if (code(e) === 'ENOENT') return undefined; // closed meanwhile
          classify(e, 'fd');
        }
        return l.charCodeAt(0) === 115 /* s */ && l.startsWith('socket:[') ? Number(l.slice(8, -1)) : 0;
      };
      for (const name of names) {
        let ino = full ? undefined : this.fdCache.get(name);
        if (ino === undefined) ino = readFd(name);
        else cachedUsed.push(name);
        if (ino) {
          cache.set(name, ino);
          fdByInode.set(ino, Number(name));
        }
      }
      // 2. TCP tables of the process's namespace
      const now = Date.now();
      const listen = this.listenPorts;
      const filter: RowFilter = (inode, lp, rp) => {
        if (inode !== 0) return fdByInode.has(inode);
        return listen.has(lp) || this.mayBeKnown(lp, rp);
      };
      const rows: RawTcpRow[] = [];
      let tcp: Buffer, tcp6: Buffer | undefined;
      try {
        tcp = readProcFile(`${base}/net/tcp`);
      } catch (e) {
        classify(e, 'net/tcp');
      }
      try {
        tcp6 = readProcFile(`${base}/net/tcp6`);
      } catch (e) {
        if (code(e) !== 'ENOENT')
          classify(e, 'net/tcp6'); // no IPv6 in the kernel: fine
        else if (procState(pid, this.root) === undefined) throw new ProcessGone('net/tcp6');
      }
      parseProcNetTcp(tcp, 4, filter, rows);
      if (tcp6) parseProcNetTcp(tcp6, 6, filter, rows);
      // inode-less rows were filtered with the listening ports of the previous sample; when a listener is new
      // (first sample, or the program opened one) parse again with the current set
      const fresh = rows.filter((r) => r.inode !== 0 && r.st === 0x0a && !listen.has(r.localPort));
      if (fresh.length) {
        for (const r of fresh) listen.add(r.localPort);
        rows.length = 0;
        parseProcNetTcp(tcp, 4, filter, rows);
        if (tcp6) parseProcNetTcp(tcp6, 6, filter, rows);
      }
      // verify cached fds: an inode missing from the tables means the fd may now be another socket
      if (cachedUsed.length) {
        const found = new Set<number>();
        for (const r of rows) if (r.inode) found.add(r.inode);
        let changed = false;
        for (const name of cachedUsed) {
          const old = cache.get(name)!;
          if (found.has(old)) continue;
          const ino = readFd(name);
          if (ino === old) continue; // a UDP/UNIX socket or one the kernel closed: same fd, same inode
          changed = true;
          fdByInode.delete(old);
          cache.delete(name);
          if (ino) {
            cache.set(name, ino);
            fdByInode.set(ino, Number(name));
          }
        }
        if (changed) {
          rows.length = 0;
          parseProcNetTcp(tcp, 4, filter, rows);
          if (tcp6) parseProcNetTcp(tcp6, 6, filter, rows);
        }
      }
      this.fdCache = cache;
      // 3. join and attribute
      const sockets = this.attribute(rows, fdByInode, now);
      const seenInodes = new Set<number>();
      for (const s of sockets) if (s.inode) seenInodes.add(s.inode);
      const otherSocketFds = fdByInode.size - seenInodes.size;
      let otherSockets: OtherSockets | undefined;
      if (otherSocketFds > 0 && !this.opts.socketsOnly) {
        const others: number[] = [];
        for (const ino of fdByInode.keys()) if (!seenInodes.has(ino)) others.push(ino);
        otherSockets = this.classifyOthers(base, others);
      }

      let fds: FdUsage | undefined;
      let sockstat;
      let otherNetns: boolean | undefined;
      const notes: string[] = [];
      if (!this.opts.socketsOnly) {
        fds = { open: names.length };
        try {
          const lim = parseLimits(readFileSync(`${base}/limits`, 'latin1'));
          fds.softLimit = lim.soft;
          fds.hardLimit = lim.hard;
        } catch {
          notes.push('limits unreadable');
        }
        try {
          sockstat = parseSockstat(readFileSync(`${base}/net/sockstat`, 'latin1'));
        } catch {
          /* optional */
        }
        try {
          otherNetns = readlinkSync(`${base}/ns/net`) !== readlinkSync(`${this.root}/self/ns/net`);
        } catch {
          /* needs ptrace access; optional */
        }
      }
      this.seen = true;
      return {
        kind: 'ok',
        snapshot: {
          pid,
          time: now,
          platform: 'linux',
          sockets,
          fds,
          otherSocketFds,
          otherSockets,
          otherNetns,
          sockstat,
          elapsedMs: performance.now() - t0,
          notes: notes.length ? notes : undefined,
        },
      };
    } catch (e) {
      if (e instanceof ProcessGone || (code(e) === 'ESRCH' && procState(pid, this.root) === undefined)) {
        return goneResult(pid, this.seen);
      }
      if (e instanceof NotPermitted) {
        if (procState(pid, this.root) === undefined) return goneResult(pid, this.seen);
        const owner = ownerOf(pid, this.root);
        // root is refused only without CAP_SYS_PTRACE (a container that drops it) or across user namespaces:
        // "run as that user" would be wrong advice there
        const hint = runningAsRoot()
          ? "even as root: reading another process's fds needs CAP_SYS_PTRACE, which this container or security policy withholds, or the process is in another user namespace"
          : 'run as that user, or with sudo / CAP_SYS_PTRACE';
        return {
          kind: 'denied',
          pid,
          owner,
          message: `not permitted to read the sockets of process ${pid}${owner ? ` (owned by ${owner})` : ''}: ${hint}`,
        };
      }
      return { kind: 'error', pid, message: `process ${pid}: ${errorMessage(e)}` };
    }
  }

  /**
   * Which tables the non-TCP socket fds are in. Kinds are cached per inode; the tables are read again only when the
   * set of unresolved inodes changed, or every `fullScanEvery` samples (a socket may enter a table later: bound,
   * connected).
   */
  private classifyOthers(base: string, inodes: number[]): OtherSockets {
    const res: OtherSockets = { udp: 0, unix: 0, raw: 0, netlink: 0, packet: 0, unlisted: 0 };
    const live = new Set(inodes);
    for (const ino of this.otherKinds.keys()) if (!live.has(ino)) this.otherKinds.delete(ino);
    const unresolved = inodes.filter((i) => !this.otherKinds.has(i)).sort((a, b) => a - b);
    const key = unresolved.join(',');
    if (unresolved.length && (key !== this.unlistedKey || this.sampleNo - this.unlistedAt >= (this.opts.fullScanEvery ?? 10))) {
      this.unlistedAt = this.sampleNo;
      const wanted = new Set(unresolved);
      for (const t of OTHER_SOCKET_TABLES) {
        if (!wanted.size) break;
        let buf: Buffer;
        try {
          buf = readProcFile(`${base}/net/${t.file}`);
        } catch {
          continue; // protocol not in this kernel
        }
        for (const ino of inodesInTable(buf, t.inodeCol, wanted)) {
          this.otherKinds.set(ino, t.kind);
          wanted.delete(ino);
        }
      }
      this.unlistedKey = [...wanted].join(',');
    }
    for (const ino of inodes) res[this.otherKinds.get(ino) ?? 'unlisted']++;
    return res;
  }

  private mayBeKnown(lp: number, rp: number): boolean {
    // cheap pre-check on ports; the exact tuple/peer check happens in attribute()
    return this.knownPorts.has(lp) || this.knownPorts.has(rp);
  }

  private knownPorts = new Set<number>();

  private attribute(rows: RawTcpRow[], fdByInode: Map<number, number>, now: number): SocketInfo[] {
    const out: SocketInfo[] = [];
    const newListen = new Set<number>();
    for (const r of rows) if (r.inode !== 0 && r.st === 0x0a) newListen.add(r.localPort);
    for (const r of rows) {
      const key = socketKey(r.localAddress, r.localPort, r.remoteAddress, r.remotePort);
      let attribution: Attribution;
      if (r.inode !== 0) attribution = 'fd';
      else if (newListen.has(r.localPort) || this.listenPorts.has(r.localPort)) attribution = 'listen-port';
      else if (this.knownTuples.has(key)) attribution = 'known-tuple';
      else if (this.knownPeers.has(endpoint(r.remoteAddress, r.remotePort))) attribution = 'known-peer';
      else continue;
      const timer = LINUX_TIMERS[r.timerKind] ?? 'none';
      out.push({
        key,
        family: r.family,
        state: LINUX_STATES[r.st] ?? 'UNKNOWN',
        localAddress: r.localAddress,
        localPort: r.localPort,
        remoteAddress: r.remoteAddress,
        remotePort: r.remotePort,
        sendQ: r.txQueue,
        recvQ: r.rxQueue,
        timer,
        timerMs: timer === 'none' ? 0 : r.timerTicks * TICK_MS,
        retransmits: r.retransmits,
        uid: r.uid,
        inode: r.inode || undefined,
        fd: r.inode ? fdByInode.get(r.inode) : undefined,
        attribution,
      });
    }
    // remember what we own for the next samples
    this.listenPorts = newListen;
    for (const s of out) {
      if (s.attribution !== 'fd' || s.state === 'LISTEN') continue;
      this.knownTuples.set(s.key, now);
      if (!newListen.has(s.localPort)) this.knownPeers.set(endpoint(s.remoteAddress, s.remotePort), now);
    }
    const ports = new Set<number>();
    for (const [k, t] of this.knownTuples) {
      if (now - t > KNOWN_TTL_MS) this.knownTuples.delete(k);
      else ports.add(portOfKey(k, 0));
    }
    for (const [k, t] of this.knownPeers) {
      if (now - t > KNOWN_TTL_MS) this.knownPeers.delete(k);
      else ports.add(Number(k.slice(k.lastIndexOf(':') + 1)));
    }
    this.knownPorts = ports;
    return out;
  }
}

/** Local (0) or remote (1) port of a socket key. */
function portOfKey(key: string, which: 0 | 1): number {
  const [l, r] = key.split('->');
  const ep = which === 0 ? l : r;
  return Number(ep.slice(ep.lastIndexOf(':') + 1));
}
