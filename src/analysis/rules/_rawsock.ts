// Shared pieces of the raw-socket rules (tcpconn-file, raw-syscall-nonblock, redundant-reuseaddr):
// which values are sockets with a File method, where a descriptor comes from (File().Fd(), a
// RawConn.Control callback), and whether a file is built for Windows.
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import type { FileFacts } from '../facts/package';
import type { Kind } from '../facts/kinds';
import { constraintOf, evalConstraint, KNOWN_OS } from '../facts/buildtags';
import { callArgs, methodCall, named, unparen } from '../facts/syntax';

/** Socket types whose File() returns a dup of the descriptor (the `conn`/`netFD` File method). */
export const NET_FILE_KINDS = new Set<Kind>([
  '*net.TCPConn',
  '*net.UDPConn',
  '*net.UnixConn',
  '*net.IPConn',
  '*net.TCPListener',
  '*net.UnixListener',
]);
const LISTENER_FILE_KINDS = new Set<Kind>(['*net.TCPListener', '*net.UnixListener']);

export const isNetFileKind = (k: Kind | null | undefined): boolean => !!k && NET_FILE_KINDS.has(k);
export const isSocketListenerKind = (k: Kind | null | undefined): boolean => !!k && LISTENER_FILE_KINDS.has(k);

export const SYSCALL_PKGS = new Set(['syscall', 'golang.org/x/sys/unix']);

/** `syscall.Name` / `unix.Name` called directly: returns the function name and the package path. */
export function sysCall(file: FileFacts, call: SyntaxNode): { name: string; pkg: string } | null {
  if (call.type !== 'call_expression') return null;
  const q = file.qualified(call.childForFieldName('function'));
  if (!q) return null;
  const i = q.lastIndexOf('.');
  const pkg = q.slice(0, i);
  return SYSCALL_PKGS.has(pkg) ? { name: q.slice(i + 1), pkg } : null;
}

/** Strips conversions and parentheses around a descriptor: `int(fd)`, `uintptr(x)`, `(fd)`. */
export function stripConversions(n: SyntaxNode | null | undefined): SyntaxNode | null {
  let cur = unparen(n);
  while (cur && cur.type === 'call_expression') {
    const fn = unparen(cur.childForFieldName('function'));
    const args = callArgs(cur);
    if (!fn || args.length !== 1 || fn.type !== 'identifier' || !/^(int|int32|int64|uint|uint32|uint64|uintptr)$/.test(fn.text)) break;
    cur = unparen(args[0]);
  }
  return cur;
}

/**
 * The expression a descriptor argument stands for: conversions stripped, and local variables
 * followed to their single initializer (`s := int(fd)`, `fd := int(f.Fd())`) while never reassigned.
 */
export function resolveFd(ctx: RuleContext, n: SyntaxNode): SyntaxNode | null {
  let cur = stripConversions(n);
  for (let depth = 0; cur && cur.type === 'identifier' && depth < 4; depth++) {
    const b = ctx.file.binding(cur);
    if (!b || b.isParam || !b.value || b.value.count !== 1) return cur;
    const uses = ctx.file.scopesFor(cur)?.usesOf(b) ?? [];
    if (uses.some(isAssignedTo)) return cur;
    cur = stripConversions(b.value.expr);
  }
  return cur;
}

/** The receiver of `x.File()` with type assertions peeled off: the original connection's spelling. */
export function originalOf(recv: SyntaxNode): SyntaxNode {
  let cur = unparen(recv) ?? recv;
  while (cur.type === 'type_assertion_expression') {
    const op = unparen(cur.childForFieldName('operand'));
    if (!op) break;
    cur = op;
  }
  return cur;
}

/** For `f.Fd()`: the `X.File()` call that produced f (through `f, err := X.File()`), or null. */
export function fileCallOfFd(ctx: RuleContext, fdCall: SyntaxNode): { fileCall: SyntaxNode; recv: SyntaxNode; kind: Kind } | null {
  const mc = methodCall(fdCall);
  if (!mc || mc.name !== 'Fd' || callArgs(fdCall).length) return null;
  const f = unparen(mc.recv);
  if (!f || f.type !== 'identifier') return null;
  const b = ctx.file.binding(f);
  if (!b || !b.value || b.value.count !== 2 || b.value.index !== 0) return null;
  const call = unparen(b.value.expr);
  if (!call || call.type !== 'call_expression') return null;
  const fc = methodCall(call);
  if (!fc || fc.name !== 'File') return null;
  const kind = ctx.file.kindOf(fc.recv);
  if (!kind || !isNetFileKind(kind)) return null;
  return { fileCall: call, recv: fc.recv, kind };
}

