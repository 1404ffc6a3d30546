// The messages between the extension host (src/vscode/socketView.ts) and the Live Sockets webview (media/), with
// runtime validators used on both sides: a webview message is untrusted input to the host, and a host message
// may come from an older or newer build of the other side after an update. Pure TypeScript with no Node or DOM
// imports beyond types: it is bundled into the browser too.
//
// The types are written out as interfaces (what readers and the other side's author look at) and each has a
// schema typed against it, so the compiler proves the validator checks every field the interface declares.
import type { CandidateKind, ProcessCandidate, Reason } from './discover';
import type { GoroutineGroup, GoroutineReport, NetOp } from './goroutines';
import type { Guidance, GuidanceRuleId, SymptomId } from './guidance';
import type { Attribution, FdUsage, TcpState, Text, TimerKind } from './model';
import type { History, SampleSummary, TrackedSocket } from './sampler';

/** Bumped when a message changes shape incompatibly; the view ignores a host speaking another version. */
export const PROTOCOL_VERSION = 1;

export type Locale = 'en' | 'zh-cn';

// ---------------------------------------------------------------------------------------------------------------
// Schemas

/** Validates an unknown value as T. `check` returns an error ("path: what") or undefined. */
export interface Schema<T> {
  check(v: unknown, path: string): string | undefined;
  /** phantom: makes Schema<T> invariant in T so a schema for one type is not accepted for another */
  readonly _type?: (t: T) => T;
}

type Shape<T> = { [K in keyof T]-?: Schema<T[K]> };

function schema<T>(check: (v: unknown, path: string) => string | undefined): Schema<T> {
  return { check };
}

const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

export const str: Schema<string> = schema((v, p) => (typeof v === 'string' ? undefined : `${p}: expected a string`));
export const num: Schema<number> = schema((v, p) => (typeof v === 'number' && Number.isFinite(v) ? undefined : `${p}: expected a number`));
export const int: Schema<number> = schema((v, p) => (Number.isSafeInteger(v) ? undefined : `${p}: expected an integer`));
export const bool: Schema<boolean> = schema((v, p) => (typeof v === 'boolean' ? undefined : `${p}: expected a boolean`));

export function lit<const L extends readonly (string | number)[]>(values: L): Schema<L[number]> {
  const set = new Set<unknown>(values);
  return schema((v, p) => (set.has(v) ? undefined : `${p}: expected one of ${values.join(', ')}`));
}

export function opt<T>(s: Schema<T>): Schema<T | undefined> {
  return schema((v, p) => (v === undefined ? undefined : s.check(v, p)));
}

export function arr<T>(s: Schema<T>): Schema<T[]> {
  return schema((v, p) => {
    if (!Array.isArray(v)) return `${p}: expected an array`;
    for (let i = 0; i < v.length; i++) {
      const e = s.check(v[i], `${p}[${i}]`);
      if (e) return e;
    }
    return undefined;
  });
}

export function record<T>(s: Schema<T>): Schema<Record<string, T>> {
  return schema((v, p) => {
    if (!isObj(v)) return `${p}: expected an object`;
    for (const k of Object.keys(v)) {
      const e = s.check(v[k], `${p}.${k}`);
      if (e) return e;
    }
    return undefined;
  });
}

/** An object with exactly the declared fields checked; unknown extra fields are ignored (forward compatible). */
export function obj<T>(shape: Shape<T>): Schema<T> {
  const keys = Object.keys(shape) as (keyof T & string)[];
  return schema((v, p) => {
    if (!isObj(v)) return `${p}: expected an object`;
    for (const k of keys) {
      const e = (shape[k] as Schema<unknown>).check(v[k], `${p}.${k}`);
      if (e) return e;
    }
    return undefined;
  });
}

/** A union discriminated by `tag`; every variant of T needs its schema. */
export function tagged<T extends Record<K, string>, K extends string>(
  tag: K,
  variants: { [V in T[K]]: Shape<Extract<T, Record<K, V>>> },
): Schema<T> {
  const table: Record<string, Schema<unknown> | undefined> = {};
  for (const [k, shape] of Object.entries(variants)) table[k] = obj(shape as Shape<unknown>);
  return schema((v, p) => {
    if (!isObj(v)) return `${p}: expected an object`;
    const t = v[tag];
    const s = typeof t === 'string' && Object.prototype.hasOwnProperty.call(table, t) ? table[t] : undefined;
    return s ? s.check(v, p) : `${p}.${tag}: unknown ${JSON.stringify(t)}`;
  });
}

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

