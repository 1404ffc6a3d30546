// What a function does with the values it is given and what it returns, path by path: the facts
// that let every rule look through helpers, in this package or another one whose source is on disk
// (facts/modules.ts finds it). A summary says, for each parameter that can hold a connection or a
// response body, whether the function closes or keeps it (takes), only uses it (borrows), or hands
// it back inside a result (wraps) — separately on the paths that return a nil error and on those
// that return an error — and whether it sets a deadline on it or reads from it in a loop; for each
// result, whether it is a new connection or response the caller must close.
//
// Same-package summaries are memoized on the package. Other packages are parsed lazily (only when
// a tracked value meets one of their functions, or a call's result kind is needed), a few at a time,
// and their summaries are cached on disk by module@version (the standard library by Go version;
// workspace, vendored and locally replaced packages by a hash of their files).
import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { cacheRoot } from '../cache';
import { BudgetExceeded, offBudget, TooComplex } from '../limits';
import type { SyntaxNode } from '../parser';
import { parseGo } from '../parser';
import { isClosable, isResponse, type Kind } from './kinds';
import { LifecycleAnalyzer, acquisitionsIn, isFreshCall, type Exit, type State, type ValueShape } from './lifecycle';
import { findGoMod } from './gomod';
import { goEnv, isStdPath, resolveImport, type PackageLocation } from './modules';
import { FileFacts, PackageFacts, type FuncInfo } from './package';
import { buildsHere } from './buildtags';
import { enclosingFunction, errNotNil, exprList, isFunctionNode, named, unparen } from './syntax';

/** What a function does with a value: takes it (closes or keeps), borrows it, or returns it inside a result. */
export type Fate = 'takes' | 'borrows' | 'wraps' | 'mixed';

export interface ParamFacts {
  /** On paths that return a nil error (all paths when there is no error result). */
  ok: Fate;
  /** On paths that return a non-nil error; null when there is no error result or no such path. */
  err: Fate | null;
  /** The result that carries the value when `ok` is 'wraps'. */
  wrapsIn: number | null;
  /** Some path closes it. */
  closes: boolean;
  /** Calls SetDeadline/SetReadDeadline on it. */
  setsDeadline: boolean;
  /** Reads from it (Read, io.ReadFull, a bufio.Reader over it, ...). */
  reads: boolean;
  /** Reads from it inside a loop (a session or read loop). */
  readsInLoop: boolean;
}

export interface FuncSummary {
  /** By position; null for parameters that cannot hold a connection or body (ints, strings, structs). */
  params: (ParamFacts | null)[];
  /** For methods: what the method does with its receiver (a wrapper holding a connection). */
  recv?: ParamFacts | null;
  variadic: boolean;
  /** Result kinds, by position (other packages' own types as `pkg/path.T`). */
  results: (Kind | null)[];
  /** Result i is a new connection, listener or response on some successful path. */
  fresh: boolean[];
  /** The last result is `error`. */
  errorResult: boolean;
}

export interface CalleeSummary {
  sum: FuncSummary;
  /** `F` or `Recv.M` in the callee's package. */
  key: string;
  /** The callee is in the caller's package (its key indexes `pkg.funcs`). */
  local: boolean;
}

/** Bumped whenever summaries would come out differently, so disk caches from older versions are ignored. */
export const SUMMARY_VERSION = 1;
const MAX_NESTING = 12;

/** The facts for argument `idx` (the variadic parameter covers the rest). */
export function paramFate(s: FuncSummary, idx: number, _shape?: ValueShape): ParamFacts | null {
  if (idx < s.params.length) return s.params[idx];
  return s.variadic && s.params.length ? s.params[s.params.length - 1] : null;
}

