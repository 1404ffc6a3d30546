// Shared facts for the deadline rules (read-no-deadline, deadline-outside-loop, deadline-now) and
// accept-error-spin: which calls read from a connection, which connection a reader was made from,
// where the connection came from (accepted, a parameter, dialed), which loops are session loops,
// and the Go text of a `return` that fits the enclosing function's results.
import type { SyntaxNode } from '../parser';
import type { FileFacts, FuncInfo } from '../facts/package';
import type { Binding } from '../facts/scope';
import { isConn, isListener, isStreamConn, type Kind } from '../facts/kinds';
import { outerFunction } from '../facts/scope';
import { callArgs, enclosingFunction, exprList, isFunctionNode, named, ofType, pathText, resultTypes, unparen } from '../facts/syntax';

// ---------------------------------------------------------------------------------------------
// Readers and reads

/** Constructors whose first argument is the stream they read from (readers over a conn). */
const READER_CTORS = new Set([
  'bufio.NewReader',
  'bufio.NewReaderSize',
  'bufio.NewScanner',
  'bufio.NewReadWriter',
  'encoding/json.NewDecoder',
  'encoding/gob.NewDecoder',
  'encoding/xml.NewDecoder',
  'encoding/csv.NewReader',
  'net/textproto.NewReader',
  'net/textproto.NewConn',
  'io.LimitReader',
  'io.TeeReader',
  'crypto/tls.Server',
  'crypto/tls.Client',
]);

/** Package functions that read from one argument: index of that argument. */
const READ_FUNCS: Record<string, number> = {
  'io.ReadFull': 0,
  'io.ReadAtLeast': 0,
  'io.ReadAll': 0,
  'io/ioutil.ReadAll': 0,
  'net/http.ReadRequest': 0,
  'net/http.ReadResponse': 0,
  'fmt.Fscan': 0,
  'fmt.Fscanf': 0,
  'fmt.Fscanln': 0,
  'encoding/binary.Read': 0,
};
/** Whole-stream copies: reads, but not the per-message reads of a loop. */
const COPY_FUNCS: Record<string, number> = { 'io.Copy': 1, 'io.CopyN': 1, 'io.CopyBuffer': 1 };

/** Methods that read, on a conn itself. `ReadFrom` on a stream conn copies *into* it, so it is not here. */
const CONN_READ_METHODS = new Set(['Read']);
const PACKET_READ_METHODS = new Set([
  'Read',
  'ReadFrom',
  'ReadFromUDP',
  'ReadFromUDPAddrPort',
  'ReadMsgUDP',
  'ReadMsgUDPAddrPort',
  'ReadFromIP',
  'ReadMsgIP',
  'ReadFromUnix',
  'ReadMsgUnix',
]);
const PACKET_KINDS = new Set<Kind>(['net.PacketConn', '*net.UDPConn', '*net.IPConn', '*net.UnixConn']);
/** Methods that read, on readers made from a conn (bufio, Scanner, decoders, textproto). */
const READER_METHODS = new Set([
  'Read',
  'ReadString',
  'ReadBytes',
  'ReadLine',
  'ReadRune',
  'ReadByte',
  'ReadSlice',
  'Peek',
  'Discard',
  'Scan',
  'Decode',
  'Token',
  'RawToken',
  'More',
  'ReadLineBytes',
  'ReadContinuedLine',
  'ReadContinuedLineBytes',
  'ReadMIMEHeader',
  'ReadCodeLine',
  'ReadResponse',
  'ReadDotBytes',
  'ReadDotLines',
  'ReadAll',
  'WriteTo',
]);

export const DEADLINE_METHODS = new Set(['SetReadDeadline', 'SetDeadline']);

/** What a reader or conn expression reads from: the bindings and paths down to the connection. */
export interface Chain {
  /** Keys of every binding/path in the chain (reader, wrapped conn, raw conn). */
  keys: Set<string>;
  /** Conn-typed bindings in the chain, outermost first. */
  conns: Binding[];
  /** Conn-typed expressions without a binding (struct fields), outermost first. */
  connPaths: string[];
  /** The innermost conn binding (the raw connection), if any. */
  root: Binding | null;
  rootKind: Kind | null;
  /** The selector expression the chain ends at (`c.conn`, `c.r`), if it ends at one. */
  selector: SyntaxNode | null;
}

export function bindingKey(b: Binding): string {
  return `b:${b.decl.startIndex}:${b.name}`;
}

function pathKey(file: FileFacts, n: SyntaxNode): string | null {
  const p = pathText(n);
  if (!p) return null;
  let base: SyntaxNode | null = unparen(n);
  while (base && base.type === 'selector_expression') base = unparen(base.childForFieldName('operand'));
  const b = base && base.type === 'identifier' ? file.binding(base) : null;
  const dot = p.indexOf('.');
  return b ? `p:${bindingKey(b)}${dot === -1 ? '' : p.slice(dot)}` : `p:${p}`;
}

/** The source stream of a reader constructor or wrapper call, or null. */
function sourceOf(file: FileFacts, e: SyntaxNode): SyntaxNode | null {
  const u = unparen(e);
  if (!u) return null;
  if (u.type === 'call_expression') {
    const q = file.qualified(u.childForFieldName('function'));
    if (q && READER_CTORS.has(q)) return callArgs(u)[0] ?? null;
    return null;
  }
  if (u.type === 'type_assertion_expression') return u.childForFieldName('operand');
  if (u.type === 'unary_expression' && (u.childForFieldName('operator')?.text ?? u.child(0)?.text) === '&') return null;
  return null;
}

