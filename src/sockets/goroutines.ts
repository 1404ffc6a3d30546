// Goroutine correlation through net/http/pprof: when the process serves /debug/pprof on one of its listening
// ports, fetch the full goroutine dump (debug=2) from loopback, group goroutines by stack, and report those
// blocked in network I/O with their first frame in the user's code. Opt-in; never talks to another machine.
import { request } from 'node:http';
import { isLoopback, isWildcard, type SocketInfo } from './model';

export interface Frame {
  func: string;
  file: string;
  line: number;
}

export interface Goroutine {
  id: number;
  /** e.g. "IO wait", "chan receive", "select" */
  state: string;
  /** minutes blocked, when the runtime printed them (only for ≥ 1 minute) */
  waitMinutes?: number;
  frames: Frame[];
  createdBy?: Frame;
}

export type NetOp = 'Read' | 'Write' | 'Accept' | 'Connect' | 'netpoll';

export interface GoroutineGroup {
  count: number;
  state: string;
  maxWaitMinutes?: number;
  /** blocked in network I/O (netpoll) */
  netIO: boolean;
  op?: NetOp;
  /** first frame in the user's code, else where the goroutine was created */
  userFrame?: Frame;
  userFrameFromCreatedBy?: boolean;
  /** `file:line` of userFrame */
  location?: string;
  frames: Frame[];
  ids: number[];
}

export interface GoroutineReport {
  port: number;
  total: number;
  groups: GoroutineGroup[];
  /** groups blocked in network I/O, largest first */
  netBlocked: GoroutineGroup[];
}

const HEADER = /^goroutine (\d+)(?: [^[]*)? ?\[([^\]]*)\]:$/;

function funcName(line: string): string {
  if (!line.endsWith(')')) return line.trim();
  const i = line.lastIndexOf('(');
  return i > 0 ? line.slice(0, i) : line;
}

function fileLine(line: string): { file: string; line: number } {
  const t = line.trim().replace(/ \+0x[0-9a-f]+$/, '');
  const i = t.lastIndexOf(':');
  return { file: t.slice(0, i), line: Number(t.slice(i + 1)) };
}

/** Parses `/debug/pprof/goroutine?debug=2` (the same format as a crash traceback). */
export function parseGoroutineDump(text: string): Goroutine[] {
  const out: Goroutine[] = [];
  const lines = text.split('\n');
  let cur: Goroutine | undefined;
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i];
    const h = HEADER.exec(l);
    if (h) {
      const parts = h[2].split(', ');
      const mins = parts.map((p) => /^(\d+) minutes?$/.exec(p)).find(Boolean);
      cur = { id: Number(h[1]), state: parts[0], waitMinutes: mins ? Number(mins[1]) : undefined, frames: [] };
      out.push(cur);
      continue;
    }
    if (!cur || !l || l.startsWith('\t') || l.startsWith('...')) continue;
    const next = lines[i + 1];
    if (next === undefined || !next.startsWith('\t')) continue;
    const loc = fileLine(next);
    i++;
    const cb = /^created by (\S+)(?: in goroutine \d+)?$/.exec(l);
    if (cb) cur.createdBy = { func: cb[1], ...loc };
    else cur.frames.push({ func: funcName(l), ...loc });
  }
  return out;
}

/** Package path of a function name: `net/http.(*conn).serve` -> `net/http`, `main.handle` -> `main`. */
export function packageOf(fn: string): string {
  const slash = fn.lastIndexOf('/');
  const dot = fn.indexOf('.', slash + 1);
  return dot < 0 ? fn : fn.slice(0, dot);
}

export interface UserCodeOptions {
  /** module path from go.mod: functions under it are user code */
  modulePath?: string;
  /** files under this directory are user code */
  workspaceDir?: string;
}

export function isUserFrame(f: Frame, o: UserCodeOptions = {}): boolean {
  const pkg = packageOf(f.func);
  if (pkg === 'main') return true;
  if (o.workspaceDir && f.file.startsWith(o.workspaceDir.replace(/\/?$/, '/'))) return true;
  if (o.modulePath) return pkg === o.modulePath || pkg.startsWith(`${o.modulePath}/`);
  const first = pkg.split('/')[0];
  if (!first.includes('.')) return false; // standard library
  return !f.file.includes('/pkg/mod/'); // not a downloaded dependency
}

function netOp(frames: Frame[]): { netIO: boolean; op?: NetOp } {
  const polled = frames.some((f) => f.func === 'internal/poll.runtime_pollWait' || f.func === 'runtime.netpollblock');
  if (!polled) return { netIO: false };
  for (const f of frames) {
    switch (f.func) {
      case 'net.(*netFD).Read':
      case 'net.(*netFD).readFrom':
      case 'net.(*netFD).readMsg':
        return { netIO: true, op: 'Read' };
      case 'net.(*netFD).Write':
      case 'net.(*netFD).writeTo':
      case 'net.(*netFD).writeMsg':
        return { netIO: true, op: 'Write' };
      case 'net.(*netFD).accept':
        return { netIO: true, op: 'Accept' };
      case 'net.(*netFD).connect':
        return { netIO: true, op: 'Connect' };
    }
  }
  // os.File reads of pipes also wait in netpoll; only call it network I/O when a net frame is there
  return frames.some((f) => packageOf(f.func) === 'net' || packageOf(f.func).startsWith('net/'))
    ? { netIO: true, op: 'netpoll' }
    : { netIO: false };
}