/** A RawConn.Control (or Read/Write) callback holding `n`: the literal, its fd parameter and the RawConn expression. */
export function controlCallback(n: SyntaxNode): { literal: SyntaxNode; fdParam: string; rawConn: SyntaxNode; method: string } | null {
  for (let p: SyntaxNode | null = n.parent; p; p = p.parent) {
    if (p.type !== 'func_literal') continue;
    const args = p.parent;
    const call = args?.parent;
    if (args?.type !== 'argument_list' || !call || call.type !== 'call_expression') return null;
    const mc = methodCall(call);
    if (!mc || !['Control', 'Read', 'Write'].includes(mc.name) || callArgs(call).length !== 1) return null;
    const params = named(p.childForFieldName('parameters')).filter((c) => c.type === 'parameter_declaration');
    if (params.length !== 1 || params[0].childForFieldName('type')?.text !== 'uintptr') return null;
    const names = params[0].childrenForFieldName('name').filter((c): c is SyntaxNode => !!c);
    if (names.length !== 1) return null;
    return { literal: p, fdParam: names[0].text, rawConn: mc.recv, method: mc.name };
  }
  return null;
}

export type RawConnOrigin = { kind: 'control-func'; fn: SyntaxNode } | { kind: 'socket'; of: SyntaxNode; sockKind: Kind };

/**
 * Where a syscall.RawConn comes from, when it is surely a socket: the RawConn parameter of a
 * `func(network, address string, c syscall.RawConn) error` (Dialer/ListenConfig Control), or
 * `x.SyscallConn()` on a net connection or listener.
 */
export function rawConnOrigin(ctx: RuleContext, rc: SyntaxNode): RawConnOrigin | null {
  const id = unparen(rc);
  if (!id) return null;
  if (id.type === 'call_expression') return syscallConnOf(ctx, id);
  if (id.type !== 'identifier') return null;
  const b = ctx.file.binding(id);
  if (!b) return null;
  if (b.isParam) {
    const t = b.typeNode ? ctx.file.typeKind(b.typeNode) : null;
    if (t !== 'syscall.RawConn') return null;
    const fn = b.scope;
    if (!isControlSignature(fn)) return null;
    return { kind: 'control-func', fn };
  }
  if (b.value && b.value.count === 2 && b.value.index === 0) {
    const v = unparen(b.value.expr);
    if (v?.type === 'call_expression') return syscallConnOf(ctx, v);
  }
  return null;
}

function syscallConnOf(ctx: RuleContext, call: SyntaxNode): RawConnOrigin | null {
  const mc = methodCall(call);
  if (!mc || mc.name !== 'SyscallConn') return null;
  const k = ctx.file.kindOf(mc.recv);
  if (!k || !isNetFileKind(k)) return null;
  return { kind: 'socket', of: mc.recv, sockKind: k };
}

/** `func(network, address string, c syscall.RawConn) error` — the Control hook of Dialer and ListenConfig. */
export function isControlSignature(fn: SyntaxNode): boolean {
  if (fn.type !== 'func_literal' && fn.type !== 'function_declaration') return false;
  const types: string[] = [];
  for (const p of named(fn.childForFieldName('parameters'))) {
    if (p.type !== 'parameter_declaration') return false;
    const t = p.childForFieldName('type')?.text ?? '';
    const n = Math.max(1, p.childrenForFieldName('name').length);
    for (let i = 0; i < n; i++) types.push(t);
  }
  return (
    types.length === 3 &&
    types[0] === 'string' &&
    types[1] === 'string' &&
    /(^|\.)RawConn$/.test(types[2]) &&
    fn.childForFieldName('result')?.text === 'error'
  );
}

const GOOS = new Set([...KNOWN_OS, 'unix']);

/**
 * Is this file built for Windows? A `_windows.go` name, or a build constraint that names an OS and
 * holds for GOOS=windows (other tags assumed set).
 */
export function builtForWindows(path: string, tree: SyntaxNode): boolean {
  if (/_windows(_[a-z0-9]+)?(_test)?\.go$/.test(path)) return true;
  const comments: string[] = [];
  for (const c of named(tree)) {
    if (c.type === 'package_clause') break;
    if (c.type === 'comment') comments.push(c.text);
  }
  const expr = constraintOf(comments);
  if (!expr) return false;
  const idents = expr.match(/[A-Za-z_][\w.]*/g) ?? [];
  if (!idents.some((i) => GOOS.has(i))) return false;
  return evalConstraint(expr, (tag) => (tag === 'windows' ? true : GOOS.has(tag) ? false : true)) ?? true;
}

/** `pkg.SO_REUSEADDR`-style constant reference: the constant's name when it comes from syscall or x/sys/unix. */
export function sysConst(file: FileFacts, n: SyntaxNode | null | undefined): string | null {
  const q = file.qualified(unparen(n));
  if (!q) return null;
  const i = q.lastIndexOf('.');
  return SYSCALL_PKGS.has(q.slice(0, i)) ? q.slice(i + 1) : null;
}

/** Identifier uses of a binding that are plain reads (not the left side of an assignment). */
export function isAssignedTo(use: SyntaxNode): boolean {
  const p = use.parent;
  if (p?.type !== 'expression_list') return false;
  const st = p.parent;
  return !!st && (st.type === 'assignment_statement' || st.type === 'short_var_declaration') && st.childForFieldName('left')?.id === p.id;
}
