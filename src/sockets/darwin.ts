// macOS collector: `lsof -nP -a -p PID -iTCP -F pcfntPT` field output (one field per line, first character is
// the field id). lsof cannot see TIME_WAIT (no fd), so those are absent on macOS. Spawned without a shell,
// bounded in time.
import { execFile } from 'node:child_process';
import { splitHostPort } from './attribution';
import { goneResult, runningAsRoot, socketKey, type CollectResult, type Collector, type SocketInfo, type TcpState } from './model';

/** lsof's state names on macOS (FIN_WAIT_2, SYN_RECEIVED) and on Linux (FIN_WAIT2, SYN_RECV). */
const LSOF_STATES: Record<string, TcpState> = {
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECV: 'SYN_RECV',
  SYN_RECEIVED: 'SYN_RECV',
  FIN_WAIT1: 'FIN_WAIT1',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT2: 'FIN_WAIT2',
  FIN_WAIT_2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE: 'CLOSE',
  CLOSED: 'CLOSE',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  LISTEN: 'LISTEN',
  CLOSING: 'CLOSING',
};

export function lsofState(s: string | undefined): TcpState {
  return (s && LSOF_STATES[s.toUpperCase()]) || 'UNKNOWN';
}

/** Parses `lsof -F` output (newline- or NUL-terminated fields) into the TCP sockets of `pid`. */
export function parseLsofF(text: string, pid?: number): SocketInfo[] {
  const out: SocketInfo[] = [];
  let curPid: number | undefined;
  let f: { fd?: number; type?: string; proto?: string; name?: string; T: Record<string, string> } | undefined;
  const flush = () => {
    if (!f || !f.name || (f.proto && f.proto !== 'TCP') || (pid !== undefined && curPid !== pid)) return;
    const [l, r] = f.name.split('->');
    const la = splitHostPort(l);
    const ra = r ? splitHostPort(r) : { address: la.address.includes(':') ? '::' : '0.0.0.0', port: 0 };
    const state = lsofState(f.T.ST ?? (r ? undefined : 'LISTEN'));
    out.push({
      key: socketKey(la.address, la.port, ra.address, ra.port),
      family: f.type === 'IPv6' && la.address.includes(':') ? 6 : 4,
      state,
      localAddress: la.address,
      localPort: la.port,
      remoteAddress: ra.address,
      remotePort: ra.port,
      sendQ: Number(f.T.QS ?? 0) || 0,
      recvQ: Number(f.T.QR ?? 0) || 0,
      timer: 'none',
      timerMs: 0,
      retransmits: 0,
      fd: f.fd,
      attribution: 'fd',
    });
  };
  for (const raw of text.split(/[\n\0]/)) {
    if (!raw) continue;
    const id = raw[0];
    const v = raw.slice(1);
    switch (id) {
      case 'p':
        flush();
        f = undefined;
        curPid = Number(v);
        break;
      case 'f':
        flush();
        f = { fd: /^\d+$/.test(v) ? Number(v) : undefined, T: {} };
        break;
      case 't':
        if (f) f.type = v;
        break;
      case 'P':
        if (f) f.proto = v;
        break;
      case 'n':
        if (f) f.name = v;
        break;
      case 'T': {
        const eq = v.indexOf('=');
        if (f && eq > 0) f.T[v.slice(0, eq)] = v.slice(eq + 1);
        break;
      }
    }
  }
  flush();
  return out;
}

export function run(cmd: string, args: string[], timeoutMs: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 64 << 20, windowsHide: true, shell: false }, (err, stdout, stderr) => {
      if (err && (err as NodeJS.ErrnoException).code === 'ENOENT') return reject(new Error(`${cmd} not found`));
      if (err && err.killed) return reject(new Error(`${cmd} timed out after ${timeoutMs} ms`));
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout: String(stdout), stderr: String(stderr) });
    });
  });
}

/** Does the process exist? ('denied' when it exists but belongs to someone else.) */
export function processExists(pid: number): 'yes' | 'no' | 'denied' {
  try {
    process.kill(pid, 0);
    return 'yes';
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM' ? 'denied' : 'no';
  }
}

export class DarwinCollector implements Collector {
  private seen = false;

  constructor(
    readonly pid: number,
    private readonly timeoutMs = 5000,
    private readonly lsof = 'lsof',
  ) {}

  async collect(): Promise<CollectResult> {
    const t0 = performance.now();
    const pid = this.pid;
    if (processExists(pid) === 'no') return goneResult(pid, this.seen);
    this.seen = true;
    try {
      const r = await run(this.lsof, ['-nP', '-a', '-p', String(pid), '-iTCP', '-F', 'pcfntPT'], this.timeoutMs);
      // lsof exits 1 both for "no TCP sockets" and for errors; stderr tells them apart
      if (r.code !== 0 && r.stderr.trim()) {
        if (processExists(pid) === 'no') return goneResult(pid, true);
        if (/permission denied/i.test(r.stderr))
          return {
            kind: 'denied',
            pid,
            message: `not permitted to read the sockets of process ${pid}${runningAsRoot() ? ' even as root (System Integrity Protection?)' : ': run as its user or with sudo'}: ${r.stderr.trim()}`,
          };
      }
      const sockets = parseLsofF(r.stdout, pid);
      return { kind: 'ok', snapshot: { pid, time: Date.now(), platform: 'darwin', sockets, elapsedMs: performance.now() - t0 } };
    } catch (e) {
      return { kind: 'error', pid, message: (e as Error).message };
    }
  }
}