export function parse<T>(s: Schema<T>, v: unknown, what = 'message'): Parsed<T> {
  const error = s.check(v, what);
  return error ? { ok: false, error } : { ok: true, value: v as T };
}

// ---------------------------------------------------------------------------------------------------------------
// Closed sets, checked against the engine's types so a new state or symptom cannot be forgotten here.

/** `allOf<T>()([...])`: the list must name every member of the union T (a compile error otherwise). */
function allOf<T>() {
  return <const L extends readonly T[]>(l: L & ([T] extends [L[number]] ? unknown : { missing: Exclude<T, L[number]> })): L => l;
}

export const TCP_STATE_IDS = allOf<TcpState>()([
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
]);

const TIMER_IDS = allOf<TimerKind>()(['none', 'retransmit', 'keepalive', 'timewait', 'probe']);

const ATTRIBUTION_IDS = allOf<Attribution>()(['fd', 'listen-port', 'known-tuple', 'known-peer']);

export const SYMPTOM_IDS = allOf<SymptomId>()([
  'close-wait',
  'established-growth',
  'time-wait-churn',
  'syn-sent',
  'send-q',
  'accept-backlog',
  'fd-usage',
  'dead-socket-fds',
  'other-socket-fds',
]);

const RULE_IDS = allOf<GuidanceRuleId>()([
  'conn-not-closed',
  'read-no-deadline',
  'dial-no-timeout',
  'body-not-closed',
  'http-client-no-timeout',
  'http-server-no-timeouts',
  'accept-error-spin',
]);

const CANDIDATE_KINDS = allOf<CandidateKind>()([
  'debug-session',
  'delve-debuggee',
  'go-run',
  'built-binary',
  'go-process-in-workspace',
  'picked',
]);

const NET_OPS = allOf<NetOp>()(['Read', 'Write', 'Accept', 'Connect', 'netpoll']);

/** The states shown as chips, in this order; FIN_WAIT1 and FIN_WAIT2 share the FIN_WAIT chip. */
export const CHIP_STATES = ['ESTABLISHED', 'CLOSE_WAIT', 'TIME_WAIT', 'SYN_SENT', 'FIN_WAIT', 'LISTEN'] as const;
export type ChipState = (typeof CHIP_STATES)[number];

export function chipOf(s: TcpState): ChipState | undefined {
  if (s === 'FIN_WAIT1' || s === 'FIN_WAIT2') return 'FIN_WAIT';
  return (CHIP_STATES as readonly string[]).includes(s) ? (s as ChipState) : undefined;
}

// ---------------------------------------------------------------------------------------------------------------
// Host -> view payloads

export type { Text };
const text: Schema<Text> = obj<Text>({ en: str, 'zh-cn': str });

/** One socket row: the engine's TrackedSocket without the queue histories. */
export interface ViewSocket {
  key: string;
  family: 4 | 6;
  state: TcpState;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  recvQ: number;
  sendQ: number;
  timer: TimerKind;
  /**
   * ms since epoch when the timer fires; 0 for no timer and for keepalive. Absolute, because a relative value
   * changes at every sample; and none for keepalive, because Go turns TCP keepalive on by default (15 s) and those
   * timers re-arm every idle period: their deadlines say nothing about the connection and would put most sockets
   * into every diff.
   */
  timerAt: number;
  retransmits: number;
  attribution: Attribution;
  fd?: number;
  inode?: number;
  /** ms since epoch when first seen; equal to the first sample's time when it was already open then ("seen for ≥") */
  firstSeen: number;
  /** ms since epoch when first seen in its current state */
  stateSince: number;
}

export const viewSocket: Schema<ViewSocket> = obj<ViewSocket>({
  key: str,
  family: lit([4, 6] as const),
  state: lit(TCP_STATE_IDS),
  localAddress: str,
  localPort: int,
  remoteAddress: str,
  remotePort: int,
  recvQ: num,
  sendQ: num,
  timer: lit(TIMER_IDS),
  timerAt: num,
  retransmits: num,
  attribution: lit(ATTRIBUTION_IDS),
  fd: opt(int),
  inode: opt(num),
  firstSeen: num,
  stateSince: num,
});