/** Follows a reader expression down to the connection it reads from. */
export function chainOf(file: FileFacts, expr: SyntaxNode | null | undefined): Chain {
  const chain: Chain = { keys: new Set(), conns: [], connPaths: [], root: null, rootKind: null, selector: null };
  let cur = unparen(expr);
  for (let depth = 0; cur && depth < 8; depth++) {
    if (cur.type === 'identifier') {
      const b = file.binding(cur);
      if (!b) {
        chain.keys.add(`g:${cur.text}`);
        const k = file.kindOf(cur);
        if (isConn(k)) {
          chain.connPaths.push(cur.text);
          chain.rootKind = k;
        }
        return chain;
      }
      const key = bindingKey(b);
      if (chain.keys.has(key)) return chain;
      chain.keys.add(key);
      let k = file.bindingKind(b);
      // `c, err := l.Accept()` on a listener type we do not model (an interface embedding net.Listener).
      if (!k && b.value && b.value.index === 0 && isAcceptCall(file, b.value.expr)) k = 'net.Conn';
      if (isConn(k)) {
        chain.conns.push(b);
        chain.root = b;
        chain.rootKind = k;
      }
      const v = b.value;
      if (!v) return chain;
      const ve = unparen(v.expr);
      if (!ve) return chain;
      if (v.count === 1 && (ve.type === 'identifier' || ve.type === 'selector_expression')) {
        // An alias: `c := s.conn`, `r := br`.
        cur = ve;
        continue;
      }
      if (v.count === 1 || (ve.type === 'type_assertion_expression' && v.index === 0)) {
        cur = sourceOf(file, ve);
        continue;
      }
      return chain;
    }
    if (cur.type === 'selector_expression') {
      chain.selector = cur;
      const key = pathKey(file, cur);
      if (key) chain.keys.add(key);
      const k = file.kindOf(cur);
      if (isConn(k) && key) {
        chain.connPaths.push(key);
        chain.rootKind = k;
      }
      return chain;
    }
    cur = sourceOf(file, cur);
  }
  return chain;
}

export interface Read {
  call: SyntaxNode;
  /** The expression read from (receiver or argument). */
  source: SyntaxNode;
  /** io.Copy-style whole-stream reads. */
  copy: boolean;
  method: string;
}

/** If `call` reads from a stream, what it reads from. Does not check that it is a connection. */
export function readOf(file: FileFacts, call: SyntaxNode): Read | null {
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return null;
  if (fn.type === 'selector_expression') {
    const name = fn.childForFieldName('field')?.text ?? '';
    const op = fn.childForFieldName('operand');
    if (!op) return null;
    // Package function (io.ReadFull, ...)?
    const q = file.qualified(fn);
    if (q) {
      const i = READ_FUNCS[q] ?? COPY_FUNCS[q];
      if (i === undefined) return null;
      const a = callArgs(call)[i];
      return a ? { call, source: a, copy: q in COPY_FUNCS, method: q } : null;
    }
    if (!READER_METHODS.has(name) && !PACKET_READ_METHODS.has(name)) return null;
    return { call, source: op, copy: false, method: name };
  }
  return null;
}

/** A read whose chain reaches a connection, with the chain. Method names are checked against the kind. */
export function connRead(
  file: FileFacts,
  call: SyntaxNode,
  opts: { packet?: boolean; anyKind?: boolean; fields?: boolean } = {},
): { read: Read; chain: Chain } | null {
  const r = readOf(file, call);
  if (!r) return null;
  const chain = chainOf(file, r.source);
  // anyKind: the caller matches the chain against a receiver it already knows has deadlines.
  // fields: the caller checks what a struct field (`c.r`) was made from.
  const viaField = !!opts.fields && !!chain.selector && !!fieldRef(file, chain.selector);
  if (!opts.anyKind && !viaField && !chain.conns.length && !chain.connPaths.length) return null;
  const direct = unparen(r.source);
  const directKind = direct ? file.kindOf(direct) : null;
  if (!r.method.includes('.') && isConn(directKind)) {
    // A method on the conn itself: only Read (and ReadFrom & co. on packet conns) reads.
    const packet = PACKET_KINDS.has(directKind!);
    if (packet && !opts.packet && directKind !== '*net.UnixConn') return null;
    if (!(CONN_READ_METHODS.has(r.method) || (packet && PACKET_READ_METHODS.has(r.method)))) return null;
  } else if (
    !r.method.includes('.') &&
    !READER_METHODS.has(r.method) &&
    !(opts.anyKind && opts.packet && PACKET_READ_METHODS.has(r.method))
  ) {
    return null;
  }
  return { read: r, chain };
}

/** `x.SetReadDeadline(..)` / `x.SetDeadline(..)`: the receiver, method and argument. */
export function deadlineCall(
  call: SyntaxNode,
  methods: Set<string> = DEADLINE_METHODS,
): { recv: SyntaxNode; method: string; arg: SyntaxNode | null } | null {
  if (call.type !== 'call_expression') return null;
  const fn = unparen(call.childForFieldName('function'));
  if (!fn || fn.type !== 'selector_expression') return null;
  const name = fn.childForFieldName('field')?.text ?? '';
  if (!methods.has(name)) return null;
  const recv = fn.childForFieldName('operand');
  if (!recv) return null;
  return { recv, method: name, arg: callArgs(call)[0] ?? null };
}

export function intersects(a: Set<string>, b: Set<string>): boolean {
  for (const x of a) if (b.has(x)) return true;
  return false;
}

// ---------------------------------------------------------------------------------------------
// Time expressions

function isTimeNow(file: FileFacts, e: SyntaxNode | null | undefined): boolean {
  const u = unparen(e);
  return !!u && u.type === 'call_expression' && file.qualified(u.childForFieldName('function')) === 'time.Now' && callArgs(u).length === 0;
}

