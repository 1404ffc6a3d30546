// (*net.TCPConn).File() and friends: File returns a dup of the socket descriptor as an *os.File.
// The copy must be closed too, and calling Fd() on it switches the socket into blocking mode — for
// the original connection as well, because both descriptors share one open file description. After
// that the original's deadlines stop working and a blocked Read, Accept or Close can hang for good.
import type { Rule, Fix, TextEdit } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { outerFunction } from '../facts/scope';
import {
  callArgs,
  enclosingFunction,
  enclosingStatement,
  exprList,
  indentAt,
  isFunctionNode,
  methodCall,
  ofType,
  pathText,
  unparen,
} from '../facts/syntax';
import { indentLines, ownsLines } from '../fixes/layout';
import { freshName } from '../fixes/names';
import { isAssignedTo, isNetFileKind, isSocketListenerKind, originalOf, stripConversions, sysCall } from './_rawsock';

const rule: Rule = {
  meta: {
    id: 'tcpconn-file',
    title: 'File() on a network connection',
    severity: 'warning',
    category: 'raw-socket',
    description:
      "`File()` on a TCP/UDP/Unix connection or listener returns a duplicate descriptor that must be closed as well, and calling `Fd()` on it puts the shared socket into blocking mode: the original connection's deadlines stop working and Read or Close can hang. Use `SyscallConn()` and `RawConn.Control` to reach the descriptor in place.",
    zh: {
      title: '在网络连接上调用 File()',
      description:
        '在 TCP/UDP/Unix 连接或监听器上调用 `File()` 会返回一个复制的描述符，它也必须关闭；对它调用 `Fd()` 会把共享的套接字切换为阻塞模式：原连接的截止时间失效，Read 或 Close 可能永远挂起。应使用 `SyscallConn()` 和 `RawConn.Control` 直接操作描述符。',
    },
    docs: 'tcpconn-file',
    messages: {
      fd: {
        en: "{f}.Fd() makes {x}'s socket blocking: {x}'s deadlines stop working",
        zh: '{f}.Fd() 让 {x} 的套接字变为阻塞模式：{x} 的截止时间失效',
      },
      'fd-leak': {
        en: "{f}.Fd() makes {x}'s socket blocking, and {f} is never closed",
        zh: '{f}.Fd() 让 {x} 的套接字变为阻塞模式，而且 {f} 从未关闭',
      },
      old: {
        en: '{x}.File() makes the socket blocking before Go 1.11 (go {go} here)',
        zh: '在 Go 1.11 之前（此处为 go {go}），{x}.File() 会让套接字变为阻塞模式',
      },
      'old-leak': {
        en: '{x}.File() makes the socket blocking before Go 1.11, and {f} is never closed',
        zh: '在 Go 1.11 之前 {x}.File() 会让套接字变为阻塞模式，而且 {f} 从未关闭',
      },
      'old-dropped': {
        en: '{x}.File() makes the socket blocking before Go 1.11, and the copy is dropped',
        zh: '在 Go 1.11 之前 {x}.File() 会让套接字变为阻塞模式，而且副本被直接丢弃',
      },
      leak: {
        en: '{x}.File() duplicates the socket descriptor, and {f} is never closed',
        zh: '{x}.File() 复制了套接字描述符，而 {f} 从未关闭',
      },
      dropped: {
        en: '{x}.File() duplicates the socket descriptor, and the copy is dropped without Close',
        zh: '{x}.File() 复制了套接字描述符，而副本未经 Close 就被丢弃',
      },
      'fd-here': {
        en: 'Fd() makes the shared socket blocking here: a blocked {ops} on {x} can hang',
        zh: 'Fd() 在此把共享的套接字变为阻塞模式：{x} 上阻塞的 {ops} 可能永远挂起',
      },
    },
  },
  check(ctx) {
    if (ctx.text.indexOf('.File()') === -1) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      const mc = methodCall(call);
      if (!mc || mc.name !== 'File' || callArgs(call).length) continue;
      const kind = ctx.file.kindOf(mc.recv);
      if (!kind || !isNetFileKind(kind)) continue;
      checkFile(ctx, call, mc.recv, isSocketListenerKind(kind));
    }
  },
};