/** One point of the chart: state counts and fds at a sample. */
export interface ViewSample {
  time: number;
  /** the process sampled (changes when a restart was followed) */
  pid: number;
  counts: Partial<Record<TcpState, number>>;
  total: number;
  fds?: number;
  fdLimit?: number;
  opened: number;
  closed: number;
  sendQTotal: number;
  /** socket fds in no TCP table */
  otherSocketFds?: number;
}

const counts: Schema<Partial<Record<TcpState, number>>> = schema((v, p) => {
  if (!isObj(v)) return `${p}: expected an object`;
  for (const k of Object.keys(v)) {
    if (!(TCP_STATE_IDS as readonly string[]).includes(k)) return `${p}: unknown state ${k}`;
    if (!Number.isSafeInteger(v[k])) return `${p}.${k}: expected an integer`;
  }
  return undefined;
});

export const viewSample: Schema<ViewSample> = obj<ViewSample>({
  time: num,
  pid: int,
  counts,
  total: int,
  fds: opt(int),
  fdLimit: opt(num),
  opened: int,
  closed: int,
  sendQTotal: num,
  otherSocketFds: opt(int),
});

export interface ViewFdUsage {
  open: number;
  softLimit?: number;
  hardLimit?: number;
}
const fdUsage: Schema<ViewFdUsage> = obj<ViewFdUsage>({ open: int, softLimit: opt(num), hardLimit: opt(num) });

export interface ViewReason extends Text {
  code: string;
}
export interface ViewCandidate {
  pid: number;
  name: string;
  exe?: string;
  cwd?: string;
  cmdline: string[];
  kind: CandidateKind;
  /** why it matched, best first */
  reasons: ViewReason[];
  goVersion?: string;
  mainModule?: string;
}
export const viewCandidate: Schema<ViewCandidate> = obj<ViewCandidate>({
  pid: int,
  name: str,
  exe: opt(str),
  cwd: opt(str),
  cmdline: arr(str),
  kind: lit(CANDIDATE_KINDS),
  reasons: arr(obj<ViewReason>({ code: str, en: str, 'zh-cn': str })),
  goVersion: opt(str),
  mainModule: opt(str),
});

/** What the view is showing, each non-attached state with the actions offered (first = primary). */
export type AttachStatus =
  | { kind: 'discovering' }
  /** Restricted Mode: the view inspects no process until the workspace is trusted */
  | { kind: 'untrusted' }
  /** no Go process of the workspace runs */
  | { kind: 'no-process'; workspace?: string }
  /** several candidates and none clearly best: the user picks */
  | { kind: 'choose' }
  | { kind: 'attached'; target: ViewCandidate; followedFrom?: number }
  /** the target exited; the host keeps looking for a restart of the same program */
  | { kind: 'exited'; pid: number; message: string; target?: ViewCandidate }
  /** no such process (a mistyped PID, or it exited before the first sample) */
  | { kind: 'missing'; pid: number; message: string }
  | { kind: 'denied'; pid: number; owner?: string; message: string }
  | { kind: 'unsupported'; platform: string; message: string }
  | { kind: 'error'; pid?: number; message: string };

export const attachStatus: Schema<AttachStatus> = tagged<AttachStatus, 'kind'>('kind', {
  discovering: { kind: lit(['discovering'] as const) },
  untrusted: { kind: lit(['untrusted'] as const) },
  'no-process': { kind: lit(['no-process'] as const), workspace: opt(str) },
  choose: { kind: lit(['choose'] as const) },
  attached: { kind: lit(['attached'] as const), target: viewCandidate, followedFrom: opt(int) },
  exited: { kind: lit(['exited'] as const), pid: int, message: str, target: opt(viewCandidate) },
  missing: { kind: lit(['missing'] as const), pid: int, message: str },
  denied: { kind: lit(['denied'] as const), pid: int, owner: opt(str), message: str },
  unsupported: { kind: lit(['unsupported'] as const), platform: str, message: str },
  error: { kind: lit(['error'] as const), pid: opt(int), message: str },
});