/** `time.Now().Add(d)`: returns d (the argument node), else null. */
export function nowAdd(file: FileFacts, e: SyntaxNode | null | undefined): SyntaxNode | null {
  const u = unparen(e);
  if (!u || u.type !== 'call_expression') return null;
  const fn = unparen(u.childForFieldName('function'));
  if (!fn || fn.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Add') return null;
  if (!isTimeNow(file, fn.childForFieldName('operand'))) return null;
  return callArgs(u)[0] ?? null;
}

/** `time.Now()`, `time.Now().Add(0)` or `time.Now().Add(-d)`: a deadline that has already passed. */
export function isPastNow(file: FileFacts, e: SyntaxNode | null | undefined): boolean {
  if (isTimeNow(file, e)) return true;
  const d = unparen(nowAdd(file, e));
  if (!d) return false;
  if (d.type === 'int_literal' && Number(d.text.replace(/_/g, '')) === 0) return true;
  if (d.type === 'unary_expression' && (d.childForFieldName('operator')?.text ?? d.child(0)?.text) === '-') return true;
  return false;
}

/** `time.Now().Add(d)` with d not zero or negative: an absolute deadline d from now. */
export function isFutureNowAdd(file: FileFacts, e: SyntaxNode | null | undefined): boolean {
  return !!nowAdd(file, e) && !isPastNow(file, e);
}

// ---------------------------------------------------------------------------------------------
// Functions, loops, flow

/** Enclosing for statements of `n` inside its own function, innermost first. */
export function enclosingLoops(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let p = n.parent; p; p = p.parent) {
    if (isFunctionNode(p)) break;
    if (p.type === 'for_statement') out.push(p);
  }
  return out;
}

export function loopBody(loop: SyntaxNode): SyntaxNode | null {
  return loop.childForFieldName('body');
}

/** The loop's condition expression (plain `for cond {}` or a for clause's condition). */
export function loopCondition(loop: SyntaxNode): SyntaxNode | null {
  for (const c of named(loop)) {
    if (c.type === 'for_clause') return c.childForFieldName('condition');
    if (c.type === 'range_clause' || c.type === 'block' || c.type === 'comment') continue;
    return c;
  }
  return null;
}

/**
 * A loop that can run for as long as the peer keeps the connection: `for {}`, `for sc.Scan()`,
 * `for !done {}`, `for err == nil {}`. Not range loops, counting loops (`for i := 0; i < n; i++`)
 * or length-bounded loops (`for n < len(buf)`): those read one message of known size.
 */
export function isOpenEndedLoop(loop: SyntaxNode): boolean {
  for (const c of named(loop)) {
    if (c.type === 'range_clause') return false;
    if (c.type === 'for_clause') {
      if (c.childForFieldName('update')) return false;
      const cond = c.childForFieldName('condition');
      if (cond && hasRelational(cond)) return false;
    }
  }
  const cond = loopCondition(loop);
  if (cond && hasRelational(cond)) return false;
  return true;
}

function hasRelational(e: SyntaxNode): boolean {
  for (const b of [e, ...ofType(e, 'binary_expression')]) {
    if (b.type !== 'binary_expression') continue;
    const op = b.childForFieldName('operator')?.text;
    if (op === '<' || op === '<=' || op === '>' || op === '>=') return true;
  }
  return false;
}

/** Descendants of `n` in source order, not entering function literals. */
export function* walkNoFunc(n: SyntaxNode): Generator<SyntaxNode> {
  const stack: SyntaxNode[] = [n];
  while (stack.length) {
    const cur = stack.pop()!;
    yield cur;
    const kids = named(cur);
    for (let i = kids.length - 1; i >= 0; i--) if (kids[i].type !== 'func_literal') stack.push(kids[i]);
  }
}

/** Calls inside `n` (not in nested function literals). */
export function callsIn(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const d of walkNoFunc(n)) if (d.type === 'call_expression') out.push(d);
  return out;
}

/** Does this `break` / `continue` (unlabeled or labeled) leave or target `loop`? */
export function jumpTargets(jump: SyntaxNode, loop: SyntaxNode): boolean {
  const label = named(jump).find((c) => c.type === 'label_name')?.text;
  if (label) {
    const lp = loop.parent;
    return !!lp && lp.type === 'labeled_statement' && named(lp).find((c) => c.type === 'label_name')?.text === label;
  }
  const breakable =
    jump.type === 'break_statement'
      ? new Set(['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'])
      : new Set(['for_statement']);
  for (let p = jump.parent; p; p = p.parent) {
    if (p.type === 'func_literal') return false;
    if (breakable.has(p.type)) return p.id === loop.id;
  }
  return false;
}

/** Conditions that look at an error value (the error path of a read). */
export function isErrorCondition(cond: SyntaxNode | null | undefined): boolean {
  if (!cond) return false;
  return /\berr\w*\b|\bEOF\b|Err[A-Z]\w*|\.Err\(\)|\be\s*!=\s*nil/.test(cond.text);
}

/**
 * A loop that ends when one message is complete, not a session: it `break`s out on a condition
 * that is not an error (`if line == "" { break }`), or returns a value from a function that has
 * non-error results.
 */
export function isMessageLoop(loop: SyntaxNode, fn: SyntaxNode | null): boolean {
  const body = loopBody(loop);
  if (!body) return false;
  const dataResults = fn ? resultTypes(fn).some((t) => t.text !== 'error') : false;
  for (const d of walkNoFunc(body)) {
    const isBreak = d.type === 'break_statement' && jumpTargets(d, loop);
    const isDataReturn = d.type === 'return_statement' && dataResults && named(d).length > 0;
    if (!isBreak && !isDataReturn) continue;
    if (isDataReturn) {
      // `return nil, err` is an error exit; `return buf, nil` / `return msg` is a message exit.
      const vals = exprList(named(d).find((c) => c.type === 'expression_list') ?? named(d)[0]);
      const last = vals[vals.length - 1];
      if (last && /\berr\w*\b/.test(last.text) && last.text !== 'nil') continue;
    }
    if (!underErrorBranch(d, body)) return true;
  }
  return false;
}