/** The summary of the function a call invokes, when we can see its source. */
export function calleeSummary(file: FileFacts, call: SyntaxNode): CalleeSummary | null {
  const fn = file.calleeExpr(call);
  if (!fn) return null;
  if (fn.type === 'identifier') {
    if (file.binding(fn)) return null;
    const f = file.pkg.funcs.get(fn.text);
    if (!f) return null;
    return { sum: localSummary(f), key: f.key, local: true };
  }
  if (fn.type !== 'selector_expression') return null;
  const q = file.qualified(fn);
  if (q) {
    const i = q.lastIndexOf('.');
    const sum = foreignSummary(file, q.slice(0, i), q.slice(i + 1));
    return sum ? { sum, key: q.slice(i + 1), local: false } : null;
  }
  const op = unparen(fn.childForFieldName('operand'));
  const name = fn.childForFieldName('field')?.text ?? '';
  let recvKind = file.kindOf(op);
  if (!recvKind && op?.type === 'call_expression') {
    // `bytes.NewBuffer(b).WriteTo(w)`: the standard library's results are not in the kind tables.
    const oq = file.qualified(file.calleeExpr(op));
    const i = oq ? oq.lastIndexOf('.') : -1;
    if (oq && file.isStdQualified(oq)) recvKind = foreignSummary(file, oq.slice(0, i), oq.slice(i + 1))?.results[0] ?? null;
  }
  if (!recvKind) return null;
  const base = recvKind.replace(/^\*/, '');
  if (base.startsWith('local.')) {
    const f = file.pkg.method(base.slice(6), name);
    return f ? { sum: localSummary(f), key: f.key, local: true } : null;
  }
  const i = base.lastIndexOf('.');
  if (i <= 0) return null;
  const key = `${base.slice(i + 1)}.${name}`;
  const sum = foreignSummary(file, base.slice(0, i), key);
  return sum ? { sum, key, local: false } : null;
}

/** Does this (non-standard) call return a new resource of `shape` as its first result? */
export function isFreshBySummary(file: FileFacts, call: SyntaxNode): boolean {
  const s = calleeSummary(file, call);
  return !!s?.sum.fresh[0];
}

// ---------------------------------------------------------------------------------------------
// Computing a summary (any package: the same machinery runs on this package and on others).

/** Summaries being computed, innermost last: bounds how deep helpers of helpers are followed. */
let nesting = 0;

function localSummary(f: FuncInfo): FuncSummary {
  const memo = f.file.pkg.memo;
  const k = `summary:${f.key}`;
  const hit = memo.get(k) as FuncSummary | undefined;
  if (hit) return hit;
  // Too deep a chain of helpers: "nothing known" for this query only (not remembered).
  if (nesting >= MAX_NESTING) return UNKNOWN(f);
  // Recursion guard: while computing, a recursive call sees "nothing known".
  memo.set(k, UNKNOWN(f));
  nesting++;
  try {
    const s = summarize(f);
    memo.set(k, s);
    return s;
  } catch (e) {
    memo.delete(k);
    throw e;
  } finally {
    nesting--;
  }
}

function UNKNOWN(f: FuncInfo): FuncSummary {
  return {
    params: f.params.map(() => null),
    variadic: false,
    results: f.results.map(() => null),
    fresh: f.results.map(() => false),
    errorResult: false,
  };
}

const TRACKABLE_QUALIFIED =
  /^\*?(net\.(Conn|PacketConn|Listener|TCPConn|UDPConn|UnixConn|IPConn|TCPListener|UnixListener)|crypto\/tls\.Conn|io\.\w*(Reader|Writer|Closer)\w*|net\/http\.Response)$/;

/** Could a parameter of this type hold a connection, listener or response (body)? */
function trackable(f: FuncInfo, t: SyntaxNode | null): boolean {
  if (!t) return false;
  if (t.type === 'interface_type') return true;
  if (t.type === 'type_identifier' && t.text === 'any') return true;
  const k = f.file.typeKind(t);
  if (!k) return false;
  if (k.startsWith('local.')) {
    // A named interface of this package (`type Transport interface{ io.ReadWriteCloser }`).
    return f.file.pkg.interfaces.has(k.slice(6));
  }
  // The standard library's and the modelled third-party types that own a connection.
  return TRACKABLE_QUALIFIED.test(k) || isClosable(k);
}

