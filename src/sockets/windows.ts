// Windows collector: `netstat -ano` (parsed by position: the headers are localized, the state tokens are not),
// or the JSON of `Get-NetTCPConnection`. TIME_WAIT rows usually carry PID 0 and are attributed by port.
import { PortAttributor, splitHostPort, type Row } from './attribution';
import { processExists, run } from './darwin';
import { goneResult, type CollectResult, type Collector, type SocketInfo, type TcpState } from './model';

const NETSTAT_STATES: Record<string, TcpState> = {
  LISTENING: 'LISTEN',
  LISTEN: 'LISTEN',
  ESTABLISHED: 'ESTABLISHED',
  SYN_SENT: 'SYN_SENT',
  SYN_RECEIVED: 'SYN_RECV',
  FIN_WAIT_1: 'FIN_WAIT1',
  FIN_WAIT_2: 'FIN_WAIT2',
  TIME_WAIT: 'TIME_WAIT',
  CLOSE_WAIT: 'CLOSE_WAIT',
  LAST_ACK: 'LAST_ACK',
  CLOSING: 'CLOSING',
  CLOSED: 'CLOSE',
  DELETE_TCB: 'CLOSE',
  BOUND: 'CLOSE',
};

/** MSFT_NetTCPConnection.State: enum numbers and names. */
const PS_STATES: Record<string, TcpState> = {
  '1': 'CLOSE',
  '2': 'LISTEN',
  '3': 'SYN_SENT',
  '4': 'SYN_RECV',
  '5': 'ESTABLISHED',
  '6': 'FIN_WAIT1',
  '7': 'FIN_WAIT2',
  '8': 'CLOSE_WAIT',
  '9': 'CLOSING',
  '10': 'LAST_ACK',
  '11': 'TIME_WAIT',
  '12': 'CLOSE',
  '100': 'CLOSE',
  Closed: 'CLOSE',
  Listen: 'LISTEN',
  SynSent: 'SYN_SENT',
  SynReceived: 'SYN_RECV',
  Established: 'ESTABLISHED',
  FinWait1: 'FIN_WAIT1',
  FinWait2: 'FIN_WAIT2',
  CloseWait: 'CLOSE_WAIT',
  Closing: 'CLOSING',
  LastAck: 'LAST_ACK',
  TimeWait: 'TIME_WAIT',
  DeleteTCB: 'CLOSE',
  Bound: 'CLOSE',
};

function row(local: string, remote: string, state: TcpState, owned: boolean): Row {
  const l = splitHostPort(local);
  const r = splitHostPort(remote);
  return {
    family: l.address.includes(':') ? 6 : 4,
    state,
    localAddress: l.address,
    localPort: l.port,
    remoteAddress: r.address,
    remotePort: r.port,
    sendQ: 0,
    recvQ: 0,
    timer: 'none',
    timerMs: 0,
    retransmits: 0,
    owned,
  };
}

/** Every TCP row of `netstat -ano` (or `-p tcp`), marked owned when its PID is `pid`. */
export function parseNetstatAno(text: string, pid: number): Row[] {
  const out: Row[] = [];
  for (const line of text.split(/\r?\n/)) {
    const t = line.trim().split(/\s+/);
    if (t.length < 5 || t[0].toUpperCase() !== 'TCP') continue;
    const state = NETSTAT_STATES[t[3].toUpperCase()];
    if (!state) continue;
    out.push(row(t[1], t[2], state, Number(t[4]) === pid));
  }
  return out;
}

interface PsConn {
  LocalAddress: string;
  LocalPort: number;
  RemoteAddress: string;
  RemotePort: number;
  State: string | number;
  OwningProcess: number;
}

/** `Get-NetTCPConnection | Select-Object … | ConvertTo-Json` (an object or an array). */
export function parseGetNetTcpConnectionJson(text: string, pid: number): Row[] {
  if (!text.trim()) return [];
  const data = JSON.parse(text) as PsConn | PsConn[];
  const arr = Array.isArray(data) ? data : [data];
  return arr.map((c) => {
    const la = String(c.LocalAddress);
    const ra = String(c.RemoteAddress);
    const fmt = (a: string, p: number) => (a.includes(':') ? `[${a}]:${p}` : `${a}:${p}`);
    return row(fmt(la, c.LocalPort), fmt(ra, c.RemotePort), PS_STATES[String(c.State)] ?? 'UNKNOWN', Number(c.OwningProcess) === pid);
  });
}

export class WindowsCollector implements Collector {
  private attributor = new PortAttributor();
  private seen = false;

  constructor(
    readonly pid: number,
    private readonly timeoutMs = 8000,
  ) {}

  async collect(): Promise<CollectResult> {
    const t0 = performance.now();
    const pid = this.pid;
    if (processExists(pid) === 'no') return goneResult(pid, this.seen);
    this.seen = true;
    try {
      const r = await run('netstat.exe', ['-ano'], this.timeoutMs);
      if (r.code !== 0) return { kind: 'error', pid, message: `netstat failed: ${r.stderr.trim()}` };
      const sockets: SocketInfo[] = this.attributor.attribute(parseNetstatAno(r.stdout, pid));
      return { kind: 'ok', snapshot: { pid, time: Date.now(), platform: 'win32', sockets, elapsedMs: performance.now() - t0 } };
    } catch (e) {
      return { kind: 'error', pid, message: (e as Error).message };
    }
  }
}