/** Functions that dup the *os.File they are given: the caller still has to close it. */
const NON_OWNING = new Set(['net.FileConn', 'net.FileListener', 'net.FilePacketConn']);

interface FileUse {
  stmt: SyntaxNode | null;
  fileId: SyntaxNode | null;
  errId: SyntaxNode | null;
  dropped: boolean;
  handedOff: boolean;
  fdCalls: SyntaxNode[];
  closes: SyntaxNode[];
}

function usesOfFile(ctx: RuleContext, call: SyntaxNode): FileUse {
  const u: FileUse = { stmt: null, fileId: null, errId: null, dropped: false, handedOff: false, fdCalls: [], closes: [] };
  const p = call.parent;
  const st = p?.parent;
  const isAssign =
    st && (st.type === 'short_var_declaration' || (st.type === 'assignment_statement' && st.childForFieldName('operator')?.text === '='));
  if (p?.type !== 'expression_list' || !st || !isAssign || st.childForFieldName('right')?.id !== p.id || exprList(p).length !== 1) {
    u.handedOff = true;
    return u;
  }
  const left = exprList(st.childForFieldName('left'));
  if (left.length !== 2) {
    u.handedOff = true;
    return u;
  }
  u.stmt = st;
  u.errId = left[1];
  const f = left[0];
  if (f.type === 'identifier' && f.text === '_') {
    u.dropped = true;
    return u;
  }
  const b = f.type === 'identifier' ? ctx.file.binding(f) : null;
  if (!b) {
    // Stored in a field or a package variable: someone else owns it.
    u.handedOff = true;
    return u;
  }
  u.fileId = f;
  for (const use of ctx.file.scopesFor(f)?.usesOf(b) ?? []) {
    if (isAssignedTo(use)) continue;
    const sel = use.parent;
    if (sel?.type === 'selector_expression' && sel.childForFieldName('operand')?.id === use.id) {
      const name = sel.childForFieldName('field')?.text;
      const c = sel.parent;
      if (c?.type === 'call_expression' && c.childForFieldName('function')?.id === sel.id) {
        if (name === 'Fd') u.fdCalls.push(c);
        else if (name === 'Close') u.closes.push(c);
        continue;
      }
      u.handedOff = true; // a method value such as f.Close passed along
      continue;
    }
    if (sel?.type === 'argument_list' && sel.parent) {
      const q = ctx.file.qualified(sel.parent.childForFieldName('function'));
      if (q && NON_OWNING.has(q)) continue;
    }
    u.handedOff = true;
  }
  return u;
}

function checkFile(ctx: RuleContext, call: SyntaxNode, recv: SyntaxNode, listener: boolean): void {
  const orig = originalOf(recv);
  const x = orig.text;
  const use = usesOfFile(ctx, call);
  const old = !ctx.goAtLeast('1.11');
  const leak = use.dropped || (!!use.fileId && use.closes.length === 0 && !use.handedOff);
  const fdHarm = use.fdCalls.length > 0 && originalLivesOn(call, orig, use.fdCalls);
  if (!old && !leak && !fdHarm) return;
  const f = use.fileId?.text ?? '';
  const ops = listener ? 'Accept or Close' : 'Read, Write or Close';
  // The headline names what is wrong; the Fd() calls are related locations; why and what to do
  // instead (SyscallConn + RawConn.Control) are in the rule's description and page.
  const blocking = old ? 'old' : fdHarm ? 'fd' : '';
  const copy = !leak ? '' : use.dropped ? 'dropped' : 'leak';
  const id = [blocking, copy].filter(Boolean).join('-');
  const related = fdHarm && !old ? use.fdCalls.map((c) => ({ at: c, id: 'fd-here', args: { x, ops } })) : [];
  const fixes: Fix[] = [];
  if (use.fdCalls.length && ctx.goAtLeast(listener ? '1.10' : '1.9')) {
    const fix = syscallConnFix(ctx, call, use);
    if (fix) fixes.push(fix);
  }
  ctx.report(call, { id, args: { x, f, go: ctx.goVersion ?? '' } }, fixes, { related });
}