/**
 * Buttons a state offers. `runGo`, `learnMore` and `manageTrust` are sent to the host as messages of the same type, `retry` as `discover`;
 * `pick` opens the view's candidate list (and asks the host to rediscover); `manualPid` opens the PID field.
 */
export const STATE_ACTIONS = ['runGo', 'pick', 'manualPid', 'retry', 'learnMore', 'manageTrust'] as const;
export type StateAction = (typeof STATE_ACTIONS)[number];

export interface ViewEvidence {
  count: number;
  durationS?: number;
  from?: number;
  to?: number;
  peers: string[];
  localPorts: number[];
  keys: string[];
  text: Text;
}
export interface ViewGuidance {
  id: SymptomId;
  severity: 'error' | 'warning' | 'info';
  title: Text;
  explanation: Text;
  evidence: ViewEvidence;
  /** analyzer rules "Find the cause" runs */
  rules: GuidanceRuleId[];
}
export const viewGuidance: Schema<ViewGuidance> = obj<ViewGuidance>({
  id: lit(SYMPTOM_IDS),
  severity: lit(['error', 'warning', 'info'] as const),
  title: text,
  explanation: text,
  evidence: obj<ViewEvidence>({
    count: num,
    durationS: opt(num),
    from: opt(num),
    to: opt(num),
    peers: arr(str),
    localPorts: arr(int),
    keys: arr(str),
    text,
  }),
  rules: arr(lit(RULE_IDS)),
});

/** A finding of "Find the cause", positions 1-based. */
export interface ViewFinding {
  /** absolute file system path (what openLocation sends back) */
  file: string;
  /** shown in the link: workspace-relative when possible */
  label: string;
  line: number;
  column: number;
  rule: string;
  severity: string;
  message: string;
}
export const viewFinding: Schema<ViewFinding> = obj<ViewFinding>({
  file: str,
  label: str,
  line: int,
  column: int,
  rule: str,
  severity: str,
  message: str,
});

export interface ViewFrame {
  func: string;
  file: string;
  line: number;
}
const viewFrame: Schema<ViewFrame> = obj<ViewFrame>({ func: str, file: str, line: int });

export interface ViewGoroutineGroup {
  count: number;
  state: string;
  maxWaitMinutes?: number;
  op?: NetOp;
  /** first frame in the user's code (else where the goroutine was created) */
  userFrame?: ViewFrame;
  userFrameFromCreatedBy?: boolean;
  /** the stack, innermost first (capped) */
  frames: ViewFrame[];
}
const viewGoroutineGroup: Schema<ViewGoroutineGroup> = obj<ViewGoroutineGroup>({
  count: int,
  state: str,
  maxWaitMinutes: opt(num),
  op: opt(lit(NET_OPS)),
  userFrame: opt(viewFrame),
  userFrameFromCreatedBy: opt(bool),
  frames: arr(viewFrame),
});

// ---------------------------------------------------------------------------------------------------------------
// Host -> view messages

