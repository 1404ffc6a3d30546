// Where a connection comes from and who bounds its reads, across the functions of a package:
// accepted, dialed or a parameter (and what every caller passes), deadlines set or connections
// closed by other code (callers, goroutines, callbacks, same-package helpers, wrapper types),
// struct fields holding accepted connections, and reads done by same-package helpers.
import type { SyntaxNode } from '../parser';
import { resolveCallee, type FileFacts, type FuncInfo } from './package';
import type { Binding } from './scope';
import { isStreamConn } from './kinds';
import { callsIn, enclosingLoops, isMessageLoop, isOpenEndedLoop } from './loops';
import {
  bindingKey,
  chainOf,
  connRead,
  deadlineCall,
  DEADLINE_METHODS,
  fieldRef,
  intersects,
  isAcceptCall,
  sourceOf,
  type Chain,
  type FieldRef,
} from './reads';
import { outerFunction } from './scope';
import { callArgs, enclosingFunction, exprList, named, ofType, paramsOf, unparen } from './syntax';

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
  return paramsOf(fn.childForFieldName('parameters')).findIndex((p) => p.name?.id === b.decl.id);
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

/**
 * Calls in the package to a function or method of this name (methods matched by name). Per name,
 * walking only the files whose text mentions it: a package-wide index resolved every selector's
 * operand (building the scopes of every function) and cost half a second on large packages.
 */
function callSites(file: FileFacts, name: string, method: boolean): CallSite[] {
  const memoKey = `deadlines:callsites:${method ? 'm' : 'f'}:${name}`;
  const cached = file.pkg.memo.get(memoKey) as CallSite[] | undefined;
  if (cached) return cached;
  const out: CallSite[] = [];
  for (const f of file.pkg.files) {
    if (!f.text.includes(name)) continue;
    for (const call of ofType(f.tree.rootNode, 'call_expression')) {
      const fn = unparen(call.childForFieldName('function'));
      if (!fn) continue;
      if (
        method
          ? fn.type === 'selector_expression' && fn.childForFieldName('field')?.text === name && !f.qualified(fn)
          : fn.type === 'identifier' && fn.text === name
      )
        out.push({ file: f, call });
    }
  }
  file.pkg.memo.set(memoKey, out);
  return out;
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

// ---------------------------------------------------------------------------------------------
// Connections kept in struct fields: `c.conn`, or `c.r` made with bufio.NewReader(conn)

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

function paramBindings(f: FuncInfo): { params: (Binding | null)[]; recv: Binding | null } {
  const params = paramsOf(f.node.childForFieldName('parameters')).map((p) => (p.name ? f.file.binding(p.name) : null));
  const rn = paramsOf(f.node.childForFieldName('receiver'))[0]?.name;
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