function summarize(f: FuncInfo): FuncSummary {
  const file = f.file;
  const results = f.results.map((r) => file.typeKind(r));
  const last = f.results[f.results.length - 1];
  const errorResult = !!last && last.type === 'type_identifier' && last.text === 'error';
  const variadic = f.variadic;
  const fresh = results.map(() => false);
  const params: (ParamFacts | null)[] = f.params.map(() => null);
  if (f.iface) {
    // Interface methods shaped like the std ones that create resources. A method that also
    // returns the body bytes ((*Response, []byte, error)) has consumed it already.
    if (f.results.length <= 2) {
      if (isResponse(results[0]) && /^(Do|Get|Post|Head|PostForm|RoundTrip)$/.test(f.name)) fresh[0] = true;
      if (isClosable(results[0]) && /^(Dial\w*|Accept\w*|Listen\w*|Connect\w*|Open\w*)$/.test(f.name)) fresh[0] = true;
    }
    return { params, variadic, results, fresh, errorResult };
  }
  const body = f.node.childForFieldName('body');
  if (!body) return { params, variadic, results, fresh, errorResult };
  const scopes = file.scopesFor(body);
  // `//bodyclose:handled` (timakin/bodyclose): the author says callers need not close what it returns.
  const handled = docComment(f.node).includes('bodyclose:handled');
  const facts = (b: import('./scope').Binding, shape: ValueShape, wrapper = false): ParamFacts => {
    const an = new LifecycleAnalyzer(file);
    const t = { shape, bindings: new Set([b]), err: null };
    const res = an.summarize(t, f.node, null, { wrapper });
    const fate = fates(res.all, f, errorResult);
    // A take on a branch that rejoined an untouched path: some paths keep it, so not "borrows".
    if (res.merged) {
      if (fate.ok === 'borrows') fate.ok = 'mixed';
      if (fate.err === 'borrows') fate.err = 'mixed';
    }
    return { ...fate, closes: res.closedExplicitly || res.deferredClose, ...ioFacts(file, [...t.bindings]) };
  };
  f.params.forEach((p, i) => {
    if (p.name === '_' || !trackable(f, p.typeNode)) return;
    const b = scopes?.bindings.find((x) => x.isParam && x.name === p.name && x.scope.id === f.node.id) ?? null;
    if (!b) return;
    params[i] = facts(b, file.typeKind(p.typeNode) === '*net/http.Response' ? 'response' : 'closer');
  });
  let recv: ParamFacts | null = null;
  if (f.node.type === 'method_declaration') {
    const rn = named(f.node.childForFieldName('receiver'))
      .find((c) => c.type === 'parameter_declaration')
      ?.childForFieldName('name');
    const b = rn ? (scopes?.bindings.find((x) => x.decl.id === rn.id) ?? null) : null;
    if (b) recv = facts(b, 'closer', true);
  }
  results.forEach((k, i) => {
    if (handled) return;
    if (isClosable(k)) fresh[i] = returnsFresh(f, i, 'closer', errorResult);
    else if (isResponse(k)) fresh[i] = returnsFresh(f, i, 'response', errorResult);
  });
  return { params, recv, variadic, results, fresh, errorResult };
}

/** How the exits of a function treat a value, grouped by whether they return a nil error. */
function fates(all: Exit[], f: FuncInfo, errorResult: boolean): { ok: Fate; err: Fate | null; wrapsIn: number | null } {
  const ok: { fate: Fate; idx: number | null }[] = [];
  const err: { fate: Fate; idx: number | null }[] = [];
  for (const e of all) {
    const fate = fateAt(e.state, e.returned);
    if (!fate) continue;
    const cls = errorResult ? exitClass(e, f) : 'ok';
    if (cls !== 'err') ok.push({ fate, idx: e.returned });
    if (cls !== 'ok') err.push({ fate, idx: e.returned });
  }
  const merge = (xs: { fate: Fate; idx: number | null }[]): { fate: Fate; idx: number | null } | null => {
    if (!xs.length) return null;
    const kinds = new Set(xs.map((x) => x.fate));
    if (kinds.size === 1) {
      const idx = new Set(xs.map((x) => x.idx));
      if (xs[0].fate === 'wraps' && idx.size > 1) return { fate: 'takes', idx: null };
      return { fate: xs[0].fate, idx: xs[0].idx };
    }
    if (kinds.has('borrows')) return { fate: 'mixed', idx: null };
    return { fate: 'takes', idx: null };
  };
  const o = merge(ok) ?? { fate: 'borrows' as Fate, idx: null };
  const e = merge(err);
  return { ok: o.fate, err: e?.fate ?? null, wrapsIn: o.fate === 'wraps' ? o.idx : null };
}