export interface HelloMessage {
  type: 'hello';
  version: number;
  locale: Locale;
  /** the view's strings (ids of VIEW_STRINGS) already translated by the host's l10n bundle */
  strings: Record<string, string>;
  /** whether goroutine grouping is on (conndoctor.goroutines.enabled) */
  goroutinesEnabled: boolean;
}
export interface AttachMessage {
  type: 'attach';
  status: AttachStatus;
  actions: StateAction[];
  /** current discovery result, best first (for the picker, in any state) */
  candidates: ViewCandidate[];
}
export interface SamplingMessage {
  type: 'sampling';
  paused: boolean;
  intervalMs: number;
}
/** The whole socket list: on attach, after `ready`/`requestState`, and whenever the host prefers it to a diff. */
export interface SnapshotMessage {
  type: 'snapshot';
  /** increases by one with every snapshot or diff */
  seq: number;
  pid: number;
  time: number;
  /** time of the first sample of this target: sockets with firstSeen equal to it were already open ("≥") */
  firstSampleTime: number;
  sockets: ViewSocket[];
  /** keys of sockets that appeared since the previous sample */
  opened: string[];
  /** sockets gone since the previous sample (shown struck through until the next sample) */
  closed: ViewSocket[];
  sample: ViewSample;
  fds?: ViewFdUsage;
  otherNetns?: boolean;
  notes?: string[];
  elapsedMs: number;
}
/** Changes since the message with seq `baseSeq`; the view asks for a snapshot (requestState) on a gap. */
export interface DiffMessage {
  type: 'diff';
  seq: number;
  baseSeq: number;
  pid: number;
  time: number;
  /** new sockets and sockets whose fields changed */
  upsert: ViewSocket[];
  /** keys gone since the previous sample (the closed sockets) */
  removed: string[];
  /** keys in `upsert` that are new sockets (a new inode on a known key counts as new) */
  opened: string[];
  sample: ViewSample;
  fds?: ViewFdUsage;
  notes?: string[];
  elapsedMs: number;
}
/** The chart series (replaces what the view has): on attach, `ready`, and after following a restart. */
export interface HistoryMessage {
  type: 'history';
  samples: ViewSample[];
}
export interface GuidanceMessage {
  type: 'guidance';
  /** active symptoms, most severe first */
  items: ViewGuidance[];
}
/** What "Find the cause" searched: the attached program's module, or the whole workspace and why. */
export type FindingsScope =
  /** the program's main package (`label`: its folder) and the `packages` - 1 packages of its module it imports */
  | { kind: 'program'; module: string; label: string; packages: number }
  | { kind: 'module'; module: string; /** its folder, as the workspace shows it ('' = the workspace folder) */ label: string }
  | { kind: 'workspace'; why: 'no-target' | 'no-module' };
export const findingsScope: Schema<FindingsScope> = tagged<FindingsScope, 'kind'>('kind', {
  program: { kind: lit(['program'] as const), module: str, label: str, packages: int },
  module: { kind: lit(['module'] as const), module: str, label: str },
  workspace: { kind: lit(['workspace'] as const), why: lit(['no-target', 'no-module'] as const) },
});

export interface FindingsMessage {
  type: 'findings';
  symptom: SymptomId;
  status: 'running' | 'done' | 'error';
  findings: ViewFinding[];
  analyzedFiles: number;
  errors: string[];
  scope?: FindingsScope;
}
export interface GoroutinesMessage {
  type: 'goroutines';
  /** off: setting disabled; searching: probing listeners; no-pprof: no loopback /debug/pprof; ok: `groups` valid */
  status: 'off' | 'searching' | 'no-pprof' | 'ok' | 'error';
  port?: number;
  total?: number;
  /** groups blocked in network I/O, largest first */
  groups: ViewGoroutineGroup[];
  message?: string;
}

export type HostMessage =
  | HelloMessage
  | AttachMessage
  | SamplingMessage
  | SnapshotMessage
  | DiffMessage
  | HistoryMessage
  | GuidanceMessage
  | FindingsMessage
  | GoroutinesMessage;

export const hostMessage: Schema<HostMessage> = tagged<HostMessage, 'type'>('type', {
  hello: {
    type: lit(['hello'] as const),
    version: int,
    locale: lit(['en', 'zh-cn'] as const),
    strings: record(str),
    goroutinesEnabled: bool,
  },
  attach: {
    type: lit(['attach'] as const),
    status: attachStatus,
    actions: arr(lit(STATE_ACTIONS)),
    candidates: arr(viewCandidate),
  },
  sampling: { type: lit(['sampling'] as const), paused: bool, intervalMs: num },
  snapshot: {
    type: lit(['snapshot'] as const),
    seq: int,
    pid: int,
    time: num,
    firstSampleTime: num,
    sockets: arr(viewSocket),
    opened: arr(str),
    closed: arr(viewSocket),
    sample: viewSample,
    fds: opt(fdUsage),
    otherNetns: opt(bool),
    notes: opt(arr(str)),
    elapsedMs: num,
  },
  diff: {
    type: lit(['diff'] as const),
    seq: int,
    baseSeq: int,
    pid: int,
    time: num,
    upsert: arr(viewSocket),
    removed: arr(str),
    opened: arr(str),
    sample: viewSample,
    fds: opt(fdUsage),
    notes: opt(arr(str)),
    elapsedMs: num,
  },
  history: { type: lit(['history'] as const), samples: arr(viewSample) },
  guidance: { type: lit(['guidance'] as const), items: arr(viewGuidance) },
  findings: {
    type: lit(['findings'] as const),
    symptom: lit(SYMPTOM_IDS),
    status: lit(['running', 'done', 'error'] as const),
    findings: arr(viewFinding),
    analyzedFiles: int,
    errors: arr(str),
    scope: opt(findingsScope),
  },
  goroutines: {
    type: lit(['goroutines'] as const),
    status: lit(['off', 'searching', 'no-pprof', 'ok', 'error'] as const),
    port: opt(int),
    total: opt(int),
    groups: arr(viewGoroutineGroup),
    message: opt(str),
  },
});