/** Groups goroutines by state + stack (function and file:line of every frame). */
export function groupGoroutines(gs: Goroutine[], o: UserCodeOptions = {}): GoroutineGroup[] {
  const groups = new Map<string, GoroutineGroup>();
  for (const g of gs) {
    const key = `${g.state}|${g.frames.map((f) => `${f.func}@${f.file}:${f.line}`).join('|')}|${g.createdBy?.func ?? ''}`;
    let grp = groups.get(key);
    if (!grp) {
      const { netIO, op } = netOp(g.frames);
      let userFrame = g.frames.find((f) => isUserFrame(f, o));
      let fromCreatedBy = false;
      if (!userFrame && g.createdBy && isUserFrame(g.createdBy, o)) {
        userFrame = g.createdBy;
        fromCreatedBy = true;
      }
      grp = {
        count: 0,
        state: g.state,
        netIO,
        op,
        userFrame,
        userFrameFromCreatedBy: fromCreatedBy || undefined,
        location: userFrame ? `${userFrame.file}:${userFrame.line}` : undefined,
        frames: g.frames,
        ids: [],
      };
      groups.set(key, grp);
    }
    grp.count++;
    grp.ids.push(g.id);
    if (g.waitMinutes !== undefined) grp.maxWaitMinutes = Math.max(grp.maxWaitMinutes ?? 0, g.waitMinutes);
  }
  return [...groups.values()].sort((a, b) => b.count - a.count);
}

export function buildReport(port: number, text: string, o: UserCodeOptions = {}): GoroutineReport {
  const gs = parseGoroutineDump(text);
  const groups = groupGoroutines(gs, o);
  return { port, total: gs.length, groups, netBlocked: groups.filter((g) => g.netIO) };
}

/** GET http://127.0.0.1:<port><path> (loopback only), with a timeout and a size cap. */
export function fetchLoopback(
  host: string,
  port: number,
  path: string,
  timeoutMs = 2000,
  maxBytes = 64 << 20,
): Promise<{ status: number; body: string }> {
  if (!isLoopback(host)) return Promise.reject(new Error(`refusing to fetch from non-loopback host ${host}`));
  return new Promise((resolve, reject) => {
    const req = request({ host, port, path, method: 'GET', timeout: timeoutMs, headers: { connection: 'close' } }, (res) => {
      const chunks: Buffer[] = [];
      let n = 0;
      res.on('data', (c: Buffer) => {
        n += c.length;
        if (n > maxBytes) req.destroy(new Error('response too large'));
        else chunks.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    req.end();
  });
}

/** Loopback host to reach a LISTEN socket, or undefined when it only listens on another interface. */
export function loopbackHostFor(s: Pick<SocketInfo, 'localAddress'>): string | undefined {
  if (isLoopback(s.localAddress)) return s.localAddress === '::1' ? '::1' : '127.0.0.1';
  if (isWildcard(s.localAddress)) return s.localAddress === '::' ? '::1' : '127.0.0.1';
  return undefined;
}

/**
 * Finds the pprof port among the process's listeners and fetches its goroutine dump. Remembers which ports are not
 * pprof so that a non-HTTP listener is probed once only (a probe is a real connection the program sees).
 */
export class GoroutineProbe {
  private notPprof = new Set<number>();
  private pprofPort: number | undefined;

  constructor(private readonly opts: UserCodeOptions & { ports?: number[]; timeoutMs?: number } = {}) {}

  async fetch(listeners: Array<Pick<SocketInfo, 'localAddress' | 'localPort' | 'family' | 'state'>>): Promise<GoroutineReport | undefined> {
    const cands = listeners.filter((s) => s.state === 'LISTEN' && loopbackHostFor(s) && !this.notPprof.has(s.localPort));
    const explicit = this.opts.ports;
    const ordered = explicit ? cands.filter((s) => explicit.includes(s.localPort)) : cands;
    if (this.pprofPort !== undefined)
      ordered.sort((a, b) => Number(b.localPort === this.pprofPort) - Number(a.localPort === this.pprofPort));
    for (const s of ordered) {
      try {
        const r = await fetchLoopback(loopbackHostFor(s)!, s.localPort, '/debug/pprof/goroutine?debug=2', this.opts.timeoutMs ?? 2000);
        if (r.status === 200 && r.body.startsWith('goroutine ')) {
          this.pprofPort = s.localPort;
          return buildReport(s.localPort, r.body, this.opts);
        }
      } catch {
        /* not HTTP, or timed out */
      }
      if (this.pprofPort === s.localPort) this.pprofPort = undefined;
      this.notPprof.add(s.localPort);
    }
    return undefined;
  }
}
