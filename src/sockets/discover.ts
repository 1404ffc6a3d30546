// Process discovery: which running processes belong to a workspace folder. Each candidate says why it matched.
//   - `go run` children: exe under the go-build temp dir (…/go-build123/b001/exe/name) or, since Go 1.24, in the build
//     cache ($GOCACHE/xx/<hash>-d/name) with `go run` as parent; cwd inside the workspace;
//   - binaries built from the workspace: exe inside it, or a Go binary whose main module is one of the workspace's;
//   - Delve debuggees: `__debug_bin*` or a child of `dlv`, and the PID from the DAP `process` event (Delve ≥ 1.24.1);
//   - any PID the user picked.
import { closeSync, openSync, readdirSync, readFileSync, readlinkSync, readSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { isWithin } from '../paths';
import { run } from './darwin';
import type { Text } from './model';

export type CandidateKind = 'debug-session' | 'delve-debuggee' | 'go-run' | 'built-binary' | 'go-process-in-workspace' | 'picked';

export interface Reason extends Text {
  code:
    | 'dap-process-event'
    | 'debug-bin-name'
    | 'child-of-dlv'
    | 'go-build-exe'
    | 'cwd-in-workspace'
    | 'exe-in-workspace'
    | 'module-matches'
    | 'listens'
    | 'picked';
}

export interface ProcessCandidate {
  pid: number;
  ppid?: number;
  name: string;
  exe?: string;
  cwd?: string;
  cmdline: string[];
  kind: CandidateKind;
  reasons: Reason[];
  /** from the binary's Go build info */
  goVersion?: string;
  mainModule?: string;
  mainPackage?: string;
  /** higher = more certain */
  score: number;
}

// ---------------------------------------------------------------------------------------------
// Go build info (`\xff Go buildinf:` header, Go ≥ 1.18 inline-string format)

export interface GoBuildInfo {
  goVersion?: string;
  /** main package path, e.g. `example.com/app/cmd/server` or `command-line-arguments` */
  path?: string;
  /** main module path */
  module?: string;
}

const GO_RUN_TMP = /[\\/]go-build\d+[\\/]b\d+[\\/]exe[\\/]/;
const GO_RUN_CACHE = /[\\/][0-9a-f]{2}[\\/][0-9a-f]{64}-d[\\/][^\\/]+$/;

const MAGIC = Buffer.from('\xff Go buildinf:', 'latin1');
const buildInfoCache = new Map<string, GoBuildInfo | null>();

function readVarint(b: Buffer, p: number): [number, number] {
  let v = 0;
  let shift = 0;
  for (;;) {
    const c = b[p++];
    v += (c & 0x7f) * 2 ** shift;
    if (c < 0x80) return [v, p];
    shift += 7;
  }
}

/** Parses the build info of a Go executable; null when the file is not a Go binary. */
export function readGoBuildInfo(file: string): GoBuildInfo | null {
  let key = file;
  try {
    const st = statSync(file);
    key = `${file}|${st.dev}|${st.ino}|${st.mtimeMs}|${st.size}`;
  } catch {
    return null;
  }
  const cached = buildInfoCache.get(key);
  if (cached !== undefined) return cached;
  let res: GoBuildInfo | null = null;
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const chunk = Buffer.allocUnsafe(1 << 20);
    let carry = Buffer.alloc(0);
    let pos = 0;
    for (;;) {
      const n = readSync(fd, chunk, 0, chunk.length, pos);
      if (n <= 0) break;
      const buf = Buffer.concat([carry, chunk.subarray(0, n)]);
      const base = pos - carry.length;
      let found = -1;
      for (let i = buf.indexOf(MAGIC); i >= 0; i = buf.indexOf(MAGIC, i + 1)) {
        // the real header is 16-byte aligned and followed by the pointer size (4 or 8); the bare string also
        // appears as a constant in binaries that link debug/buildinfo
        if ((base + i) % 16 === 0 && i + 15 < buf.length && (buf[i + 14] === 4 || buf[i + 14] === 8)) {
          found = base + i;
          break;
        }
      }
      if (found >= 0) {
        const hdr = Buffer.allocUnsafe(64 << 10);
        const m = readSync(fd, hdr, 0, hdr.length, found);
        res = parseBuildInfoBlob(hdr.subarray(0, m));
        break;
      }
      carry = buf.subarray(Math.max(0, buf.length - 32));
      pos += n;
    }
  } catch {
    res = null;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
  buildInfoCache.set(key, res);
  return res;
}

export function parseBuildInfoBlob(b: Buffer): GoBuildInfo {
  const flags = b[15];
  if (!(flags & 2)) return {}; // pre-1.18 pointer format: a Go binary, details not parsed
  let p = 32;
  const [vl, p1] = readVarint(b, p);
  const goVersion = b.toString('utf8', p1, p1 + vl);
  p = p1 + vl;
  const [ml, p2] = readVarint(b, p);
  let mod = b.toString('utf8', p2, p2 + ml);
  if (mod.length >= 33 && mod[mod.length - 17] === '\n') mod = mod.slice(16, -16);
  const info: GoBuildInfo = { goVersion };
  for (const line of mod.split('\n')) {
    const f = line.split('\t');
    if (f[0] === 'path') info.path = f[1];
    else if (f[0] === 'mod') info.module = f[1];
  }
  return info;
}

// ---------------------------------------------------------------------------------------------
// Delve / DAP

/** PID of a DAP `process` event (Delve ≥ 1.24.1 sends it after `launch`), else undefined. */
export function pidFromDapMessage(msg: unknown): { pid: number; name?: string; startMethod?: string } | undefined {
  const m = msg as { type?: string; event?: string; body?: { systemProcessId?: number; name?: string; startMethod?: string } };
  if (m?.type !== 'event' || m.event !== 'process') return undefined;
  const pid = m.body?.systemProcessId;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { pid, name: m.body?.name, startMethod: m.body?.startMethod };
}

/**
 * Remembers debuggee PIDs per debug session. The extension feeds it from a DebugAdapterTracker
 * (`onDidSendMessage(m)` -> `registry.onDidSendMessage(session.id, m)`), and forgets a session when it ends.
 */
export class DebugPidRegistry {
  private sessions = new Map<string, Array<{ pid: number; name?: string }>>();
  private listeners = new Set<() => void>();

  onDidSendMessage(sessionId: string, msg: unknown): number | undefined {
    const p = pidFromDapMessage(msg);
    if (!p) return undefined;
    const list = this.sessions.get(sessionId) ?? [];
    if (!list.some((x) => x.pid === p.pid)) list.push({ pid: p.pid, name: p.name });
    this.sessions.set(sessionId, list);
    for (const l of this.listeners) l();
    return p.pid;
  }

  sessionEnded(sessionId: string): void {
    if (this.sessions.delete(sessionId)) for (const l of this.listeners) l();
  }

  pids(): Array<{ pid: number; name?: string; sessionId: string }> {
    return [...this.sessions.entries()].flatMap(([sessionId, l]) => l.map((x) => ({ ...x, sessionId })));
  }

  onDidChange(cb: () => void): () => void {
    this.listeners.add(cb);
    return () => this.listeners.delete(cb);
  }
}

// ---------------------------------------------------------------------------------------------
// workspace modules

/** The `module` path of `dir`/go.mod, if there is one. */
export function moduleOf(dir: string): string | undefined {
  try {
    return /^module\s+("?)([^\s"]+)\1/m.exec(readFileSync(join(dir, 'go.mod'), 'utf8'))?.[2];
  } catch {
    return undefined;
  }
}