// ---------------------------------------------------------------------------------------------------------------
// View -> host messages

export const EXPORT_FORMATS = ['json', 'csv', 'markdown'] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** The sampling interval's bounds (conndoctor.sockets.interval in package.json). */
export const MIN_INTERVAL_MS = 250;
export const MAX_INTERVAL_MS = 60000;

export type ViewMessage =
  /** the view (re)loaded: the host answers with hello, attach, sampling, history, snapshot, guidance, goroutines */
  | { type: 'ready' }
  /** the view missed a diff: the host answers with a snapshot */
  | { type: 'requestState' }
  /** attach to this PID (from the picker, or typed by the user when `manual`) */
  | { type: 'attach'; pid: number; manual: boolean }
  /** run discovery again (picker opened, "retry") */
  | { type: 'discover' }
  | { type: 'pause' }
  | { type: 'resume' }
  | { type: 'setInterval'; ms: number }
  /** run the workspace analysis for the symptom's rules; the host answers with `findings` */
  | { type: 'findCause'; symptom: SymptomId }
  /** open a file at a 1-based line (finding link, goroutine frame) */
  | { type: 'openLocation'; file: string; line: number; column?: number }
  | { type: 'export'; format: ExportFormat }
  /** start `go run .` in a terminal in the workspace folder */
  | { type: 'runGo' }
  /** platform without a collector: open the documentation */
  | { type: 'learnMore' }
  /** Restricted Mode: open the Workspace Trust editor */
  | { type: 'manageTrust' };

const positiveInt: Schema<number> = schema((v, p) =>
  Number.isSafeInteger(v) && (v as number) > 0 ? undefined : `${p}: expected a positive integer`,
);

export const viewMessage: Schema<ViewMessage> = tagged<ViewMessage, 'type'>('type', {
  ready: { type: lit(['ready'] as const) },
  requestState: { type: lit(['requestState'] as const) },
  attach: { type: lit(['attach'] as const), pid: positiveInt, manual: bool },
  discover: { type: lit(['discover'] as const) },
  pause: { type: lit(['pause'] as const) },
  resume: { type: lit(['resume'] as const) },
  setInterval: {
    type: lit(['setInterval'] as const),
    ms: schema<number>((v, p) =>
      Number.isSafeInteger(v) && (v as number) >= MIN_INTERVAL_MS && (v as number) <= MAX_INTERVAL_MS
        ? undefined
        : `${p}: expected an integer in [${MIN_INTERVAL_MS}, ${MAX_INTERVAL_MS}]`,
    ),
  },
  findCause: { type: lit(['findCause'] as const), symptom: lit(SYMPTOM_IDS) },
  openLocation: {
    type: lit(['openLocation'] as const),
    file: schema<string>((v, p) => (typeof v === 'string' && v.length > 0 && !v.includes('\0') ? undefined : `${p}: expected a path`)),
    line: positiveInt,
    column: opt(positiveInt),
  },
  export: { type: lit(['export'] as const), format: lit(EXPORT_FORMATS) },
  runGo: { type: lit(['runGo'] as const) },
  learnMore: { type: lit(['learnMore'] as const) },
  manageTrust: { type: lit(['manageTrust'] as const) },
});

export const parseHostMessage = (v: unknown): Parsed<HostMessage> => parse(hostMessage, v);
export const parseViewMessage = (v: unknown): Parsed<ViewMessage> => parse(viewMessage, v);

// ---------------------------------------------------------------------------------------------------------------
// Engine -> protocol conversions (host side; pure, so tests and the recorder use them too)