function fateAt(state: State, returned: number | null): Fate | null {
  switch (state) {
    case 'OPEN':
    case 'OPEN_R':
      return 'borrows';
    case 'CLOSED':
    case 'PENDING':
      return 'takes';
    case 'KEPT':
      return returned !== null ? 'wraps' : 'takes';
    default:
      return null;
  }
}

/** Does this exit return a nil error ('ok'), a non-nil one ('err'), or can't we tell ('both')? */
function exitClass(e: Exit, f: FuncInfo): 'ok' | 'err' | 'both' {
  if (e.kind !== 'return' || e.node.type !== 'return_statement') return 'ok';
  const vals = exprList(named(e.node)[0]);
  if (!vals.length) return 'both';
  if (vals.length === 1 && f.results.length > 1) return 'both'; // return g(...)
  const last = unparen(vals[vals.length - 1]);
  if (!last) return 'both';
  if (last.type === 'nil') return 'ok';
  if (last.type === 'identifier') {
    // `return nil, err` inside `if err != nil { ... }`.
    for (let p = e.node.parent; p && !isFunctionNode(p); p = p.parent) {
      const ifs = p.parent;
      if (p.type === 'block' && ifs?.type === 'if_statement' && ifs.childForFieldName('consequence')?.id === p.id) {
        if (errNotNil(ifs.childForFieldName('condition')) === last.text) return 'err';
      }
    }
    return 'both';
  }
  if (last.type === 'call_expression') {
    // fmt.Errorf(...), errors.New(...), pkgerrors.Wrap(...), NewHTTPError(resp): an error; `t.init()` may be nil.
    const fn = unparen(last.childForFieldName('function'));
    const name = fn?.type === 'selector_expression' ? fn.childForFieldName('field')?.text : fn?.text;
    return name && /^(New|Errorf|Wrap\w*|With\w*|Join)$|Err/.test(name) ? 'err' : 'both';
  }
  // &MyError{...}, io.EOF, ErrClosed.
  return 'err';
}

/** Some successful exit returns, as result `idx`, a new resource the function did not close or keep. */
function returnsFresh(f: FuncInfo, idx: number, shape: ValueShape, errorResult: boolean): boolean {
  const body = f.node.childForFieldName('body');
  if (!body) return false;
  const file = f.file;
  // `return net.Dial(...)`, `return c.do(req)`: passed straight through.
  for (const ret of body.descendantsOfType('return_statement')) {
    if (enclosingFunction(ret)?.id !== f.node.id) continue;
    const vals = exprList(named(ret)[0]);
    const v = unparen(vals.length === 1 ? vals[0] : vals[idx]);
    if (v?.type !== 'call_expression') continue;
    if (vals.length !== 1 && idx !== 0) continue;
    const k = file.callResults(v)?.[vals.length === 1 ? idx : 0] ?? null;
    if (k && (shape === 'closer' ? isClosable(k) : isResponse(k)) && isFreshCall(file, v, shape)) return true;
  }
  // `c, err := net.Dial(...); ...; return c, nil`: returned while still open on some path.
  const isKind = shape === 'closer' ? isClosable : isResponse;
  for (const a of acquisitionsIn(file, body, shape, isKind)) {
    if (a.fn.id !== f.node.id || !a.binding) continue;
    const an = new LifecycleAnalyzer(file);
    const res = an.summarize({ shape, bindings: new Set([a.binding, ...a.wrapped]), err: a.err }, f.node, a.stmt);
    if (res.all.some((e) => e.returned === idx && e.state === 'KEPT' && (!errorResult || exitClass(e, f) !== 'err'))) return true;
  }
  return false;
}