function underErrorBranch(n: SyntaxNode, top: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== top.id; p = p.parent) {
    if (p.type === 'if_statement' && isErrorCondition(p.childForFieldName('condition'))) {
      // Only when n is in the consequence (the else of an error check is the success path).
      const cons = p.childForFieldName('consequence');
      if (cons && cons.startIndex <= n.startIndex && n.endIndex <= cons.endIndex) return true;
    }
    if (p.type === 'expression_case' && isErrorCondition(p.childForFieldName('value'))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Where a connection came from

export type Origin = 'accepted' | 'param' | 'dialed' | 'unknown';

const DIAL_FUNCS = new Set([
  'net.Dial',
  'net.DialTimeout',
  'net.DialTCP',
  'net.DialUnix',
  'net.DialUDP',
  'net.DialIP',
  'crypto/tls.Dial',
  'crypto/tls.DialWithDialer',
  'net/http.Get',
]);

/** Is `call` an Accept on a listener (or an unknown receiver with the listener's method shape)? */
export function isAcceptCall(file: FileFacts, call: SyntaxNode | null | undefined): boolean {
  const c = unparen(call);
  if (!c || c.type !== 'call_expression') return false;
  const fn = unparen(c.childForFieldName('function'));
  if (!fn || fn.type !== 'selector_expression') return false;
  const name = fn.childForFieldName('field')?.text ?? '';
  if (name !== 'Accept' && name !== 'AcceptTCP' && name !== 'AcceptUnix') return false;
  if (callArgs(c).length) return false;
  if (file.qualified(fn)) return false;
  const k = file.kindOf(fn.childForFieldName('operand'));
  return !k || isListener(k) || k.replace(/^\*/, '').startsWith('local.');
}

function isDialCall(file: FileFacts, call: SyntaxNode): boolean {
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return false;
  const q = file.qualified(fn);
  if (q) return DIAL_FUNCS.has(q);
  if (fn.type === 'selector_expression') {
    const name = fn.childForFieldName('field')?.text ?? '';
    return /^Dial(Context|TCP|Unix|Timeout)?$/.test(name);
  }
  return false;
}

/** Where the value of a conn binding comes from, looking through wrappers (tls.Server(c), c.(*net.TCPConn)). */
export function originOf(file: FileFacts, b: Binding, depth = 0): Origin {
  if (depth > 4) return 'unknown';
  if (b.isParam) {
    // A literal called on the spot (`go func(c net.Conn) {...}(conn)`): the argument's origin.
    const fn = b.scope;
    if (fn.type === 'func_literal' && fn.parent?.type === 'call_expression' && fn.parent.childForFieldName('function')?.id === fn.id) {
      const idx = paramIndex(fn, b);
      const arg = idx === -1 ? null : callArgs(fn.parent)[idx];
      const ch = arg ? chainOf(file, arg) : null;
      if (ch?.root) return originOf(file, ch.root, depth + 1);
      return 'unknown';
    }
    return 'param';
  }
  const v = b.value;
  if (!v) return reassignedOrigin(file, b, null);
  const e = unparen(v.expr);
  if (!e) return 'unknown';
  let o: Origin = 'unknown';
  if (e.type === 'call_expression') {
    if (isAcceptCall(file, e)) o = 'accepted';
    else if (isDialCall(file, e)) o = 'dialed';
    else {
      const src = sourceOf(file, e);
      const ch = src ? chainOf(file, src) : null;
      if (ch?.root) o = originOf(file, ch.root, depth + 1);
    }
  } else if (e.type === 'type_assertion_expression') {
    const ch = chainOf(file, e.childForFieldName('operand'));
    if (ch.root) o = originOf(file, ch.root, depth + 1);
  }
  return reassignedOrigin(file, b, o);
}

/** Other assignments to the binding must keep its origin (another Accept, a tls wrap of itself). */
function reassignedOrigin(file: FileFacts, b: Binding, o: Origin | null): Origin {
  const scopes = file.scopesFor(b.decl);
  if (!scopes) return o ?? 'unknown';
  for (const use of scopes.usesOf(b)) {
    const list = use.parent;
    const stmt = list?.parent;
    if (!list || !stmt || list.type !== 'expression_list' || stmt.type !== 'assignment_statement') continue;
    if (stmt.childForFieldName('left')?.id !== list.id) continue;
    const right = exprList(stmt.childForFieldName('right'));
    const idx = exprList(list).findIndex((x) => x.id === use.id);
    const rhs = unparen(right.length === 1 ? right[0] : right[idx]);
    let ro: Origin = 'unknown';
    if (rhs?.type === 'call_expression') {
      if (isAcceptCall(file, rhs)) ro = 'accepted';
      else if (isDialCall(file, rhs)) ro = 'dialed';
      else {
        const src = sourceOf(file, rhs);
        if (src && unparen(src)?.type === 'identifier' && file.binding(unparen(src)!) === b) ro = o ?? 'unknown';
      }
    }
    if (o === null) o = ro;
    else if (ro !== o) return 'unknown';
  }
  return o ?? 'unknown';
}

function paramIndex(fn: SyntaxNode, b: Binding): number {
  let i = 0;
  for (const p of named(fn.childForFieldName('parameters'))) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const names = p.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
    if (!names.length) i++;
    for (const n of names) {
      if (n.id === b.decl.id) return i;
      i++;
    }
  }
  return -1;
}

/** Name and key of a declared function, for call-site lookup. */
function declName(fn: SyntaxNode): string | null {
  if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') return null;
  return fn.childForFieldName('name')?.text ?? null;
}

interface CallSite {
  file: FileFacts;
  call: SyntaxNode;
}

/** Calls in the package to a function or method of this name (methods matched by name). */
function callSites(file: FileFacts, name: string, method: boolean): CallSite[] {
  const memoKey = 'deadlines:callsites';
  let idx = file.pkg.memo.get(memoKey) as Map<string, CallSite[]> | undefined;
  if (!idx) {
    idx = new Map();
    for (const f of file.pkg.files) {
      for (const call of ofType(f.tree.rootNode, 'call_expression')) {
        const fn = unparen(call.childForFieldName('function'));
        if (!fn) continue;
        let key: string | null = null;
        if (fn.type === 'identifier') key = `f:${fn.text}`;
        else if (fn.type === 'selector_expression' && !f.qualified(fn)) key = `m:${fn.childForFieldName('field')?.text}`;
        if (!key) continue;
        let l = idx.get(key);
        if (!l) idx.set(key, (l = []));
        l.push({ file: f, call });
      }
    }
    file.pkg.memo.set(memoKey, idx);
  }
  return idx.get(`${method ? 'm' : 'f'}:${name}`) ?? [];
}

export interface ParamVerdict {
  /** Some caller sets a deadline on the argument or closes it from another goroutine. */
  managed: boolean;
  /** There are callers and every one passes a dialed (client) connection. */
  allDialed: boolean;
  /** Number of call sites found in the package. */
  sites: number;
  /** A caller that passes a connection it accepted (its name), if any. */
  acceptedIn: string | null;
}

/** What the package's callers do with the connection passed as this parameter. */
export function paramVerdict(file: FileFacts, b: Binding, depth = 0): ParamVerdict {
  const fn = b.scope;
  const none: ParamVerdict = { managed: false, allDialed: false, sites: 0, acceptedIn: null };
  const name = declName(fn);
  if (!name || depth > 3) return none;
  const idx = paramIndex(fn, b);
  if (idx === -1) return none;
  const memoKey = `deadlines:param:${fn.startIndex}:${file.path}:${idx}`;
  const cached = file.pkg.memo.get(memoKey) as ParamVerdict | undefined;
  if (cached) return cached;
  file.pkg.memo.set(memoKey, none);
  const sites = callSites(file, name, fn.type === 'method_declaration');
  let managed = false;
  let dialed = 0;
  let acceptedIn: string | null = null;
  for (const s of sites) {
    const arg = callArgs(s.call)[idx];
    if (!arg) continue;
    const ch = chainOf(s.file, arg);
    const caller = s.call.parent ? outerFunction(s.call) : null;
    if (caller && (setsDeadlineIn(s.file, caller, ch.keys, null) || closedConcurrently(s.file, caller, ch.keys, s.call))) managed = true;
    if (ch.root) {
      let o = originOf(s.file, ch.root);
      if (o === 'param') {
        const v = paramVerdict(s.file, ch.root, depth + 1);
        if (v.managed) managed = true;
        if (v.allDialed) o = 'dialed';
      }
      if (o === 'dialed') dialed++;
      if (o === 'accepted' && caller) acceptedIn ??= declName(caller) ?? 'a function literal';
    }
  }
  const verdict = { managed, allDialed: sites.length > 0 && dialed === sites.length, sites: sites.length, acceptedIn };
  file.pkg.memo.set(memoKey, verdict);
  return verdict;
}

/** A SetReadDeadline/SetDeadline on one of `keys` anywhere in `scope` (function literals included), outside `except`. */
export function setsDeadlineIn(file: FileFacts, scope: SyntaxNode, keys: Set<string>, except: SyntaxNode | null): boolean {
  for (const call of ofType(scope, 'call_expression')) {
    if (except && except.startIndex <= call.startIndex && call.endIndex <= except.endIndex) continue;
    const d = deadlineCall(call);
    if (!d) continue;
    if (intersects(chainOf(file, d.recv).keys, keys)) return true;
  }
  return false;
}

/**
 * The connection is closed (or its deadline set) by code running concurrently: a `go` statement's
 * function literal, or a literal handed to another call as a callback (context.AfterFunc,
 * time.AfterFunc, ...). That bounds a blocked read as well as a deadline does.
 */
export function closedConcurrently(file: FileFacts, scope: SyntaxNode, keys: Set<string>, user: SyntaxNode): boolean {
  // The reading happens in a goroutine (`go func() { for { c.Read(…) } }()`): the function that
  // started it closing the conn (directly or deferred) runs concurrently with the reads.
  const readerGo = enclosingGoLiteral(user, scope);
  if (readerGo) {
    for (const call of ofType(scope, 'call_expression')) {
      if (readerGo.startIndex <= call.startIndex && call.endIndex <= readerGo.endIndex) continue;
      if (innermostFunctionOrNull(call) !== innermostFunctionOrNull(readerGo)) continue;
      const fn = unparen(call.childForFieldName('function'));
      if (fn?.type !== 'selector_expression' || fn.childForFieldName('field')?.text !== 'Close') continue;
      if (intersects(chainOf(file, fn.childForFieldName('operand')).keys, keys)) return true;
    }
  }
  for (const lit of ofType(scope, 'func_literal')) {
    const p = lit.parent;
    if (!p) continue;
    // The goroutine that does the reading closing its own conn afterwards bounds nothing.
    if (lit.startIndex <= user.startIndex && user.endIndex <= lit.endIndex) continue;
    const isGo = p.type === 'call_expression' && p.childForFieldName('function')?.id === lit.id && p.parent?.type === 'go_statement';
    const isCallback = p.type === 'argument_list';
    if (!isGo && !isCallback) continue;
    for (const call of ofType(lit, 'call_expression')) {
      const fn = unparen(call.childForFieldName('function'));
      if (!fn || fn.type !== 'selector_expression') continue;
      const name = fn.childForFieldName('field')?.text ?? '';
      if (name !== 'Close' && !DEADLINE_METHODS.has(name)) continue;
      if (intersects(chainOf(file, fn.childForFieldName('operand')).keys, keys)) return true;
    }
  }
  return false;
}

/** The `go func() {…}()` literal (inside `scope`) that `n` runs in, if any. */
function enclosingGoLiteral(n: SyntaxNode, scope: SyntaxNode): SyntaxNode | null {
  for (let p = n.parent; p && p.id !== scope.id; p = p.parent) {
    if (p.type !== 'func_literal') continue;
    const c = p.parent;
    return c?.type === 'call_expression' && c.childForFieldName('function')?.id === p.id && c.parent?.type === 'go_statement' ? p : null;
  }
  return null;
}

function innermostFunctionOrNull(n: SyntaxNode): number | null {
  return enclosingFunction(n)?.id ?? null;
}

/** Does a same-package function (or a local func literal) called here set a deadline, up to `depth` calls deep? */
export function helperSetsDeadline(file: FileFacts, call: SyntaxNode, depth = 0): boolean {
  if (depth > 3) return false;
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return false;
  const bodies: { file: FileFacts; node: SyntaxNode }[] = [];
  if (fn.type === 'identifier') {
    const b = file.binding(fn);
    if (b) {
      const v = b.value && unparen(b.value.expr);
      if (v?.type === 'func_literal') bodies.push({ file, node: v });
    } else {
      const f = file.pkg.funcs.get(fn.text);
      if (f && !f.iface) bodies.push({ file: f.file, node: f.node });
    }
  } else if (fn.type === 'selector_expression' && !file.qualified(fn)) {
    for (const f of samePackageMethods(file, fn)) bodies.push({ file: f.file, node: f.node });
  } else if (fn.type === 'func_literal') bodies.push({ file, node: fn });
  for (const { file: bf, node } of bodies) {
    const memoKey = `deadlines:helper:${bf.path}:${node.startIndex}`;
    let v = file.pkg.memo.get(memoKey) as boolean | undefined;
    if (v === undefined) {
      file.pkg.memo.set(memoKey, false);
      v = ofType(node, 'call_expression').some((c) => !!deadlineCall(c) || (c.id !== call.id && helperSetsDeadline(bf, c, depth + 1)));
      file.pkg.memo.set(memoKey, v);
    }
    if (v) return true;
  }
  return false;
}

/** The package declares a conn wrapper whose Read sets a deadline (`func (c *idleConn) Read(...)`). */
export function packageHasDeadlineWrapper(file: FileFacts): boolean {
  const key = 'deadlines:wrapper';
  const m = file.pkg.memo.get(key) as boolean | undefined;
  if (m !== undefined) return m;
  let v = false;
  for (const f of file.pkg.funcs.values()) {
    if (f.key === f.name || f.name !== 'Read' || f.iface) continue;
    if (ofType(f.node, 'call_expression').some((c) => !!deadlineCall(c))) v = true;
  }
  file.pkg.memo.set(key, v);
  return v;
}

const BUILTINS = new Set([
  'append',
  'cap',
  'clear',
  'close',
  'complex',
  'copy',
  'delete',
  'imag',
  'len',
  'make',
  'max',
  'min',
  'new',
  'panic',
  'print',
  'println',
  'real',
  'recover',
]);

/** Is a call's callee invisible to us (another package's function or an interface method) and handed `keys`? */
export function passesToUnknown(file: FileFacts, call: SyntaxNode, keys: Set<string>): boolean {
  const args = callArgs(call);
  if (!args.some((a) => intersects(chainOf(file, a).keys, keys))) return false;
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return true;
  const q = file.qualified(fn);
  // Standard library paths have no dot in their first element (`io`, `net/http`).
  if (q) return q.slice(0, q.lastIndexOf('.')).split('/')[0].includes('.');
  if (fn.type === 'identifier') {
    const b = file.binding(fn);
    if (b) return unparen(b.value?.expr)?.type !== 'func_literal';
    return !file.pkg.funcs.has(fn.text) && !BUILTINS.has(fn.text);
  }
  if (fn.type === 'selector_expression') {
    const k = file.kindOf(fn.childForFieldName('operand'));
    // A method of a standard type we model (conn.Write, br.ReadString) is not a deadline setter.
    if (k && !k.replace(/^\*/, '').startsWith('local.')) return false;
    return samePackageMethods(file, fn).length === 0;
  }
  return true;
}

/**
 * Same-package methods a selector call may reach: `T.m` when the receiver is a local type, every
 * method named m when the receiver's type is unknown, none for standard types.
 */
function samePackageMethods(file: FileFacts, fn: SyntaxNode): FuncInfo[] {
  const name = fn.childForFieldName('field')?.text ?? '';
  const k = file.kindOf(fn.childForFieldName('operand'));
  if (k) {
    const base = k.replace(/^\*/, '');
    if (!base.startsWith('local.')) return [];
    const m = file.pkg.funcs.get(`${base.slice(6)}.${name}`);
    // A method of an interface declared here has no body: whatever implements it is unknown.
    return m && !m.iface ? [m] : [];
  }
  const out: FuncInfo[] = [];
  for (const f of file.pkg.funcs.values()) if (f.name === name && f.key !== name && !f.iface) out.push(f);
  return out;
}

export { isStreamConn };

// ---------------------------------------------------------------------------------------------
// Fix text

// ---------------------------------------------------------------------------------------------
// Connections kept in struct fields: `c.conn`, or `c.r` made with bufio.NewReader(conn)

export interface FieldRef {
  struct: string;
  field: string;
  operand: SyntaxNode;
}

/** `x.f` where x is of a struct type declared in this package that has a field f. */
export function fieldRef(file: FileFacts, e: SyntaxNode | null | undefined): FieldRef | null {
  const u = unparen(e);
  if (!u || u.type !== 'selector_expression') return null;
  const op = u.childForFieldName('operand');
  const f = u.childForFieldName('field')?.text;
  if (!op || !f) return null;
  const k = file.kindOf(op);
  const base = k?.replace(/^\*/, '') ?? '';
  if (!base.startsWith('local.')) return null;
  const st = base.slice(6);
  if (!file.pkg.structs.get(st)?.has(f)) return null;
  return { struct: st, field: f, operand: op };
}

interface FieldStore {
  file: FileFacts;
  value: SyntaxNode;
}

/** Every value stored into S.f in the package (composite literals and assignments); null if some store is opaque. */
function fieldStores(file: FileFacts, struct: string, field: string): FieldStore[] | null {
  const memoKey = 'deadlines:stores';
  let idx = file.pkg.memo.get(memoKey) as Map<string, FieldStore[] | null> | undefined;
  if (!idx) {
    idx = new Map();
    const add = (key: string, st: FieldStore | null) => {
      const cur = idx!.get(key);
      if (cur === null) return;
      if (!st) idx!.set(key, null);
      else idx!.set(key, [...(cur ?? []), st]);
    };
    for (const f of file.pkg.files) {
      for (const lit of ofType(f.tree.rootNode, 'composite_literal')) {
        let t = lit.childForFieldName('type');
        if (t?.type === 'generic_type') t = t.childForFieldName('type');
        if (!t || t.type !== 'type_identifier') continue;
        const fields = file.pkg.structs.get(t.text);
        if (!fields) continue;
        const names = [...fields.keys()];
        const elems = named(lit.childForFieldName('body')).filter((c) => c.type === 'keyed_element' || c.type === 'literal_element');
        elems.forEach((el, i) => {
          if (el.type === 'keyed_element') {
            const key = el.childForFieldName('key')?.namedChild(0);
            const val = el.childForFieldName('value')?.namedChild(0);
            if (key?.type === 'identifier' && val) add(`${t!.text}.${key.text}`, { file: f, value: val });
          } else if (names[i]) {
            const val = el.namedChild(0);
            add(`${t!.text}.${names[i]}`, val ? { file: f, value: val } : null);
          }
        });
      }
      for (const as of ofType(f.tree.rootNode, 'assignment_statement')) {
        if (as.childForFieldName('operator')?.text !== '=') continue;
        const left = exprList(as.childForFieldName('left'));
        const right = exprList(as.childForFieldName('right'));
        left.forEach((l, i) => {
          const ref = fieldRef(f, l);
          if (!ref) return;
          add(`${ref.struct}.${ref.field}`, right.length === left.length ? { file: f, value: right[i] } : null);
        });
      }
    }
    file.pkg.memo.set(memoKey, idx);
  }
  const v = idx.get(`${struct}.${field}`);
  return v === undefined ? [] : v;
}

/**
 * Where the connection behind S.f comes from: 'accepted' when every value stored into it is (or
 * is a reader over) a connection accepted in this package, and no function storing it sets a
 * deadline on it or closes it from another goroutine.
 */
export function fieldOrigin(file: FileFacts, ref: FieldRef): { accepted: boolean; acceptedIn: string | null } {
  const memoKey = `deadlines:fieldorigin:${ref.struct}.${ref.field}`;
  const cached = file.pkg.memo.get(memoKey) as { accepted: boolean; acceptedIn: string | null } | undefined;
  if (cached) return cached;
  const no = { accepted: false, acceptedIn: null };
  file.pkg.memo.set(memoKey, no);
  const stores = fieldStores(file, ref.struct, ref.field);
  if (!stores || !stores.length) return no;
  let acceptedIn: string | null = null;
  for (const st of stores) {
    const ch = chainOf(st.file, st.value);
    if (!ch.root || !isStreamConn(ch.rootKind)) return no;
    let o = originOf(st.file, ch.root);
    const fn = outerFunction(st.value);
    if (o === 'param') {
      const v = paramVerdict(st.file, ch.root);
      if (!v.acceptedIn || v.allDialed || v.managed) return no;
      o = 'accepted';
      acceptedIn ??= v.acceptedIn;
    } else if (o === 'accepted') acceptedIn ??= (fn && declName(fn)) ?? null;
    if (o !== 'accepted') return no;
    if (fn && (setsDeadlineIn(st.file, fn, ch.keys, null) || closedConcurrently(st.file, fn, ch.keys, st.value))) return no;
  }
  const res = { accepted: true, acceptedIn };
  file.pkg.memo.set(memoKey, res);
  return res;
}

/**
 * The package manages deadlines or lifetimes of S's connection somewhere we do not follow path by
 * path: a deadline on any field of an S value or inside a method of S, an S method that starts
 * timers (idle or heartbeat timers usually close the conn), or a goroutine/callback closing an S
 * value or one of its fields.
 */
export function structManaged(file: FileFacts, struct: string): boolean {
  const memoKey = `deadlines:managed:${struct}`;
  const m = file.pkg.memo.get(memoKey) as boolean | undefined;
  if (m !== undefined) return m;
  const isS = (f: FileFacts, e: SyntaxNode | null | undefined) => {
    if (fieldRef(f, e)?.struct === struct) return true;
    const k = f.kindOf(e);
    return !!k && k.replace(/^\*/, '') === `local.${struct}`;
  };
  const methods = [...file.pkg.funcs.values()].filter((f) => f.key.startsWith(`${struct}.`) && !f.iface);
  const inMethod = (f: FileFacts, n: SyntaxNode) =>
    methods.some((mm) => mm.file === f && mm.node.startIndex <= n.startIndex && n.endIndex <= mm.node.endIndex);
  let v = false;
  outer: for (const f of file.pkg.files) {
    for (const call of ofType(f.tree.rootNode, 'call_expression')) {
      const d = deadlineCall(call);
      if (d && (isS(f, d.recv) || inMethod(f, call))) {
        v = true;
        break outer;
      }
      const q = f.qualified(call.childForFieldName('function'));
      if (q && /^(time\.(AfterFunc|NewTimer|NewTicker|Tick)|context\.AfterFunc)$/.test(q) && inMethod(f, call)) {
        v = true;
        break outer;
      }
    }
    for (const lit of ofType(f.tree.rootNode, 'func_literal')) {
      const p = lit.parent;
      const concurrent = (p?.type === 'call_expression' && p.parent?.type === 'go_statement') || p?.type === 'argument_list';
      if (!concurrent) continue;
      for (const call of ofType(lit, 'call_expression')) {
        const fn = unparen(call.childForFieldName('function'));
        if (
          fn?.type === 'selector_expression' &&
          fn.childForFieldName('field')?.text === 'Close' &&
          isS(f, fn.childForFieldName('operand'))
        ) {
          v = true;
          break outer;
        }
      }
    }
  }
  file.pkg.memo.set(memoKey, v);
  return v;
}

/** The stream-conn field of S to set a deadline on, when S has exactly one. */
export function connFieldOf(file: FileFacts, struct: string): string | null {
  const fields = file.pkg.structs.get(struct);
  if (!fields) return null;
  const conns = [...fields].filter(([, t]) => isStreamConn(t.file.typeKind(t.type)));
  return conns.length === 1 ? conns[0][0] : null;
}

// ---------------------------------------------------------------------------------------------
// Reads through same-package helpers: `for { cmd, err := readCommand(r) }`, `for { c.readRequest() }`

export interface HelperReads {
  /** Parameter positions the helper reads from. */
  params: Set<number>;
  /** Fields of the receiver the helper reads from (`c.r.ReadString` in a method of c's type). */
  fields: Set<string>;
}

/** The same-package function or method a call reaches, when it is exactly one with a body. */
export function resolveCallee(file: FileFacts, call: SyntaxNode): FuncInfo | null {
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return null;
  if (fn.type === 'identifier') {
    if (file.binding(fn)) return null;
    const f = file.pkg.funcs.get(fn.text);
    return f && !f.iface ? f : null;
  }
  if (fn.type === 'selector_expression' && !file.qualified(fn)) {
    const k = file.kindOf(fn.childForFieldName('operand'))?.replace(/^\*/, '');
    if (!k?.startsWith('local.')) return null;
    const m = file.pkg.funcs.get(`${k.slice(6)}.${fn.childForFieldName('field')?.text ?? ''}`);
    return m && !m.iface ? m : null;
  }
  return null;
}

function paramBindings(f: FuncInfo): { params: (Binding | null)[]; recv: Binding | null } {
  const params: (Binding | null)[] = [];
  for (const p of named(f.node.childForFieldName('parameters'))) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const names = p.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
    if (!names.length) params.push(null);
    for (const n of names) params.push(f.file.binding(n));
  }
  const rp = named(f.node.childForFieldName('receiver')).find((c) => c.type === 'parameter_declaration');
  const rn = rp?.childForFieldName('name');
  return { params, recv: rn ? f.file.binding(rn) : null };
}