/**
 * Does the original connection matter after the first Fd() call: is it used there for anything but
 * Close, or does it outlive the function (never closed here)? When this function closes it (a
 * deferred Close counts) and does nothing else with it afterwards — a probe, or a hand-off over a
 * Unix socket — its blocking mode no longer matters.
 */
function originalLivesOn(call: SyntaxNode, orig: SyntaxNode, fdCalls: SyntaxNode[]): boolean {
  const key = pathText(orig);
  const fn = outerFunction(call);
  if (!key || !fn) return true;
  const after = Math.min(...fdCalls.map((c) => c.endIndex));
  let closed = false;
  for (const n of ofType(fn, ['identifier', 'selector_expression'])) {
    if (pathText(n) !== key) continue;
    const sel = n.parent;
    const isClose =
      sel?.type === 'selector_expression' &&
      sel.childForFieldName('operand')?.id === n.id &&
      sel.childForFieldName('field')?.text === 'Close' &&
      sel.parent?.type === 'call_expression';
    const deferred = isClose && sel!.parent!.parent?.type === 'defer_statement';
    if (isClose && (deferred || n.startIndex >= after)) {
      closed = true;
      continue;
    }
    if (n.startIndex >= after) return true;
  }
  return !closed;
}

/** Result types of the getsockopt-style calls whose results the fix has to declare. */
const RESULT_TYPES: Record<string, string[]> = {
  GetsockoptInt: ['int', 'error'],
  GetsockoptByte: ['byte', 'error'],
  GetsockoptUint64: ['uint64', 'error'],
  GetsockoptString: ['string', 'error'],
  GetsockoptInet4Addr: ['[4]byte', 'error'],
  GetsockoptIPMreq: ['*$.IPMreq', 'error'],
  GetsockoptIPMreqn: ['*$.IPMreqn', 'error'],
  GetsockoptIPv6Mreq: ['*$.IPv6Mreq', 'error'],
  GetsockoptIPv6MTUInfo: ['*$.IPv6MTUInfo', 'error'],
  GetsockoptICMPv6Filter: ['*$.ICMPv6Filter', 'error'],
  GetsockoptTCPInfo: ['*$.TCPInfo', 'error'],
  GetsockoptUcred: ['*$.Ucred', 'error'],
  GetsockoptLinger: ['*$.Linger', 'error'],
  GetsockoptTimeval: ['*$.Timeval', 'error'],
  Getsockname: ['$.Sockaddr', 'error'],
  Getpeername: ['$.Sockaddr', 'error'],
};

const PARAM = '\u0000fd\u0000';

interface Wrap {
  stmt: SyntaxNode;
  repl: { start: number; end: number; text: string }[];
}

/**
 * `f, err := c.File(); …; syscall.SetsockoptInt(int(f.Fd()), …)` → `rc, err := c.SyscallConn()` and
 * each statement that uses the descriptor wrapped in `rc.Control(func(fd uintptr) { … })`. Only for
 * statements whose whole effect is one syscall/unix call (return it, assign its results, or call it).
 */