/** The Go modules under `dir` (their go.mod `module` path and directory). */
export function workspaceModules(dir: string, depth = 4): Array<{ path: string; dir: string }> {
  const out: Array<{ path: string; dir: string }> = [];
  const walk = (d: string, left: number) => {
    let ents;
    try {
      ents = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of ents) {
      if (e.isFile() && e.name === 'go.mod') {
        const path = moduleOf(d);
        if (path) out.push({ path, dir: d });
      } else if (e.isDirectory() && left > 0 && !e.name.startsWith('.') && !['node_modules', 'vendor', 'testdata'].includes(e.name)) {
        walk(join(d, e.name), left - 1);
      }
    }
  };
  walk(dir, depth);
  return out;
}

/** Go tools that run with their cwd in the workspace but are not the user's program. */
function isGoTool(info: GoBuildInfo | null | undefined, exe: string): boolean {
  const p = info?.path ?? '';
  if (p.startsWith('cmd/')) return true;
  if (
    /^(golang\.org\/x\/tools\/gopls|github\.com\/go-delve\/delve\/cmd\/dlv|honnef\.co\/go\/tools\/cmd|github\.com\/golangci\/golangci-lint)/.test(
      p,
    )
  )
    return true;
  return ['go', 'gopls', 'dlv', 'dlv-dap', 'staticcheck', 'golangci-lint'].includes(basename(exe));
}

