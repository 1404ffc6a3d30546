// The table's row model: filter, sort and group the sockets into the flat list the virtualized grid shows.
// Pure (no DOM), so the cost per update is measurable on its own and the logic is testable.
import { endpoint } from '../src/sockets/model';
import { chipOf, type ChipState, type ViewSocket } from '../src/sockets/viewProtocol';

export const COLUMNS = ['state', 'local', 'remote', 'recvQ', 'sendQ', 'timer', 'seenFor'] as const;
export type Column = (typeof COLUMNS)[number];
export type GroupBy = 'none' | 'peer' | 'port';

export interface SortSpec {
  col: Column;
  desc: boolean;
}

export type RowStatus = 'kept' | 'opened' | 'closed';

export type Row =
  | { kind: 'socket'; s: ViewSocket; status: RowStatus; group?: string }
  | { kind: 'group'; key: string; label: string; count: number; states: Partial<Record<ChipState, number>>; collapsed: boolean };

export interface RowOptions {
  sort: SortSpec;
  /** free text: every word must occur in the state, the local or the remote endpoint */
  filter: string;
  /** only sockets of this chip */
  chip?: ChipState;
  /** only these socket keys (a guidance card's evidence) */
  keys?: ReadonlySet<string>;
  groupBy: GroupBy;
  collapsed: ReadonlySet<string>;
}

export interface RowModel {
  rows: Row[];
  /** sockets (open ones) passing the filters */
  matched: number;
  /** open sockets */
  total: number;
}

/** Order of states in the "State" column: the ones that mean trouble first. */
const STATE_RANK: Record<string, number> = {
  CLOSE_WAIT: 0,
  SYN_SENT: 1,
  LAST_ACK: 2,
  FIN_WAIT1: 3,
  FIN_WAIT2: 4,
  CLOSING: 5,
  SYN_RECV: 6,
  NEW_SYN_RECV: 7,
  ESTABLISHED: 8,
  TIME_WAIT: 9,
  CLOSE: 10,
  LISTEN: 11,
  UNKNOWN: 12,
};

// Search text and endpoint strings per socket object: sockets are replaced (not mutated) when they change, so
// a WeakMap keyed by the object never serves stale text.
const searchText = new WeakMap<ViewSocket, string>();
function haystack(s: ViewSocket): string {
  let t = searchText.get(s);
  if (t === undefined) {
    t = `${s.state} ${endpoint(s.localAddress, s.localPort)} ${endpoint(s.remoteAddress, s.remotePort)}`.toLowerCase();
    searchText.set(s, t);
  }
  return t;
}

/** IPv4 as a number for sorting; IPv6 and names after all IPv4 addresses, by text. */
function addrKey(a: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  return m ? ((+m[1] * 256 + +m[2]) * 256 + +m[3]) * 256 + +m[4] : 2 ** 32;
}

function cmpEndpoint(aa: string, ap: number, ba: string, bp: number): number {
  if (aa !== ba) {
    const d = addrKey(aa) - addrKey(ba);
    return d || (aa < ba ? -1 : 1);
  }
  return ap - bp;
}

function compare(col: Column, a: ViewSocket, b: ViewSocket): number {
  switch (col) {
    case 'state':
      return STATE_RANK[a.state] - STATE_RANK[b.state] || a.firstSeen - b.firstSeen;
    case 'local':
      return cmpEndpoint(a.localAddress, a.localPort, b.localAddress, b.localPort);
    case 'remote':
      return cmpEndpoint(a.remoteAddress, a.remotePort, b.remoteAddress, b.remotePort);
    case 'recvQ':
      return a.recvQ - b.recvQ;
    case 'sendQ':
      return a.sendQ - b.sendQ;
    case 'timer':
      return (a.timer === 'none' ? Infinity : a.timerAt) - (b.timer === 'none' ? Infinity : b.timerAt) || 0;
    case 'seenFor':
      // seen for longer = first seen earlier
      return b.firstSeen - a.firstSeen;
  }
}

/** Incoming connections come from ephemeral ports: their peer is the remote address; outgoing ones, address:port. */
export function peerOf(s: ViewSocket, listenPorts: ReadonlySet<number>): string {
  if (s.state === 'LISTEN') return '';
  return listenPorts.has(s.localPort) ? s.remoteAddress : endpoint(s.remoteAddress, s.remotePort);
}

export function listenPortsOf(sockets: Iterable<ViewSocket>): Set<number> {
  const out = new Set<number>();
  for (const s of sockets) if (s.state === 'LISTEN') out.add(s.localPort);
  return out;
}

export function buildRows(
  sockets: Iterable<ViewSocket>,
  closed: readonly ViewSocket[],
  opened: ReadonlySet<string>,
  o: RowOptions,
  listenPorts: ReadonlySet<number>,
): RowModel {
  const words = o.filter.toLowerCase().split(/\s+/).filter(Boolean);
  const pass = (s: ViewSocket) => {
    if (o.chip && chipOf(s.state) !== o.chip) return false;
    if (o.keys && !o.keys.has(s.key)) return false;
    if (!words.length) return true;
    const hs = haystack(s);
    for (const w of words) if (!hs.includes(w)) return false;
    return true;
  };
  const list: { s: ViewSocket; status: RowStatus }[] = [];
  let total = 0;
  let matched = 0;
  for (const s of sockets) {
    total++;
    if (!pass(s)) continue;
    matched++;
    list.push({ s, status: opened.has(s.key) ? 'opened' : 'kept' });
  }
  for (const s of closed) if (pass(s)) list.push({ s, status: 'closed' });
  const { col, desc } = o.sort;
  list.sort((x, y) => {
    const c = compare(col, x.s, y.s);
    if (c) return desc ? -c : c;
    return x.s.key < y.s.key ? -1 : x.s.key > y.s.key ? 1 : 0;
  });
  if (o.groupBy === 'none') return { rows: list.map((r) => ({ kind: 'socket', ...r })), matched, total };

  const groups = new Map<string, { s: ViewSocket; status: RowStatus }[]>();
  for (const r of list) {
    const k = o.groupBy === 'port' ? String(r.s.localPort) : peerOf(r.s, listenPorts);
    let g = groups.get(k);
    if (!g) groups.set(k, (g = []));
    g.push(r);
  }
  const ordered = [...groups.entries()].sort((a, b) => b[1].length - a[1].length || (a[0] < b[0] ? -1 : 1));
  const rows: Row[] = [];
  for (const [k, members] of ordered) {
    const key = `${o.groupBy}:${k}`;
    const states: Partial<Record<ChipState, number>> = {};
    let count = 0;
    for (const m of members) {
      if (m.status === 'closed') continue;
      count++;
      const c = chipOf(m.s.state);
      if (c) states[c] = (states[c] ?? 0) + 1;
    }
    const collapsed = o.collapsed.has(key);
    rows.push({ kind: 'group', key, label: k, count, states, collapsed });
    if (!collapsed) for (const m of members) rows.push({ kind: 'socket', ...m, group: key });
  }
  return { rows, matched, total };
}