function syscallConnFix(ctx: RuleContext, fileCall: SyntaxNode, use: FileUse): Fix | null {
  const text = ctx.text;
  const fs = use.stmt;
  const fileId = use.fileId;
  const errName = use.errId?.type === 'identifier' && use.errId.text !== '_' ? use.errId.text : null;
  if (!fs || !fileId || !errName || use.handedOff || fs.type !== 'short_var_declaration') return null;
  const list = fs.parent;
  if (!list || list.type !== 'statement_list') return null;
  const inList = (s: SyntaxNode | null): s is SyntaxNode => !!s && s.parent?.id === list.id;
  const removals: SyntaxNode[] = [];
  for (const c of use.closes) {
    // `f.Close()` / `defer f.Close()` go away, wherever they are (the err branch too).
    const st = enclosingStatement(c);
    if (
      !st ||
      st.startIndex < fs.endIndex ||
      (st.type !== 'expression_statement' && st.type !== 'defer_statement') ||
      unparen(st.namedChild(0))?.id !== c.id
    )
      return null;
    removals.push(st);
  }
  const wraps = new Map<number, Wrap>();
  const addWrap = (st: SyntaxNode, n: SyntaxNode, replacement: string) => {
    let w = wraps.get(st.id);
    if (!w) wraps.set(st.id, (w = { stmt: st, repl: [] }));
    w.repl.push({ start: n.startIndex, end: n.endIndex, text: replacement });
  };
  for (const fdc of use.fdCalls) {
    const st = enclosingStatement(fdc);
    if (!inList(st)) return null;
    if (st.type === 'short_var_declaration') {
      // fd := int(f.Fd()): inline the descriptor into the statements that use fd.
      const left = exprList(st.childForFieldName('left'));
      const right = exprList(st.childForFieldName('right'));
      if (left.length === 1 && right.length === 1 && left[0].type === 'identifier' && stripConversions(right[0])?.id === fdc.id) {
        const vb = ctx.file.binding(left[0]);
        if (!vb) return null;
        const valueText = text.slice(right[0].startIndex, fdc.startIndex) + PARAM + text.slice(fdc.endIndex, right[0].endIndex);
        for (const u of ctx.file.scopesFor(left[0])?.usesOf(vb) ?? []) {
          if (isAssignedTo(u)) return null;
          const ust = enclosingStatement(u);
          if (!inList(ust) || ust.startIndex < st.endIndex) return null;
          addWrap(ust, u, valueText);
        }
        removals.push(st);
        continue;
      }
    }
    addWrap(st, fdc, PARAM);
  }
  if (!wraps.size) return null;
  const rc = freshName(ctx.file, fs, ['rc', 'rawConn']);
  const cerr = freshName(ctx.file, fs, ['cerr', 'ctrlErr']);
  const edits: TextEdit[] = [];
  for (const w of wraps.values()) {
    const lines = wrapLines(ctx, w, rc, cerr, errName);
    if (!lines || !ownsLines(text, w.stmt)) return null;
    edits.push({ start: w.stmt.startIndex, end: w.stmt.endIndex, newText: indentLines(lines, indentAt(text, w.stmt.startIndex)) });
  }
  for (const r of removals) {
    if (!ownsLines(text, r)) return null;
    const ls = text.lastIndexOf('\n', r.startIndex - 1) + 1;
    const le = text.indexOf('\n', r.endIndex);
    edits.push({ start: ls, end: le === -1 ? text.length : le + 1, newText: '' });
  }
  const field = unparen(fileCall.childForFieldName('function'))?.childForFieldName('field');
  if (!field) return null;
  edits.push({ start: fileId.startIndex, end: fileId.endIndex, newText: rc });
  edits.push({ start: field.startIndex, end: field.endIndex, newText: 'SyscallConn' });
  return { title: 'Use SyscallConn and RawConn.Control instead of File().Fd()', preferred: true, edits };
}