// ---------------------------------------------------------------------------------------------
// discovery

export interface DiscoverOptions {
  workspace: string;
  /** PIDs from DAP `process` events (DebugPidRegistry.pids()) */
  debugPids?: Array<{ pid: number; name?: string }>;
  /** PIDs the user picked */
  pickedPids?: number[];
  procRoot?: string;
  platform?: NodeJS.Platform;
}

interface ProcInfo {
  pid: number;
  ppid?: number;
  name: string;
  exe?: string;
  cwd?: string;
  cmdline: string[];
  tracerPid?: number;
}

const REASONS: Record<Reason['code'], (x: string) => Text> = {
  'dap-process-event': (x) => ({
    en: `reported by the debug adapter (DAP process event${x ? `, ${x}` : ''})`,
    'zh-cn': `由调试适配器报告（DAP process 事件${x ? `，${x}` : ''}）`,
  }),
  'debug-bin-name': (x) => ({ en: `Delve debug binary ${x}`, 'zh-cn': `Delve 调试二进制文件 ${x}` }),
  'child-of-dlv': (x) => ({ en: `child of dlv (pid ${x})`, 'zh-cn': `dlv（pid ${x}）的子进程` }),
  'go-build-exe': (x) => ({ en: `started by "go run" (${x})`, 'zh-cn': `由 "go run" 启动（${x}）` }),
  'cwd-in-workspace': (x) => ({ en: `working directory ${x} is inside the workspace`, 'zh-cn': `工作目录 ${x} 位于工作区内` }),
  'exe-in-workspace': (x) => ({ en: `executable ${x} is inside the workspace`, 'zh-cn': `可执行文件 ${x} 位于工作区内` }),
  'module-matches': (x) => ({ en: `built from workspace module ${x}`, 'zh-cn': `由工作区模块 ${x} 构建` }),
  listens: (x) => ({
    en: `the only one of them that listens (${x})`,
    'zh-cn': `其中唯一在监听的进程（${x}）`,
  }),
  picked: () => ({ en: 'picked by you', 'zh-cn': '由您选择' }),
};

export function reason(code: Reason['code'], x = ''): Reason {
  return { code, ...REASONS[code](x) };
}

function readProcLinux(root: string, pid: number): ProcInfo | undefined {
  const base = `${root}/${pid}`;
  let status: string;
  try {
    status = readFileSync(`${base}/status`, 'latin1');
  } catch {
    return undefined;
  }
  const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1];
  const tryLink = (p: string) => {
    try {
      return readlinkSync(p).replace(/ \(deleted\)$/, '');
    } catch {
      return undefined;
    }
  };
  let cmdline: string[] = [];
  try {
    cmdline = readFileSync(`${base}/cmdline`, 'utf8').split('\0').filter(Boolean);
  } catch {
    /* gone */
  }
  return {
    pid,
    ppid: Number(field('PPid')),
    name: field('Name') ?? String(pid),
    exe: tryLink(`${base}/exe`),
    cwd: tryLink(`${base}/cwd`),
    cmdline,
    tracerPid: Number(field('TracerPid')) || undefined,
  };
}

function listLinux(root: string): ProcInfo[] {
  const out: ProcInfo[] = [];
  for (const d of readdirSync(root)) {
    if (!/^\d+$/.test(d)) continue;
    const p = readProcLinux(root, Number(d));
    if (p) out.push(p);
  }
  return out;
}

/** Thread id -> process (Tgid), for TracerPid which names Delve's ptrace thread. */
function tgidOf(root: string, tid: number): number | undefined {
  try {
    const s = readFileSync(`${root}/${tid}/status`, 'latin1');
    return Number(/^Tgid:\s*(\d+)/m.exec(s)?.[1]) || undefined;
  } catch {
    return undefined;
  }
}