/** The comment lines right above a declaration. */
function docComment(decl: SyntaxNode): string {
  const out: string[] = [];
  let line = decl.startPosition.row;
  for (let c = decl.previousSibling; c?.type === 'comment' && c.endPosition.row === line - 1; c = c.previousSibling) {
    out.push(c.text);
    line = c.startPosition.row;
  }
  return out.join('\n');
}

const READ_METHODS =
  /^(Read|ReadFrom\w+|ReadMsg\w*|ReadString|ReadBytes|ReadLine|ReadRune|ReadByte|ReadSlice|ReadFull|ReadMessage|ReadJSON|Decode|Scan)$/;
const READ_FUNCS = new Set([
  'io.ReadFull',
  'io.ReadAll',
  'io.ReadAtLeast',
  'io/ioutil.ReadAll',
  'encoding/binary.Read',
  'fmt.Fscan',
  'fmt.Fscanf',
  'fmt.Fscanln',
]);
const READER_WRAPPERS = new Set([
  'bufio.NewReader',
  'bufio.NewReaderSize',
  'bufio.NewScanner',
  'encoding/json.NewDecoder',
  'encoding/gob.NewDecoder',
  'net/textproto.NewReader',
]);

/** Deadline and read facts about a parameter (and its local aliases). */
function ioFacts(file: FileFacts, bindings: import('./scope').Binding[]): { setsDeadline: boolean; reads: boolean; readsInLoop: boolean } {
  let setsDeadline = false;
  let reads = false;
  let readsInLoop = false;
  const readers = new Set(bindings);
  const queue = [...bindings];
  while (queue.length) {
    const b = queue.pop()!;
    const scopes = file.scopesFor(b.decl);
    if (!scopes) continue;
    for (const u of scopes.usesOf(b)) {
      let cur: SyntaxNode = u;
      while (cur.parent?.type === 'parenthesized_expression' || cur.parent?.type === 'type_assertion_expression') cur = cur.parent;
      const p = cur.parent;
      let read = false;
      if (p?.type === 'selector_expression' && p.childForFieldName('operand')?.id === cur.id && p.parent?.type === 'call_expression') {
        const m = p.childForFieldName('field')?.text ?? '';
        if (m === 'SetDeadline' || m === 'SetReadDeadline') setsDeadline = true;
        if (READ_METHODS.test(m)) read = true;
      } else if (p?.type === 'argument_list') {
        const call = p.parent!;
        const q = file.qualified(call.childForFieldName('function'));
        const args = named(p);
        if (q && READ_FUNCS.has(q) && args[0]?.id === cur.id) read = true;
        if (q === 'io.Copy' && args[1]?.id === cur.id) read = true;
        if (q && READER_WRAPPERS.has(q)) {
          // r := bufio.NewReader(c): reads through r are reads of c.
          const st = call.parent?.parent;
          const left =
            st && (st.type === 'short_var_declaration' || st.type === 'assignment_statement')
              ? exprList(st.childForFieldName('left'))[0]
              : null;
          const rb = left?.type === 'identifier' ? file.binding(left) : null;
          if (rb && !readers.has(rb)) {
            readers.add(rb);
            queue.push(rb);
          }
          if (call.parent?.type === 'selector_expression') read = true;
        }
      }
      if (read) {
        reads = true;
        for (let a: SyntaxNode | null = u.parent; a && !isFunctionNode(a); a = a.parent) {
          if (a.type === 'for_statement') {
            readsInLoop = true;
            break;
          }
        }
      }
    }
  }
  return { setsDeadline, reads, readsInLoop };
}

// ---------------------------------------------------------------------------------------------
// Other packages: lazily parsed, summaries cached in memory and on disk.

interface Foreign {
  loc: PackageLocation;
  /** Summaries with kinds relative to the package (`local.T`), as stored on disk. */
  funcs: Map<string, FuncSummary>;
  /** `T.field` -> the field's kind (relative), for struct types of the package. */
  fields: Map<string, Kind | null>;
  /** Functions we could not summarize in time (not retried in this process). */
  unknown: Set<string>;
  cacheFile: string | null;
  /** The disk cache was read (see `load`). */
  loaded: boolean;
  dirty: boolean;
  /** Files whose change would change what we learned (a workspace package's sources; GOROOT/VERSION). */
  inputs: string[];
  /** The package's text mentions the networking packages (its functions can return conns/responses). */
  relevant?: boolean;
}