/** What a same-package function reads, directly or through one more helper. */
export function helperReads(f: FuncInfo, depth = 0): HelperReads {
  const memoKey = `deadlines:reads:${f.file.path}:${f.node.startIndex}`;
  const cached = f.file.pkg.memo.get(memoKey) as HelperReads | undefined;
  if (cached) return cached;
  const res: HelperReads = { params: new Set(), fields: new Set() };
  f.file.pkg.memo.set(memoKey, res);
  const body = f.node.childForFieldName('body');
  if (!body) return res;
  const file = f.file;
  const { params, recv } = paramBindings(f);
  const note = (ch: Chain) => {
    params.forEach((pb, i) => {
      if (pb && ch.keys.has(bindingKey(pb))) res.params.add(i);
    });
    if (recv && ch.selector) {
      const op = unparen(ch.selector.childForFieldName('operand'));
      const field = ch.selector.childForFieldName('field')?.text;
      if (op?.type === 'identifier' && field && file.binding(op) === recv) res.fields.add(field);
    }
  };
  for (const call of callsIn(body)) {
    const cr = connRead(file, call, { anyKind: true, fields: true });
    if (cr) {
      // A read inside the helper's own session loop makes the helper a session, not a message
      // reader: it is reported there, not at every caller.
      const session = enclosingLoops(call).some((l) => isOpenEndedLoop(l) && !isMessageLoop(l, f.node));
      if (!cr.read.copy && !session) note(cr.chain);
      continue;
    }
    if (depth >= 2) continue;
    const callee = resolveCallee(file, call);
    if (!callee || callee === f) continue;
    const sub = helperReads(callee, depth + 1);
    for (const i of sub.params) {
      const a = callArgs(call)[i];
      if (a) note(chainOf(file, a));
    }
    const fn = unparen(call.childForFieldName('function'));
    if (sub.fields.size && recv && fn?.type === 'selector_expression') {
      const op = unparen(fn.childForFieldName('operand'));
      if (op?.type === 'identifier' && file.binding(op) === recv) for (const x of sub.fields) res.fields.add(x);
    }
  }
  return res;
}

