// What reads a connection, and from which connection: read calls (conn.Read, bufio readers,
// decoders, io.ReadFull…), the chain from a reader down to the connection it wraps, deadline calls
// and their times, Accept calls, and struct fields of the package that hold connections.
import type { SyntaxNode } from '../parser';
import type { FileFacts } from './package';
import type { Binding } from './scope';
import { isConn, isListener, type Kind } from './kinds';
import { callArgs, pathText, unparen } from './syntax';

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
export function sourceOf(file: FileFacts, e: SyntaxNode): SyntaxNode | null {
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
// Accept calls and connections kept in struct fields: `c.conn`, or `c.r` made with bufio.NewReader(conn)

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
