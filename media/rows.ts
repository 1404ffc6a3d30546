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

export interface SocketRow {
  kind: 'socket';
  s: ViewSocket;
  status: RowStatus;
  group?: string;
}

export type Row =
  SocketRow | { kind: 'group'; key: string; label: string; count: number; states: Partial<Record<ChipState, number>>; collapsed: boolean };

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

/** IPv4 as a number for sorting; IPv6 and names after all IPv4 addresses. */
function addrKey(a: string): number {
  const m = /^(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(a);
  return m ? ((+m[1] * 256 + +m[2]) * 256 + +m[3]) * 256 + +m[4] : 2 ** 32;
}

// Endpoints as numbers (address * 65536 + port), per socket object: a diff replaces only changed sockets, so at
// 10,000 rows the regexes run for the few new ones, and sorting compares numbers, not strings.
const endpointKeys = new WeakMap<ViewSocket, [remote: number, local: number]>();
function endpointsOf(s: ViewSocket): [number, number] {
  let k = endpointKeys.get(s);
  if (!k) {
    k = [addrKey(s.remoteAddress) * 65536 + s.remotePort, addrKey(s.localAddress) * 65536 + s.localPort];
    endpointKeys.set(s, k);
  }
  return k;
}

/** A row being sorted, with its keys computed once: primary and secondary (by column), then remote, local, key. */
interface Sortable {
  s: ViewSocket;
  status: RowStatus;
  a: number;
  b: number;
  remote: number;
  local: number;
  /** the row handed to the table, reused from build to build */
  row: SocketRow;
}

function keysFor(col: Column, s: ViewSocket, it: Sortable): void {
  const [remote, local] = endpointsOf(s);
  it.remote = remote;
  it.local = local;
  it.b = 0;
  switch (col) {
    case 'state':
      it.a = STATE_RANK[s.state];
      it.b = s.firstSeen;
      break;
    case 'local':
      it.a = local;
      break;
    case 'remote':
      it.a = remote;
      it.b = local;
      break;
    case 'recvQ':
      it.a = s.recvQ;
      break;
    case 'sendQ':
      it.a = s.sendQ;
      break;
    case 'timer':
      // no timer last; timers without a deadline (keepalive) just before
      it.a = s.timer === 'none' ? Infinity : s.timerAt || Number.MAX_VALUE;
      break;
    case 'seenFor':
      // seen for longer = first seen earlier
      it.a = -s.firstSeen;
      break;
  }
}

const cmpNum = (x: number, y: number) => (x < y ? -1 : x > y ? 1 : 0);

/**
 * Sorts by the column (both its keys follow `desc`), then by remote and local endpoint and key, ascending:
 * ties (sockets first seen in the same sample) keep a stable, readable order.
 */
function sortRows(list: Sortable[], desc: boolean): void {
  list.sort((x, y) => {
    const c = cmpNum(x.a, y.a) || cmpNum(x.b, y.b);
    if (c) return desc ? -c : c;
    return cmpNum(x.remote, y.remote) || cmpNum(x.local, y.local) || (x.s.key < y.s.key ? -1 : x.s.key > y.s.key ? 1 : 0);
  });
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

function item(col: Column, s: ViewSocket, status: RowStatus): Sortable {
  const it: Sortable = { s, status, a: 0, b: 0, remote: 0, local: 0, row: { kind: 'socket', s, status } };
  keysFor(col, s, it);
  return it;
}

/**
 * Builds the rows after every sample, incrementally: it keeps the sorted order of the open sockets from the last
 * build, updates the sockets a diff changed (moved to the end) and adds the new ones there, so the sort sees one
 * long sorted run and a short tail (TimSort: close to linear) instead of sorting 10,000 rows from scratch.
 */
export class RowBuilder {
  private order: Sortable[] = [];
  private readonly items = new Map<string, Sortable>();
  private opened: Sortable[] = [];
  private col: Column | undefined;

  build(
    sockets: ReadonlyMap<string, ViewSocket>,
    closed: readonly ViewSocket[],
    opened: ReadonlySet<string>,
    o: RowOptions,
    listenPorts: () => ReadonlySet<number>,
  ): RowModel {
    const col = o.sort.col;
    const recompute = col !== this.col;
    const kept: Sortable[] = [];
    const moved: Sortable[] = [];
    for (const it of this.order) {
      const s = sockets.get(it.s.key);
      if (!s) {
        this.items.delete(it.s.key);
        continue;
      }
      if (s !== it.s || recompute) {
        it.s = it.row.s = s;
        keysFor(col, s, it);
        moved.push(it);
      } else kept.push(it);
    }
    for (const [k, s] of sockets) {
      if (this.items.has(k)) continue;
      const it = item(col, s, 'kept');
      this.items.set(k, it);
      moved.push(it);
    }
    const order = kept.length ? kept.concat(moved) : moved;
    sortRows(order, o.sort.desc);
    this.order = order;
    this.col = col;

    const words = o.filter.toLowerCase().split(/\s+/).filter(Boolean);
    const filtering = words.length > 0 || !!o.chip || !!o.keys;
    const pass = (s: ViewSocket) => {
      if (o.chip && chipOf(s.state) !== o.chip) return false;
      if (o.keys && !o.keys.has(s.key)) return false;
      if (!words.length) return true;
      const hs = haystack(s);
      for (const w of words) if (!hs.includes(w)) return false;
      return true;
    };
    // statuses: only the sockets opened last time and this time change
    for (const it of this.opened) it.status = it.row.status = 'kept';
    this.opened = [];
    for (const k of opened) {
      const it = this.items.get(k);
      if (!it) continue;
      it.status = it.row.status = 'opened';
      this.opened.push(it);
    }
    let list: Sortable[];
    if (filtering) {
      list = [];
      for (const it of order) if (pass(it.s)) list.push(it);
    } else list = order.slice();
    const matched = list.length;
    if (closed.length) {
      // the sockets closed since the last sample, in their sorted place (appended: a short run for TimSort)
      let any = false;
      for (const s of closed) {
        if (!pass(s)) continue;
        list.push(item(col, s, 'closed'));
        any = true;
      }
      if (any) sortRows(list, o.sort.desc);
    }
    if (o.groupBy === 'none') {
      const rows: Row[] = new Array(list.length);
      for (let i = 0; i < list.length; i++) {
        const r = list[i].row;
        r.group = undefined;
        rows[i] = r;
      }
      return { rows, matched, total: sockets.size };
    }

    const groups = new Map<string, Sortable[]>();
    const listening = o.groupBy === 'peer' ? listenPorts() : new Set<number>();
    for (const r of list) {
      const k = o.groupBy === 'port' ? String(r.s.localPort) : peerOf(r.s, listening);
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
      if (collapsed) continue;
      for (const m of members) {
        m.row.group = key;
        rows.push(m.row);
      }
    }
    return { rows, matched, total: sockets.size };
  }

  /** Forget everything (another process). */
  clear(): void {
    this.order = [];
    this.items.clear();
    this.opened = [];
    this.col = undefined;
  }
}