/** `time`: the time of the snapshot the socket was read in. */
export function toViewSocket(s: TrackedSocket, time: number): ViewSocket {
  return {
    key: s.key,
    family: s.family,
    state: s.state,
    localAddress: s.localAddress,
    localPort: s.localPort,
    remoteAddress: s.remoteAddress,
    remotePort: s.remotePort,
    recvQ: s.recvQ,
    sendQ: s.sendQ,
    timer: s.timer,
    timerAt: s.timer === 'none' || s.timer === 'keepalive' ? 0 : time + s.timerMs,
    retransmits: s.retransmits,
    attribution: s.attribution,
    fd: s.fd,
    inode: s.inode,
    firstSeen: s.firstSeen,
    stateSince: s.stateSince,
  };
}

export function toViewSample(s: SampleSummary, pid: number): ViewSample {
  const c: Partial<Record<TcpState, number>> = {};
  for (const k of TCP_STATE_IDS) if (s.counts[k]) c[k] = s.counts[k];
  return {
    time: s.time,
    pid,
    counts: c,
    total: s.total,
    fds: s.fds?.open,
    fdLimit: s.fds?.softLimit,
    opened: s.opened,
    closed: s.closed,
    sendQTotal: s.sendQTotal,
    otherSocketFds: s.otherSocketFds,
  };
}

function toFdUsage(f: FdUsage | undefined): ViewFdUsage | undefined {
  return f && { open: f.open, softLimit: f.softLimit, hardLimit: f.hardLimit };
}

export function toViewCandidate(c: ProcessCandidate): ViewCandidate {
  return {
    pid: c.pid,
    name: c.name,
    exe: c.exe,
    cwd: c.cwd,
    cmdline: c.cmdline.slice(0, 32),
    kind: c.kind,
    reasons: c.reasons.map((r: Reason) => ({ code: r.code, en: r.en, 'zh-cn': r['zh-cn'] })),
    goVersion: c.goVersion,
    mainModule: c.mainModule,
  };
}

export function toViewGuidance(g: Guidance): ViewGuidance {
  const e = g.evidence;
  return {
    id: g.id,
    severity: g.severity,
    title: g.title,
    explanation: g.explanation,
    evidence: {
      count: e.count,
      durationS: e.durationS,
      from: e.from,
      to: e.to,
      peers: e.peers,
      localPorts: e.localPorts,
      keys: e.keys,
      text: e.text,
    },
    rules: g.rules,
  };
}

const MAX_FRAMES = 24;
const MAX_GROUPS = 50;

function toViewGroup(g: GoroutineGroup): ViewGoroutineGroup {
  return {
    count: g.count,
    state: g.state,
    maxWaitMinutes: g.maxWaitMinutes,
    op: g.op,
    userFrame: g.userFrame,
    userFrameFromCreatedBy: g.userFrameFromCreatedBy,
    frames: g.frames.slice(0, MAX_FRAMES).map((f) => ({ func: f.func, file: f.file, line: f.line })),
  };
}

export function goroutinesMessage(r: GoroutineReport | undefined, enabled: boolean): GoroutinesMessage {
  if (!enabled) return { type: 'goroutines', status: 'off', groups: [] };
  if (!r) return { type: 'goroutines', status: 'no-pprof', groups: [] };
  return { type: 'goroutines', status: 'ok', port: r.port, total: r.total, groups: r.netBlocked.slice(0, MAX_GROUPS).map(toViewGroup) };
}

export function historyMessage(samples: readonly ViewSample[]): HistoryMessage {
  return { type: 'history', samples: [...samples] };
}

/** Timers that moved by less than this are not a change (the view counts down from the value it has). */
const TIMER_SLACK_MS = 1000;

function sameSocket(a: ViewSocket, b: ViewSocket): boolean {
  return (
    a.state === b.state &&
    a.recvQ === b.recvQ &&
    a.sendQ === b.sendQ &&
    a.timer === b.timer &&
    Math.abs(a.timerAt - b.timerAt) < TIMER_SLACK_MS &&
    a.retransmits === b.retransmits &&
    a.attribution === b.attribution &&
    a.fd === b.fd &&
    a.inode === b.inode &&
    a.firstSeen === b.firstSeen &&
    a.stateSince === b.stateSince
  );
}