async function listDarwin(): Promise<ProcInfo[]> {
  const ps = await run('ps', ['-axo', 'pid=,ppid=,comm='], 5000);
  const procs: ProcInfo[] = [];
  for (const line of ps.stdout.split('\n')) {
    const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
    if (m)
      procs.push({
        pid: Number(m[1]),
        ppid: Number(m[2]),
        name: basename(m[3]),
        exe: m[3].startsWith('/') ? m[3] : undefined,
        cmdline: [m[3]],
      });
  }
  // cwd of every process in one lsof call
  const l = await run('lsof', ['-a', '-d', 'cwd', '-Fn'], 10000).catch(() => ({ stdout: '' }));
  const cwd = new Map<number, string>();
  let cur = 0;
  for (const line of l.stdout.split('\n')) {
    if (line.startsWith('p')) cur = Number(line.slice(1));
    else if (line.startsWith('n') && cur) cwd.set(cur, line.slice(1));
  }
  for (const p of procs) p.cwd = cwd.get(p.pid);
  return procs;
}

/** Candidates for the workspace, best first. */
export async function discover(opts: DiscoverOptions): Promise<ProcessCandidate[]> {
  const ws = resolve(opts.workspace);
  const platform = opts.platform ?? process.platform;
  const root = opts.procRoot ?? '/proc';
  const procs: ProcInfo[] = platform === 'linux' ? listLinux(root) : platform === 'darwin' ? await listDarwin() : [];
  const byPid = new Map(procs.map((p) => [p.pid, p]));
  const modules = new Set(workspaceModules(ws).map((m) => m.path));
  const out = new Map<number, ProcessCandidate>();
  const add = (p: ProcInfo, kind: CandidateKind, score: number, reasons: Reason[], info?: GoBuildInfo | null) => {
    const prev = out.get(p.pid);
    if (prev) {
      for (const r of reasons) if (!prev.reasons.some((x) => x.code === r.code)) prev.reasons.push(r);
      if (score > prev.score) {
        prev.score = score;
        prev.kind = kind;
      }
      return;
    }
    out.set(p.pid, {
      pid: p.pid,
      ppid: p.ppid,
      name: p.name,
      exe: p.exe,
      cwd: p.cwd,
      cmdline: p.cmdline,
      kind,
      reasons,
      goVersion: info?.goVersion,
      mainModule: info?.module,
      mainPackage: info?.path,
      score,
    });
  };
  const self = process.pid;
  const buildInfo = (p: ProcInfo) =>
    platform === 'linux' ? readGoBuildInfo(`${root}/${p.pid}/exe`) : p.exe ? readGoBuildInfo(p.exe) : null;

  for (const p of procs) {
    if (p.pid === self || !p.exe) continue;
    const cwdIn = isWithin(p.cwd, ws);
    const exeIn = isWithin(p.exe, ws);
    const exeBase = basename(p.exe);
    const parent = p.ppid ? byPid.get(p.ppid) : undefined;
    const parentBase = parent?.exe ? basename(parent.exe) : parent?.name;
    // `go run` builds into $GOTMPDIR/go-build<N>/b001/exe/<name>, and since Go 1.24 it caches the executable in
    // the build cache ($GOCACHE/<xx>/<hash>-d/<name>) and runs it from there; either way its parent is `go run`
    const parentGoRun = (parentBase === 'go' || parentBase === 'go.exe') && parent!.cmdline.includes('run');
    const goRun = GO_RUN_TMP.test(p.exe) || (parentGoRun && GO_RUN_CACHE.test(p.exe));
    const debugBin = exeBase.startsWith('__debug_bin');
    const tracer = p.tracerPid ? byPid.get(tgidOf(root, p.tracerPid) ?? -1) : undefined;
    const dlvParent =
      parentBase === 'dlv' || parentBase === 'dlv-dap'
        ? parent
        : tracer && basename(tracer.exe ?? tracer.name) === 'dlv'
          ? tracer
          : undefined;
    if (!cwdIn && !exeIn && !(dlvParent && isWithin(dlvParent.cwd, ws))) continue;
    if (!(debugBin || goRun || dlvParent || exeIn || cwdIn)) continue;
    const info = buildInfo(p);
    if (info === null && !debugBin && !exeIn) continue; // not a Go program
    if (isGoTool(info, p.exe)) continue;
    const reasons: Reason[] = [];
    if (cwdIn) reasons.push(reason('cwd-in-workspace', p.cwd));
    if (exeIn) reasons.push(reason('exe-in-workspace', p.exe));
    if (info?.module && modules.has(info.module)) reasons.push(reason('module-matches', info.module));
    if (debugBin || dlvParent) {
      if (debugBin) reasons.unshift(reason('debug-bin-name', exeBase));
      if (dlvParent) reasons.unshift(reason('child-of-dlv', String(dlvParent.pid)));
      add(p, 'delve-debuggee', 90, reasons, info);
    } else if (goRun) {
      reasons.unshift(reason('go-build-exe', p.exe));
      add(p, 'go-run', 80, reasons, info);
    } else if (exeIn || (info?.module && modules.has(info.module))) {
      add(p, 'built-binary', 70, reasons, info);
    } else {
      add(p, 'go-process-in-workspace', 40, reasons, info);
    }
  }
  const describe = (pid: number): ProcInfo =>
    byPid.get(pid) ?? (platform === 'linux' ? readProcLinux(root, pid) : undefined) ?? { pid, name: String(pid), cmdline: [] };
  for (const d of opts.debugPids ?? []) {
    const p = describe(d.pid);
    add(
      p,
      'debug-session',
      100,
      [reason('dap-process-event', d.name ?? '')],
      platform === 'linux' && byPid.has(d.pid) ? buildInfo(p) : undefined,
    );
  }
  for (const pid of opts.pickedPids ?? []) add(describe(pid), 'picked', 100, [reason('picked')]);
  return [...out.values()].sort((a, b) => b.score - a.score || a.pid - b.pid);
}

