// Attribution of owner-less sockets (TIME_WAIT, orphaned FIN_WAIT2, PID 0 rows on Windows) for the collectors
// that see the whole table (Windows netstat) or need to remember tuples between samples.
import { endpoint, socketKey, type Attribution, type SocketInfo } from './model';

const KNOWN_TTL_MS = 130_000;

export type Row = Omit<SocketInfo, 'attribution' | 'key'> & { owned: boolean };

export class PortAttributor {
  private listenPorts = new Set<number>();
  private knownTuples = new Map<string, number>();
  private knownPeers = new Map<string, number>();

  /** rows: every row the tool printed; owned = reported with the target's pid. */
  attribute(rows: Row[], now = Date.now()): SocketInfo[] {
    const listen = new Set<number>();
    for (const r of rows) if (r.owned && r.state === 'LISTEN') listen.add(r.localPort);
    const out: SocketInfo[] = [];
    for (const r of rows) {
      const key = socketKey(r.localAddress, r.localPort, r.remoteAddress, r.remotePort);
      let attribution: Attribution;
      if (r.owned) attribution = 'fd';
      else if (!canBeOrphan(r.state)) continue;
      else if (listen.has(r.localPort) || this.listenPorts.has(r.localPort)) attribution = 'listen-port';
      else if (this.knownTuples.has(key)) attribution = 'known-tuple';
      else if (this.knownPeers.has(endpoint(r.remoteAddress, r.remotePort))) attribution = 'known-peer';
      else continue;
      const { owned: _owned, ...rest } = r;
      out.push({ ...rest, key, attribution });
    }
    this.listenPorts = listen;
    for (const s of out) {
      if (s.attribution !== 'fd' || s.state === 'LISTEN') continue;
      this.knownTuples.set(s.key, now);
      if (!listen.has(s.localPort)) this.knownPeers.set(endpoint(s.remoteAddress, s.remotePort), now);
    }
    for (const m of [this.knownTuples, this.knownPeers]) for (const [k, t] of m) if (now - t > KNOWN_TTL_MS) m.delete(k);
    return out;
  }
}

function canBeOrphan(state: SocketInfo['state']): boolean {
  return (
    state === 'TIME_WAIT' ||
    state === 'FIN_WAIT2' ||
    state === 'FIN_WAIT1' ||
    state === 'LAST_ACK' ||
    state === 'CLOSING' ||
    state === 'ESTABLISHED' ||
    state === 'SYN_RECV'
  );
}

/** Splits `127.0.0.1:80`, `[::1]:80`, `*:80`, `10.0.0.1.443` (macOS netstat) into address and port. */
export function splitHostPort(s: string): { address: string; port: number } {
  if (s.startsWith('[')) {
    const i = s.indexOf(']');
    return { address: normalizeAddr(s.slice(1, i)), port: Number(s.slice(i + 2)) || 0 };
  }
  const i = s.lastIndexOf(':');
  if (i < 0) return { address: s, port: 0 };
  const port = s.slice(i + 1);
  return { address: normalizeAddr(s.slice(0, i)), port: port === '*' ? 0 : Number(port) };
}

function normalizeAddr(a: string): string {
  if (a === '*') return '0.0.0.0';
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(a);
  if (m) return m[1];
  return a.replace(/%.*$/, '');
}
