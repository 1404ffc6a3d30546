// `conndoctor sockets [--pid N | --workspace DIR] [--watch] [--json]`: a snapshot of a Go process's TCP sockets
// (state counts, fd usage, sockets, guidance), or a view that refreshes in place with --watch.
import { readFileSync, readlinkSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createCollector } from './collector';
import { discover, findRestart, type ProcessCandidate } from './discover';
import { GoroutineProbe, type GoroutineReport } from './goroutines';
import { analyzeHistory, otherText, type Guidance, type GuidanceOptions } from './guidance';
import { TCP_STATES, endpoint, type TcpState } from './model';
import { isFinal, Sampler, type History, type TrackedSocket } from './sampler';
import { nonZeroCounts, WatchStream } from './stream';

export const SOCKETS_USAGE = `Usage: conndoctor sockets [--pid N | --workspace DIR] [--watch] [--json [--full]]

Shows the live TCP sockets of a running Go process and explains what they mean.

Flags:
  --pid N              the process to inspect
  --workspace DIR      find the processes that belong to DIR (go run, built binaries, Delve debuggees);
                       default: the current directory when --pid is not given. With --watch, a restarted
                       program (new pid, same executable or package and working directory) is followed
  --watch              refresh in place until Ctrl-C (or until the process exits, with --pid)
  --json               JSON output. With --watch: one JSON object per line: a full "snapshot" first, then
                       "delta" lines with only the sockets opened, closed or changed (state, queues, timer
                       kind, fd) since the previous line; "status" when the process exited or is missing;
                       "restart" when a restarted program is followed
  --full               with --watch --json: a full snapshot on every line
  --interval MS        time between samples (default 1000)
  --samples N          samples for a snapshot (default 3, so that growth is visible; when a single sample
                       shows CLOSE_WAIT, a second one 0.5 s later confirms it)
  --goroutines         also fetch /debug/pprof/goroutine?debug=2 from the process's own loopback listener
                       (if it serves net/http/pprof) and show goroutines blocked in network I/O
  --lang en|zh-cn      language of the guidance (default from $LANG)
  --all                list every socket (default: the first 40)
  -h, --help

Exit status: 0 sampled (with --watch: sampled at least once), 2 usage error, no such process, process exited,
not permitted.`;

type Lang = 'en' | 'zh-cn';

interface Target {
  pid: number;
  candidate?: ProcessCandidate;
  sampler: Sampler;
  probe?: GoroutineProbe;
  goroutines?: GoroutineReport;
  stream?: WatchStream;
}

export interface SocketsCliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  isTTY: boolean;
  /** a signal that stops --watch (the CLI wires SIGINT/SIGTERM to it) */
  stop?: AbortSignal;
}

const defaultIO: SocketsCliIO = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  isTTY: !!process.stdout.isTTY,
};

/** Time a single sample's CLOSE_WAIT (or dead socket fds) waits for its confirming second sample. */
const CONFIRM_MS = 500;