/**
 * Is `b` a restart of the program `a` was (new pid, same program)? Same working directory, and the same executable
 * path (a rebuilt binary), or the same main package and module (`go run` builds a new executable on each run: a new
 * go-build temp dir before Go 1.24, a new build-cache entry after an edit since; Delve names each build
 * `__debug_bin<random>`), or the same kind and executable name.
 */
export function sameProgram(a: ProcessCandidate, b: ProcessCandidate): boolean {
  if (a.pid === b.pid) return false;
  if ((a.cwd ?? '') !== (b.cwd ?? '')) return false;
  if (a.exe && a.exe === b.exe) return true;
  if (a.mainPackage && a.mainPackage !== 'command-line-arguments' && a.mainPackage === b.mainPackage && a.mainModule === b.mainModule)
    return true;
  const name = (c: ProcessCandidate) => basename(c.exe ?? c.name);
  return a.kind === b.kind && name(a) === name(b) && !name(a).startsWith('__debug_bin');
}

/** The candidate among `cands` that is a restart of `prev` (best score first), if any. */
export function findRestart(
  prev: ProcessCandidate,
  cands: readonly ProcessCandidate[],
  exclude: ReadonlySet<number> = new Set(),
): ProcessCandidate | undefined {
  return cands.find((c) => !exclude.has(c.pid) && sameProgram(prev, c));
}

/**
 * Folders under `root` (itself included) with a main package that has `func main`, where `go run .` starts a
 * program; breadth first, so the workspace folder itself comes first when it is one. Skips what `./...` skips
 * (vendor, testdata, hidden and `_` folders).
 */
export function mainPackageDirs(root: string, depth = 4, limit = 50): string[] {
  const out: string[] = [];
  let level = [resolve(root)];
  for (let d = 0; d <= depth && level.length && out.length < limit; d++) {
    const next: string[] = [];
    for (const dir of level) {
      let ents;
      try {
        ents = readdirSync(dir, { withFileTypes: true });
      } catch {
        continue;
      }
      let isMain = false;
      for (const e of ents) {
        if (e.isDirectory()) {
          if (!/^[._]/.test(e.name) && !['vendor', 'testdata', 'node_modules'].includes(e.name)) next.push(join(dir, e.name));
        } else if (!isMain && e.isFile() && e.name.endsWith('.go') && !e.name.endsWith('_test.go')) {
          try {
            const text = readFileSync(join(dir, e.name), 'utf8');
            isMain = /^package main\b/m.test(text) && /^func main\(\)/m.test(text);
          } catch {
            /* unreadable */
          }
        }
      }
      if (isMain) out.push(dir);
    }
    level = next.sort();
  }
  return out.slice(0, limit);
}