/**
 * Turns successive sampler Histories of one view into snapshot and diff messages. The first sample after
 * `reset()` (attach, restart followed, view reloaded, gap reported) is a snapshot; later ones are diffs against
 * what was last sent. Keeps the ViewSamples of the chart, across followed restarts.
 */
export class ViewFeed {
  private seq = 0;
  private sent: Map<string, ViewSocket> | undefined;
  private firstSampleTime = 0;
  private history: History | undefined;
  readonly samples: ViewSample[] = [];

  constructor(private readonly historySize = 600) {}

  /** The next message is a full snapshot (call on `ready`, `requestState`, attach). */
  reset(): void {
    this.sent = undefined;
  }

  /** Drops the chart series too (attaching to another program; not for a followed restart). */
  clear(): void {
    this.reset();
    this.samples.length = 0;
  }

  /** Call after each sample with status 'ok'; returns undefined when the history has no (new) sample. */
  next(h: History): SnapshotMessage | DiffMessage | undefined {
    const latest = h.latest;
    const summary = h.samples.at(-1);
    if (h.status !== 'ok' || !latest || !summary) return undefined;
    const sample = toViewSample(summary, h.pid);
    if (this.samples.at(-1)?.time !== sample.time) {
      this.samples.push(sample);
      if (this.samples.length > this.historySize) this.samples.splice(0, this.samples.length - this.historySize);
    }
    if (h !== this.history || (h.since !== undefined && h.since !== this.firstSampleTime)) {
      // a new target or a followed restart (the sampler keeps one History across a restart and sets `since` to the
      // new process's first sample): its sockets were first seen at that sample
      this.history = h;
      this.firstSampleTime = h.since ?? h.samples[0].time;
      this.sent = undefined;
    }
    const sockets = latest.sockets.map((s) => toViewSocket(s, latest.time));
    const opened = (h.diff?.opened ?? []).map((s) => s.key);
    const prev = this.sent;
    const seq = ++this.seq;
    if (!prev) {
      this.sent = new Map(sockets.map((s) => [s.key, s]));
      return {
        type: 'snapshot',
        seq,
        pid: h.pid,
        time: latest.time,
        firstSampleTime: this.firstSampleTime,
        sockets,
        opened,
        closed: (h.diff?.closed ?? []).map((s) => toViewSocket(s, latest.time)),
        sample,
        fds: toFdUsage(latest.fds),
        otherNetns: latest.otherNetns,
        notes: latest.notes,
        elapsedMs: latest.elapsedMs,
      };
    }
    // `sent` mirrors what the view holds: a socket within the timer slack keeps the copy the view has, so small
    // timer moves never add up to a drift
    const upsert: ViewSocket[] = [];
    const sent = new Map<string, ViewSocket>();
    for (const s of sockets) {
      const p = prev.get(s.key);
      if (p && sameSocket(p, s)) sent.set(s.key, p);
      else {
        upsert.push(s);
        sent.set(s.key, s);
      }
    }
    const removed: string[] = [];
    for (const k of prev.keys()) if (!sent.has(k)) removed.push(k);
    this.sent = sent;
    return {
      type: 'diff',
      seq,
      baseSeq: seq - 1,
      pid: h.pid,
      time: latest.time,
      upsert,
      removed,
      opened,
      sample,
      fds: toFdUsage(latest.fds),
      notes: latest.notes,
      elapsedMs: latest.elapsedMs,
    };
  }

  /** The view's snapshot after `requestState`/`ready` without waiting for the next sample. */
  current(h: History): SnapshotMessage | undefined {
    this.reset();
    const m = this.next(h); // the sample is already in `samples` (same time): not appended twice
    return m?.type === 'snapshot' ? m : undefined;
  }
}

/**
 * Applies a diff to the view's socket map in place; returns the sockets it removed (the ones closed since the
 * previous sample). The caller checks `d.baseSeq` against the last seq it applied first.
 */
export function applyDiff(sockets: Map<string, ViewSocket>, d: DiffMessage): ViewSocket[] {
  const closed: ViewSocket[] = [];
  for (const k of d.removed) {
    const s = sockets.get(k);
    if (s) closed.push(s);
    sockets.delete(k);
  }
  for (const s of d.upsert) sockets.set(s.key, s);
  return closed;
}