/** One package's cache file. */
interface Stored {
  path: string;
  version: string | null;
  relevant?: boolean;
  funcs: Record<string, FuncSummary>;
  fields?: Record<string, Kind | null>;
}

const foreign = new Map<string, Foreign>();
const stats = { parsedPackages: 0, parsedBytes: 0, diskLoads: 0, computed: 0 };

/** Counters since the last reset: packages parsed (and bytes), package caches read from disk, summaries computed. */
export function summaryStats(): Readonly<typeof stats> {
  return { ...stats };
}
/** Parsed packages, least recently used first; a few are kept to compute more summaries. */
const parsed = new Map<string, PackageFacts>();
const MAX_PARSED = 6;
const resolved = new Map<string, PackageLocation | null>();
let cacheDir: string | null | undefined;
let diskEnabled = true;

/** Where summaries are cached on disk (beside the result cache: `CONNDOCTOR_CACHE`, else the user cache dir); null disables. */
export function configureSummaryCache(opts: { dir?: string | null; disk?: boolean }): void {
  // `dir: undefined` goes back to the default location.
  if ('dir' in opts) cacheDir = opts.dir;
  if (opts.disk !== undefined) diskEnabled = opts.disk;
}

function summaryCacheDir(): string | null {
  if (!diskEnabled) return null;
  if (cacheDir === undefined) {
    const root = cacheRoot();
    cacheDir = root ? join(root, `summaries-v${SUMMARY_VERSION}`) : null;
  }
  return cacheDir;
}

/** Forgets everything learned about other packages (tests; files changed on disk). */
export function resetSummaries(): void {
  for (const k of Object.keys(stats) as (keyof typeof stats)[]) stats[k] = 0;
  foreign.clear();
  parsed.clear();
  resolved.clear();
}

/** Files outside the analyzed directory that the current analysis learned from (for the result cache). */
let inputs: Set<string> | null = null;

/** Starts recording the files other packages' facts come from. */
export function recordInputs(): void {
  inputs = new Set();
}

/** The files recorded since `recordInputs` (and stops recording). */
export function takeInputs(): string[] {
  const out = inputs ? [...inputs].sort() : [];
  inputs = null;
  return out;
}

function locate(file: FileFacts, pkgPath: string): PackageLocation | null {
  const from = dirname(file.path);
  const k = `${from}\u0000${pkgPath}`;
  if (!resolved.has(k)) resolved.set(k, resolveImport(from, pkgPath));
  const loc = resolved.get(k)!;
  // Which version (or directory) an import resolves to is decided by go.mod.
  if (inputs && !isStdPath(pkgPath)) {
    const mod = findGoMod(from);
    if (mod) inputs.add(mod.file);
  }
  return loc;
}

function goFilesOf(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.go') && !f.endsWith('_test.go'))
      .sort()
      .map((f) => join(dir, f));
  } catch {
    return [];
  }
}

function foreignEntry(loc: PackageLocation): Foreign {
  let e = foreign.get(loc.dir);
  if (!e) e = newEntry(loc);
  if (inputs) for (const f of e.inputs) inputs.add(f);
  return e;
}

function newEntry(loc: PackageLocation): Foreign {
  // Module cache contents never change for a version; the standard library changes with the toolchain.
  const gr = goEnv().goroot;
  const deps = loc.origin === 'std' ? (gr ? [join(gr, 'VERSION')] : []) : loc.version ? [] : goFilesOf(loc.dir);
  const e: Foreign = {
    loc,
    funcs: new Map(),
    fields: new Map(),
    unknown: new Set(),
    cacheFile: null,
    loaded: false,
    dirty: false,
    inputs: deps,
  };
  foreign.set(loc.dir, e);
  return e;
}

/**
 * Reads what an earlier run learned about the package from the disk cache, once. Keyed by
 * module@version (or Go version), else by a hash of the package's files: done only when needed,
 * as hashing reads every file.
 */