export async function runSocketsCli(argv: string[], io: SocketsCliIO = defaultIO, guidanceOptions: GuidanceOptions = {}): Promise<number> {
  let args;
  try {
    args = parseArgs({
      args: argv,
      allowPositionals: false,
      options: {
        pid: { type: 'string' },
        workspace: { type: 'string' },
        watch: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        full: { type: 'boolean', default: false },
        interval: { type: 'string', default: '1000' },
        samples: { type: 'string', default: '3' },
        goroutines: { type: 'boolean', default: false },
        lang: { type: 'string' },
        all: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (e) {
    io.err(`conndoctor sockets: ${(e as Error).message}\n${SOCKETS_USAGE}\n`);
    return 2;
  }
  const v = args.values;
  if (v.help) {
    io.out(`${SOCKETS_USAGE}\n`);
    return 0;
  }
  const interval = Number(v.interval);
  const samples = Number(v.samples);
  if (!(interval >= 50) || !(samples >= 1) || !Number.isInteger(samples)) {
    io.err('conndoctor sockets: --interval must be ≥ 50 (ms) and --samples a positive integer\n');
    return 2;
  }
  if (v.pid !== undefined && v.workspace !== undefined) {
    io.err('conndoctor sockets: give --pid or --workspace, not both\n');
    return 2;
  }
  if (v.full && !(v.watch && v.json)) {
    io.err('conndoctor sockets: --full only applies to --watch --json\n');
    return 2;
  }
  const lang: Lang = v.lang === 'zh-cn' || v.lang === 'zh' || (!v.lang && /^zh/i.test(process.env.LANG ?? '')) ? 'zh-cn' : 'en';

  let targets: Target[];
  const workspace = v.workspace ?? process.cwd();
  const byDiscovery = v.pid === undefined;
  const newSampler = (pid: number) => new Sampler(createCollector(pid), { intervalMs: interval, confirmMs: CONFIRM_MS });
  if (v.pid !== undefined) {
    const pid = Number(v.pid);
    if (!Number.isInteger(pid) || pid <= 0) {
      io.err(`conndoctor sockets: bad --pid ${v.pid}\n`);
      return 2;
    }
    targets = [{ pid, sampler: newSampler(pid) }];
  } else {
    const cands = await discover({ workspace });
    if (!cands.length) {
      io.err(`conndoctor sockets: no running Go process belongs to ${workspace} (try --pid)\n`);
      return 2;
    }
    targets = cands.slice(0, 5).map((c) => ({ pid: c.pid, candidate: c, sampler: newSampler(c.pid) }));
  }
  if (v.goroutines) {
    for (const t of targets)
      t.probe = new GoroutineProbe({ modulePath: t.candidate?.mainModule, workspaceDir: v.workspace ? workspace : undefined });
  }

  const sampleAll = async () => {
    await Promise.all(targets.map((t) => t.sampler.sampleNow()));
  };
  const fetchGoroutines = async () => {
    for (const t of targets) {
      const latest = t.sampler.history.latest;
      if (t.probe && latest && t.sampler.history.status === 'ok') t.goroutines = await t.probe.fetch(latest.sockets);
    }
  };
  const anyOk = () => targets.some((t) => t.sampler.history.status === 'ok');

  if (!v.watch) {
    for (let i = 0; i < samples; i++) {
      if (i) await sleep(interval);
      await sampleAll();
      if (targets.every((t) => isFinal(t.sampler.history.status))) break;
    }
    // one sample cannot tell a CLOSE_WAIT pile from a connection caught between EOF and Close: confirm it
    if (samples === 1 && targets.some((t) => needsConfirmation(t.sampler.history))) {
      await sleep(CONFIRM_MS);
      await sampleAll();
    }
    await fetchGoroutines();
    if (v.json) {
      const objs = targets.map((t) => toJson(t, guidanceOptions));
      io.out(`${JSON.stringify(objs.length === 1 ? objs[0] : objs, null, 2)}\n`);
    } else io.out(`${targets.map((t) => renderText(t, lang, !!v.all, guidanceOptions)).join('\n')}\n`);
    return anyOk() ? 0 : 2;
  }

  let stopped = false;
  const onSig = () => {
    stopped = true;
  };
  const ownSignals = !io.stop;
  if (ownSignals) {
    process.once('SIGINT', onSig);
    process.once('SIGTERM', onSig);
  } else io.stop!.addEventListener('abort', onSig);
  for (const t of targets) t.stream = new WatchStream(!!v.full);
  const emit = () => {
    if (v.json) {
      for (const t of targets) {
        for (const line of t.stream!.lines(t.sampler.history, () => jsonExtras(t, guidanceOptions))) io.out(`${JSON.stringify(line)}\n`);
      }
      return;
    }
    const text = targets.map((t) => renderText(t, lang, !!v.all, guidanceOptions)).join('\n');
    if (io.isTTY) io.out(`\x1b[H\x1b[2J${text}\n(refreshing every ${interval} ms; Ctrl-C to stop)\n`);
    else io.out(`${text}\n`);
  };
  try {
    let n = 0;
    while (!stopped) {
      await sampleAll();
      if (byDiscovery) await followRestarts(targets, workspace);
      if (v.goroutines && n % 5 === 0) await fetchGoroutines();
      emit();
      n++;
      // with --pid there is nothing left to watch once every target is gone; with --workspace a restart may come
      if (!byDiscovery && targets.every((t) => isFinal(t.sampler.history.status))) break;
      const delay = Math.max(...targets.map((t) => t.sampler.nextDelay()));
      for (let waited = 0; waited < delay && !stopped; waited += 100) await sleep(Math.min(100, delay - waited));
    }
  } finally {
    if (ownSignals) {
      process.off('SIGINT', onSig);
      process.off('SIGTERM', onSig);
    } else io.stop!.removeEventListener('abort', onSig);
    for (const t of targets) t.sampler.dispose();
  }
  // watching ends normally when the process exits: 0 when it was sampled at all
  return targets.some((t) => t.sampler.history.samples.length > 0) ? 0 : 2;
}

/** A first sample that shows CLOSE_WAIT or socket fds in no table: worth a second look before judging. */
function needsConfirmation(h: History): boolean {
  const l = h.latest;
  return h.status === 'ok' && !!l && (l.sockets.some((s) => s.state === 'CLOSE_WAIT') || (l.otherSockets?.unlisted ?? 0) > 0);
}

/**
 * --workspace --watch: a target whose process is gone is switched to a restart of the same program when discovery
 * finds one (sameProgram: cwd + executable or main package); its history goes on.
 */
async function followRestarts(targets: Target[], workspace: string): Promise<void> {
  const gone = targets.filter((t) => t.candidate && (t.sampler.history.status === 'exited' || t.sampler.history.status === 'missing'));
  if (!gone.length) return;
  let cands: ProcessCandidate[];
  try {
    cands = await discover({ workspace });
  } catch {
    return;
  }
  const taken = new Set(targets.map((t) => t.pid));
  for (const t of gone) {
    const next = findRestart(t.candidate!, cands, taken);
    if (!next) continue;
    taken.add(next.pid);
    t.sampler.retarget(createCollector(next.pid));
    t.pid = next.pid;
    t.candidate = next;
    t.goroutines = undefined;
    await t.sampler.sampleNow();
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function processLabel(t: Target): string {
  if (t.candidate) {
    const c = t.candidate;
    return `${c.name} (${c.kind}: ${c.reasons.map((r) => r.en).join('; ')})`;
  }
  if (process.platform === 'linux') {
    try {
      const comm = readFileSync(`/proc/${t.pid}/comm`, 'utf8').trim();
      let exe = '';
      try {
        exe = readlinkSync(`/proc/${t.pid}/exe`);
      } catch {
        /* not ours */
      }
      return exe ? `${comm} (${exe})` : comm;
    } catch {
      /* gone */
    }
  }
  return '';
}

function processJson(t: Target) {
  return t.candidate
    ? { name: t.candidate.name, kind: t.candidate.kind, exe: t.candidate.exe, cwd: t.candidate.cwd, reasons: t.candidate.reasons }
    : undefined;
}

/** Fields added to every ok line of the watch stream. */
function jsonExtras(t: Target, go: GuidanceOptions) {
  return { process: processJson(t), guidance: analyzeHistory(t.sampler.history, go), goroutines: t.goroutines };
}

/** One-shot JSON: the last sample in full (sockets with their ages and queue histories), or the status. */
function toJson(t: Target, go: GuidanceOptions) {
  const h = t.sampler.history;
  const latest = h.status === 'ok' ? h.latest : undefined;
  return {
    pid: t.pid,
    process: processJson(t),
    status: h.status,
    message: h.message,
    time: latest?.time,
    since: latest ? h.since : undefined,
    samples: h.samples.length,
    counts: latest ? h.samples.at(-1)?.counts : undefined,
    countsHistory: h.samples.map((s) => ({ time: s.time, counts: nonZeroCounts(s.counts), opened: s.opened, closed: s.closed })),
    fds: latest?.fds,
    otherSocketFds: latest?.otherSocketFds,
    otherSockets: latest?.otherSockets,
    otherNetns: latest?.otherNetns,
    sockstat: latest?.sockstat,
    elapsedMs: latest?.elapsedMs,
    sockets: latest?.sockets.map((s) => ({ ...s, ageMs: latest.time - s.firstSeen, stateMs: latest.time - s.stateSince })),
    guidance: analyzeHistory(h, go),
    goroutines: t.goroutines,
  };
}

function pad(s: string, n: number): string {
  return s.length >= n ? `${s} ` : s + ' '.repeat(n - s.length);
}

function age(ms: number): string {
  const s = Math.round(ms / 1000);
  if (s < 90) return `${s}s`;
  if (s < 5400) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

const L = {
  exited: { en: 'process exited', 'zh-cn': '进程已退出' },
  states: { en: 'states', 'zh-cn': '状态' },
  sockets: { en: 'TCP sockets', 'zh-cn': 'TCP 套接字' },
  byPort: { en: 'attributed by port', 'zh-cn': '按端口归属' },
  fds: { en: 'fds', 'zh-cn': '文件描述符' },
  guidance: { en: 'guidance', 'zh-cn': '建议' },
  noGuidance: { en: 'no symptoms detected', 'zh-cn': '未发现症状' },
  lookFor: { en: 'look for', 'zh-cn': '检查规则' },
  more: { en: 'more (use --all)', 'zh-cn': '个未显示（使用 --all）' },
  goroutines: { en: 'goroutines blocked in network I/O', 'zh-cn': '阻塞在网络 I/O 上的 goroutine' },
  other: { en: 'other socket fds', 'zh-cn': '其他套接字描述符' },
  missing: { en: 'no such process', 'zh-cn': '没有这个进程' },
  lastSample: { en: 'last sample at', 'zh-cn': '最后一次采样于' },
  netns: { en: 'in another network namespace', 'zh-cn': '位于另一个网络命名空间' },
};

export function renderText(t: Target, lang: Lang, all: boolean, go: GuidanceOptions = {}): string {
  const h: History = t.sampler.history;
  const lines: string[] = [];
  lines.push(`pid ${t.pid} ${processLabel(t)}`.trimEnd());
  if (h.status !== 'ok' || !h.latest) {
    lines.push(`  ${statusText(h, lang)}`);
    // the last good sample is history now: say when it was, never show it as current
    if (h.latest && h.samples.length) {
      const last = h.samples[h.samples.length - 1];
      const counts = TCP_STATES.filter((st) => last.counts[st]).map((st) => `${st} ${last.counts[st]}`);
      lines.push(`  ${L.lastSample[lang]} ${new Date(last.time).toISOString()}: ${counts.join('  ') || '-'}`);
    }
    return lines.join('\n');
  }
  const latest = h.latest;
  const first = h.samples[0];
  const last = h.samples[h.samples.length - 1];
  const span = h.samples.length > 1 ? ` (${h.samples.length} samples, ${((last.time - first.time) / 1000).toFixed(1)} s)` : '';
  const fds = latest.fds;
  const fdText = fds
    ? `${L.fds[lang]} ${fds.open}${fds.softLimit ? ` / ${fds.softLimit} (${Math.round((100 * fds.open) / fds.softLimit)}%)` : ''}`
    : '';
  lines.push(
    `  ${[
      fdText,
      `${L.sockets[lang]} ${latest.sockets.length}${last.byPort ? ` (${last.byPort} ${L.byPort[lang]})` : ''}`,
      latest.otherSocketFds
        ? `${L.other[lang]} ${latest.otherSocketFds}${latest.otherSockets ? ` (${otherText(latest.otherSockets)[lang]})` : ''}`
        : '',
      latest.otherNetns ? L.netns[lang] : '',
      `${latest.elapsedMs.toFixed(1)} ms`,
    ]
      .filter(Boolean)
      .join('   ')}${span}`,
  );
  const counts = TCP_STATES.filter((s) => last.counts[s] || first.counts[s]).map((s) => {
    const d = last.counts[s] - first.counts[s];
    return `${s} ${last.counts[s]}${h.samples.length > 1 && d ? ` (${d > 0 ? '+' : ''}${d})` : ''}`;
  });
  lines.push(`  ${L.states[lang]}: ${counts.join('  ') || '-'}`);
  const gs: Guidance[] = analyzeHistory(h, go);
  lines.push(`  ${L.guidance[lang]}:${gs.length ? '' : ` ${L.noGuidance[lang]}`}`);
  for (const g of gs) {
    lines.push(`  [${g.severity}] ${g.title[lang]}`);
    lines.push(`      ${g.evidence.text[lang]}`);
    lines.push(`      ${g.explanation[lang]}`);
    lines.push(`      ${L.lookFor[lang]}: ${g.rules.join(', ')}`);
  }
  const socks = [...latest.sockets].sort(sortSockets);
  const shown = all ? socks : socks.slice(0, 40);
  if (shown.length) {
    lines.push(
      `  ${pad('STATE', 12)}${pad('LOCAL', 22)}${pad('REMOTE', 22)}${pad('SEND-Q', 9)}${pad('RECV-Q', 9)}${pad('SEEN FOR', 10)}FD`,
    );
    for (const s of shown) {
      const fd = s.attribution === 'fd' ? String(s.fd ?? '') : `(${s.attribution})`;
      lines.push(
        `  ${pad(s.state, 12)}${pad(endpoint(s.localAddress, s.localPort), 22)}${pad(s.state === 'LISTEN' ? '*' : endpoint(s.remoteAddress, s.remotePort), 22)}${pad(String(s.sendQ), 9)}${pad(String(s.recvQ), 9)}${pad(age(latest.time - s.firstSeen), 10)}${fd}`,
      );
    }
    if (socks.length > shown.length) lines.push(`  … ${socks.length - shown.length} ${L.more[lang]}`);
  }
  if (t.goroutines) {
    lines.push(`  ${L.goroutines[lang]} (pprof :${t.goroutines.port}, ${t.goroutines.total} goroutines):`);
    for (const g of t.goroutines.netBlocked) {
      const wait = g.maxWaitMinutes ? `, ${g.maxWaitMinutes} min` : '';
      lines.push(
        `    ${String(g.count).padStart(4)} × ${pad(g.op ?? '?', 8)}${g.location ?? '?'}${g.userFrame ? ` (${g.userFrame.func})` : ''} [${g.state}${wait}]`,
      );
    }
  }
  return lines.join('\n');
}

/** exited / no such process / not permitted / …, in the user's language where we have it. */
function statusText(h: History, lang: Lang): string {
  if (h.status === 'exited') return L.exited[lang];
  if (h.status === 'missing') return L.missing[lang];
  return h.message ?? h.status;
}

const STATE_ORDER: Partial<Record<TcpState, number>> = {
  LISTEN: 0,
  CLOSE_WAIT: 1,
  SYN_SENT: 2,
  FIN_WAIT2: 3,
  ESTABLISHED: 4,
  TIME_WAIT: 9,
};

function sortSockets(a: TrackedSocket, b: TrackedSocket): number {
  return (STATE_ORDER[a.state] ?? 5) - (STATE_ORDER[b.state] ?? 5) || a.localPort - b.localPort || a.remotePort - b.remotePort;
}