/** The replacement lines for one statement that uses the descriptor, or null for shapes we do not rewrite. */
function wrapLines(ctx: RuleContext, w: Wrap, rc: string, cerr: string, errName: string): string[] | null {
  const text = ctx.text;
  const st = w.stmt;
  let call: SyntaxNode | null = null;
  let shape: 'expr' | 'return' | 'assign' | 'if' | null = null;
  let left: SyntaxNode[] = [];
  let define = false;
  if (st.type === 'expression_statement') {
    call = unparen(st.namedChild(0));
    shape = 'expr';
  } else if (st.type === 'return_statement') {
    const vals = exprList(st.namedChild(0));
    if (vals.length !== 1) return null;
    call = unparen(vals[0]);
    shape = 'return';
    const fn = enclosingFunction(st);
    if (fn?.childForFieldName('result')?.text !== 'error') return null;
  } else if (st.type === 'if_statement') {
    // if err := syscall.X(…); err != nil { … }
    const init = st.childForFieldName('initializer');
    if (!init || init.type !== 'short_var_declaration') return null;
    const l = exprList(init.childForFieldName('left'));
    const r = exprList(init.childForFieldName('right'));
    if (l.length !== 1 || r.length !== 1 || l[0].type !== 'identifier') return null;
    call = unparen(r[0]);
    left = l;
    shape = 'if';
  } else if (
    st.type === 'short_var_declaration' ||
    (st.type === 'assignment_statement' && st.childForFieldName('operator')?.text === '=')
  ) {
    const right = exprList(st.childForFieldName('right'));
    if (right.length !== 1) return null;
    call = unparen(right[0]);
    left = exprList(st.childForFieldName('left'));
    define = st.type === 'short_var_declaration';
    shape = 'assign';
  }
  if (!call || !shape) return null;
  const sc = sysCall(ctx.file, call);
  if (!sc) return null;
  if (w.repl.some((r) => r.start < call!.startIndex || r.end > call!.endIndex)) return null;
  // The call text with the descriptor spelled as the callback's parameter.
  const sorted = [...w.repl].sort((a, b) => a.start - b.start);
  let body = '';
  let pos = call.startIndex;
  const outside: string[] = [];
  for (const r of sorted) {
    outside.push(text.slice(pos, r.start));
    body += text.slice(pos, r.start) + r.text;
    pos = r.end;
  }
  outside.push(text.slice(pos, call.endIndex));
  body += text.slice(pos, call.endIndex);
  const param = outside.some((s) => /\bfd\b/.test(s)) ? 's' : 'fd';
  body = body.split(PARAM).join(param);
  const open = `${rc}.Control(func(${param} uintptr) {`;
  if (shape === 'expr') return [open, `\t${body}`, '})'];
  if (shape === 'if') {
    // Keep the if and its body as written: it now tests the error the callback stored.
    const op = freshName(ctx.file, st, ['opErr', 'sockErr']);
    const rest = text.slice(call.endIndex, st.endIndex);
    return [
      `var ${op} error`,
      `if ${cerr} := ${open}`,
      `\t${op} = ${body}`,
      `}); ${cerr} != nil {`,
      `\t${op} = ${cerr}`,
      '}',
      ...`if ${left[0].text} := ${op}${rest}`.split('\n').map((l, i) => (i === 0 ? l : l.replace(indentAt(text, st.startIndex), ''))),
    ];
  }
  if (shape === 'return') {
    const op = freshName(ctx.file, st, ['opErr', 'sockErr']);
    return [
      `var ${op} error`,
      `if ${cerr} := ${open}`,
      `\t${op} = ${body}`,
      `}); ${cerr} != nil {`,
      `\treturn ${cerr}`,
      '}',
      `return ${op}`,
    ];
  }
  // Assignments: the last name receives the error; declare names this statement introduced.
  if (left.some((l) => l.type !== 'identifier')) return null;
  const errVar = left[left.length - 1].text;
  if (errVar === '_') return null;
  const decls: string[] = [];
  if (define) {
    const types = left.length === 1 ? ['error'] : RESULT_TYPES[sc.name];
    if (!types || types.length !== left.length) return null;
    const pkgName = unparen(call.childForFieldName('function'))?.childForFieldName('operand')?.text ?? 'syscall';
    left.forEach((l, i) => {
      if (l.text !== '_' && isNewDecl(ctx, l)) decls.push(`var ${l.text} ${types[i].replace('$', pkgName)}`);
    });
  } else if (left.length === 1 && errVar !== errName) {
    const b = ctx.file.binding(left[0]);
    if (!b || b.typeNode?.text !== 'error') return null;
  }
  const names = left.map((l) => l.text).join(', ');
  return [...decls, `if ${cerr} := ${open}`, `\t${names} = ${body}`, `}); ${cerr} != nil {`, `\t${errVar} = ${cerr}`, '}'];
}

/** Does this `:=` introduce the name (rather than reuse one declared earlier in the same scope)? */
function isNewDecl(ctx: RuleContext, id: SyntaxNode): boolean {
  const scopes = ctx.file.scopesFor(id);
  const b = scopes?.resolve(id);
  if (!scopes || !b || b.decl.id !== id.id) return false;
  const fnOfBlock = b.scope.type === 'block' && b.scope.parent && isFunctionNode(b.scope.parent) ? b.scope.parent : null;
  return !scopes.bindings.some(
    (o) =>
      o !== b &&
      o.name === id.text &&
      o.decl.startIndex < id.startIndex &&
      (o.scope.id === b.scope.id || (!!fnOfBlock && o.isParam && o.scope.id === fnOfBlock.id)),
  );
}

export default rule;