function load(e: Foreign): void {
  if (e.loaded) return;
  e.loaded = true;
  const dir = summaryCacheDir();
  if (!dir) return;
  const loc = e.loc;
  let version = loc.version;
  if (!version) {
    const h = createHash('sha1');
    for (const p of goFilesOf(loc.dir)) {
      try {
        h.update(p.slice(loc.dir.length)).update('\0').update(readFileSync(p)).update('\0');
      } catch {
        /* unreadable file: it is left out of the package too */
      }
    }
    version = `hash:${h.digest('hex')}`;
  }
  const key = createHash('sha1')
    .update(`${SUMMARY_VERSION}\0${version}\0${loc.path}\0${loc.origin === 'std' ? '' : loc.dir}`)
    .digest('hex');
  e.cacheFile = join(dir, key.slice(0, 2), `${key}.json`);
  try {
    const data = JSON.parse(readFileSync(e.cacheFile, 'utf8')) as Stored;
    for (const [k, v] of Object.entries(data.funcs)) if (!e.funcs.has(k)) e.funcs.set(k, v);
    for (const [k, v] of Object.entries(data.fields ?? {})) if (!e.fields.has(k)) e.fields.set(k, v);
    stats.diskLoads++;
    e.relevant ??= data.relevant;
  } catch {
    /* not cached yet (or unreadable): computed on demand */
  }
}

const IMPORT_RE = /"(net|net\/[\w/]+|crypto\/tls|golang\.org\/x\/net\/[\w/]+)"/;

/** Can functions of this package return connections or responses at all? (A cheap text check.) */
function isRelevant(e: Foreign): boolean {
  // A versioned package's cache entry is cheap to read and remembers the answer.
  if (e.relevant === undefined && e.loc.version) load(e);
  if (e.relevant === undefined) {
    e.relevant = goFilesOf(e.loc.dir).some((p) => {
      try {
        const text = readFileSync(p, 'utf8');
        const m = /\n\s*(func|type|var|const)\s/.exec(text);
        return IMPORT_RE.test(m ? text.slice(0, m.index) : text);
      } catch {
        return false;
      }
    });
    e.dirty = true;
  }
  return e.relevant;
}

function parsePackage(e: Foreign): PackageFacts | null {
  const hit = parsed.get(e.loc.dir);
  if (hit) {
    parsed.delete(e.loc.dir);
    parsed.set(e.loc.dir, hit);
    return hit;
  }
  const files: FileFacts[] = [];
  let name: string | null = null;
  for (const p of goFilesOf(e.loc.dir)) {
    let text: string;
    try {
      text = readFileSync(p, 'utf8');
    } catch {
      continue;
    }
    if (text.length > 2 * 1024 * 1024 || !buildsHere(p, text)) continue;
    stats.parsedBytes += text.length;
    let tree;
    try {
      tree = parseGo(text, null, { keepWasm: false, path: p });
    } catch {
      continue; // too complex to parse in time: what it declares stays unknown
    }
    const f = new FileFacts(p, text, tree);
    // One package per directory; a stray `package main` generator or documentation file is not it.
    if (f.packageName === 'main' && name && name !== 'main') continue;
    if (name === null || (name === 'main' && f.packageName !== 'main')) name = f.packageName;
    files.push(f);
  }
  const mine = files.filter((f) => f.packageName === name);
  if (!mine.length) return null;
  const pkg = new PackageFacts(mine);
  stats.parsedPackages++;
  parsed.set(e.loc.dir, pkg);
  while (parsed.size > MAX_PARSED) parsed.delete(parsed.keys().next().value!);
  return pkg;
}

/** The budget for learning about one function of another package (parsing it included). */
const FOREIGN_BUDGET_MS = 3000;