/** A call in a loop that reads a connection through a helper: the caller-side chain, or a receiver field. */
export function helperCallRead(file: FileFacts, call: SyntaxNode): { chain: Chain; field: FieldRef | null; via: string } | null {
  // `go serve(c)` / `defer …` do not read in this loop.
  if (call.parent?.type === 'go_statement' || call.parent?.type === 'defer_statement') return null;
  const callee = resolveCallee(file, call);
  if (!callee) return null;
  const reads = helperReads(callee);
  const via = `${callee.key}()`;
  for (const i of reads.params) {
    const a = callArgs(call)[i];
    if (!a) continue;
    const ch = chainOf(file, a);
    if (ch.conns.length || ch.connPaths.length || (ch.selector && fieldRef(file, ch.selector))) return { chain: ch, field: null, via };
  }
  const fn = unparen(call.childForFieldName('function'));
  if (reads.fields.size && fn?.type === 'selector_expression') {
    const op = unparen(fn.childForFieldName('operand'));
    const k = op ? file.kindOf(op)?.replace(/^\*/, '') : null;
    if (op && k?.startsWith('local.')) {
      const st = k.slice(6);
      const field = [...reads.fields].find((x) => file.pkg.structs.get(st)?.has(x));
      if (field) {
        const ch = chainOf(file, op);
        const b = op.type === 'identifier' ? file.binding(op) : null;
        ch.keys.add(b ? `p:${bindingKey(b)}.${field}` : `p:${op.text}.${field}`);
        return { chain: ch, field: { struct: st, field, operand: op }, via };
      }
    }
  }
  return null;
}