function foreignSummary(file: FileFacts, pkgPath: string, key: string): FuncSummary | null {
  const loc = locate(file, pkgPath);
  if (!loc) return null;
  const e = foreignEntry(loc);
  load(e);
  let s = e.funcs.get(key) ?? null;
  if (!s && e.unknown.has(key)) return null;
  if (!s) {
    // Off the asking file's budget (the result is shared and cached); a package too big or too
    // complex to summarize in time stays unknown (conservative), and is not asked again.
    s = offBudget(FOREIGN_BUDGET_MS, () => {
      try {
        const pkg = parsePackage(e);
        const dot = key.indexOf('.');
        const f = dot > 0 ? pkg?.method(key.slice(0, dot), key.slice(dot + 1)) : pkg?.funcs.get(key);
        return pkg && f ? localSummary(f) : null;
      } catch (err) {
        if (err instanceof BudgetExceeded || err instanceof TooComplex) return null;
        throw err;
      }
    });
    if (!s) {
      e.unknown.add(key);
      return null;
    }
    stats.computed++;
    e.funcs.set(key, s);
    e.dirty = true;
  }
  return absolute(s, loc.path);
}

/**
 * Result kinds of a function or method of another (non-standard) package, for `callResults`.
 * Only packages that mention the networking packages are parsed for this.
 */
export function foreignResults(file: FileFacts, pkgPath: string, key: string): (Kind | null)[] | null {
  if (isStdPath(pkgPath)) return null;
  // Finding and reading another package is shared work: not charged to the asking file's budget.
  return offBudget(FOREIGN_BUDGET_MS, () => {
    const loc = locate(file, pkgPath);
    if (!loc) return null;
    const e = foreignEntry(loc);
    const s = e.funcs.get(key);
    if (s) return absolute(s, loc.path).results;
    if (!isRelevant(e)) return null;
    return foreignSummary(file, pkgPath, key)?.results ?? null;
  });
}

/** The kind of field `field` of struct type `type` of another (non-standard) package. */
export function foreignFieldKind(file: FileFacts, pkgPath: string, type: string, field: string): Kind | null {
  if (isStdPath(pkgPath)) return null;
  return offBudget(FOREIGN_BUDGET_MS, () => {
    const loc = locate(file, pkgPath);
    if (!loc) return null;
    const e = foreignEntry(loc);
    const key = `${type}.${field}`;
    if (!e.fields.has(key)) {
      if (!isRelevant(e)) return null;
      load(e);
    }
    if (!e.fields.has(key)) {
      let k: Kind | null = null;
      try {
        const ft = parsePackage(e)?.structs.get(type)?.get(field);
        k = ft ? ft.file.typeKind(ft.type) : null;
      } catch (err) {
        if (!(err instanceof BudgetExceeded || err instanceof TooComplex)) throw err;
      }
      e.fields.set(key, k);
      e.dirty = true;
    }
    const k = e.fields.get(key) ?? null;
    return k ? k.replace(/^(\*?)local\./, `$1${loc.path}.`) : null;
  });
}

function absolute(s: FuncSummary, pkgPath: string): FuncSummary {
  if (!s.results.some((k) => k?.replace(/^\*/, '').startsWith('local.'))) return s;
  return { ...s, results: s.results.map((k) => (k ? k.replace(/^(\*?)local\./, `$1${pkgPath}.`) : k)) };
}

/** Writes the summaries learned about other packages to the disk cache (atomically per package). */
export function flushSummaries(): void {
  for (const e of foreign.values()) {
    if (e.dirty && !e.loaded && e.loc.version) load(e);
    if (!e.dirty || !e.cacheFile) continue;
    e.dirty = false;
    try {
      let stored: Partial<Stored> = {};
      try {
        stored = JSON.parse(readFileSync(e.cacheFile, 'utf8')) as Stored;
      } catch {
        /* first write */
      }
      const out: Stored = {
        path: e.loc.path,
        version: e.loc.version,
        relevant: e.relevant,
        funcs: { ...stored.funcs, ...Object.fromEntries(e.funcs) },
        fields: { ...stored.fields, ...Object.fromEntries(e.fields) },
      };
      mkdirSync(dirname(e.cacheFile), { recursive: true });
      const tmp = `${e.cacheFile}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
      writeFileSync(tmp, JSON.stringify(out));
      renameSync(tmp, e.cacheFile);
    } catch {
      /* a read-only or full cache directory only costs speed */
    }
  }
}
