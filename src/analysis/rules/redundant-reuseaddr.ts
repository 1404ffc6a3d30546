// SO_REUSEADDR set by hand on a listening socket on Unix: Go's net package already sets it on
// every stream listener before bind (setDefaultListenerSockopts), so the Control hook is dead code.
// Not so on Windows (Go deliberately leaves it off there: SO_REUSEADDR lets another socket steal
// the port), nor for ListenPacket/UDP (only multicast addresses get it), nor for SO_REUSEPORT.
import type { Rule, Fix, TextEdit } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import type { FileFacts } from '../facts/package';
import { callArgs, exprList, methodCall, named, ofType, statementsOf, unparen, valueNode } from '../facts/syntax';
import {
  builtForWindows,
  controlCallback,
  isAssignedTo,
  isSocketListenerKind,
  rawConnOrigin,
  resolveFd,
  sysCall,
  sysConst,
} from './_rawsock';
import { unusedImports, withImports } from '../fixes/imports';
import { ownsLines } from '../fixes/layout';

const rule: Rule = {
  meta: {
    id: 'redundant-reuseaddr',
    title: 'SO_REUSEADDR set on a listener (Go already does on Unix)',
    severity: 'hint',
    category: 'raw-socket',
    description:
      'On Unix, Go sets `SO_REUSEADDR` on every listening TCP and Unix socket before bind, so setting it again in a `ListenConfig.Control` hook changes nothing. Remove the call (or the whole hook). Windows is different: Go leaves it off there on purpose, and `SO_REUSEPORT` is never set by Go.',
    zh: {
      title: '在监听套接字上设置 SO_REUSEADDR（Unix 上 Go 已经设置）',
      description:
        '在 Unix 上，Go 会在 bind 之前为每个 TCP 和 Unix 监听套接字设置 `SO_REUSEADDR`，因此在 `ListenConfig.Control` 钩子里再设置一次没有任何作用，可以删除该调用（或整个钩子）。Windows 不同：Go 在那里特意不设置它；`SO_REUSEPORT` 则从不由 Go 设置。',
    },
    docs: 'redundant-reuseaddr',
    messages: {
      listener: {
        en: 'SO_REUSEADDR on the listener {ln} is redundant on Unix: Go set it before bind',
        zh: '在监听器 {ln} 上设置 SO_REUSEADDR 在 Unix 上是多余的：Go 已在 bind 之前设置',
      },
      hook: {
        en: 'SO_REUSEADDR set in a net.ListenConfig Control hook is redundant on Unix: Go sets it already',
        zh: '在 net.ListenConfig 的 Control 钩子中设置 SO_REUSEADDR 在 Unix 上是多余的：Go 已经设置',
      },
    },
  },
  check(ctx) {
    if (ctx.text.indexOf('SO_REUSEADDR') === -1) return;
    if (builtForWindows(ctx.path, ctx.tree.rootNode)) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      const sc = sysCall(ctx.file, call);
      if (!sc || sc.name !== 'SetsockoptInt') continue;
      const args = callArgs(call);
      if (args.length !== 4) continue;
      if (sysConst(ctx.file, args[1]) !== 'SOL_SOCKET' || sysConst(ctx.file, args[2]) !== 'SO_REUSEADDR') continue;
      if (unparen(args[3])?.text !== '1') continue;
      checkReuseAddr(ctx, call, args[0]);
    }
  },
};

function checkReuseAddr(ctx: RuleContext, call: SyntaxNode, fdArg: SyntaxNode): void {
  const fd = resolveFd(ctx, fdArg);
  if (!fd || fd.type !== 'identifier') return;
  const cb = controlCallback(fd);
  if (!cb || cb.method !== 'Control' || cb.fdParam !== fd.text) return;
  if (ctx.file.binding(fd)?.scope.id !== cb.literal.id) return;
  const origin = rawConnOrigin(ctx, cb.rawConn);
  if (!origin) return;
  let id: string;
  let ln = '';
  let hook: SyntaxNode | null = null;
  if (origin.kind === 'socket') {
    if (!isSocketListenerKind(origin.sockKind)) return;
    id = 'listener';
    ln = origin.of.text;
  } else {
    if (!listenOnlyHook(ctx, origin.fn)) return;
    id = 'hook';
    hook = origin.fn;
  }
  const fix = (hook && hookRemovalFix(ctx, hook, call, cb.rawConn)) ?? statementRemovalFix(ctx, call, cb.literal);
  ctx.report(call, { id, args: { ln } }, fix ? [fix] : []);
}

// ---- Where the Control hook is used -------------------------------------------------------------

/** The hook is only ever installed in net.ListenConfig values that are only used for Listen (stream sockets). */
function listenOnlyHook(ctx: RuleContext, fn: SyntaxNode): boolean {
  if (fn.type === 'func_literal') {
    const site = hookSite(ctx.file, fn);
    return !!site && usedOnlyForListen(ctx.file, site);
  }
  if (fn.type !== 'function_declaration') return false;
  const name = fn.childForFieldName('name')?.text;
  if (!name) return false;
  let sites = 0;
  for (const f of ctx.pkg.files) {
    if (f.text.indexOf(name) === -1) continue;
    for (const id of ofType(f.tree.rootNode, 'identifier')) {
      if (id.text !== name || id.id === fn.childForFieldName('name')?.id || f.binding(id)) continue;
      const site = hookSite(f, id);
      if (!site || !usedOnlyForListen(f, site)) return false;
      sites++;
    }
  }
  return sites > 0;
}

/** For a hook value: the net.ListenConfig composite literal (or variable) it is installed in. */
function hookSite(file: FileFacts, value: SyntaxNode): { literal?: SyntaxNode; variable?: SyntaxNode } | null {
  const p = value.parent;
  // net.ListenConfig{Control: value}
  if (p?.type === 'literal_element' && p.parent?.type === 'keyed_element') {
    const ke = p.parent;
    if (named(ke)[0]?.text !== 'Control' || named(ke)[1]?.id !== p.id) return null;
    const cl = ke.parent?.parent;
    if (cl?.type !== 'composite_literal' || file.typeKind(cl.childForFieldName('type')) !== 'net.ListenConfig') return null;
    return { literal: cl };
  }
  // lc.Control = value
  if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('right')?.id === p.id) {
    const left = exprList(p.parent.childForFieldName('left'));
    const right = exprList(p);
    if (left.length !== 1 || right.length !== 1) return null;
    const sel = unparen(left[0]);
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('field')?.text !== 'Control') return null;
    const v = unparen(sel.childForFieldName('operand'));
    const k = file.kindOf(v);
    if (v?.type !== 'identifier' || (k !== 'net.ListenConfig' && k !== '*net.ListenConfig')) return null;
    return { variable: v };
  }
  return null;
}

/** The ListenConfig is only used with `.Listen(…)` (never ListenPacket, never handed elsewhere). */
function usedOnlyForListen(file: FileFacts, site: { literal?: SyntaxNode; variable?: SyntaxNode }): boolean {
  let holder: SyntaxNode | null = site.variable ?? null;
  if (site.literal) {
    const n = valueNode(site.literal);
    const p = n.parent;
    if (p?.type === 'selector_expression' && p.childForFieldName('operand')?.id === n.id)
      return p.childForFieldName('field')?.text === 'Listen';
    if (p?.type !== 'expression_list') return false;
    const st = p.parent;
    if (!st || !['short_var_declaration', 'var_spec', 'assignment_statement'].includes(st.type)) return false;
    const right = exprList(p);
    const idx = right.findIndex((r) => r.id === n.id);
    const left =
      st.type === 'var_spec' ? st.childrenForFieldName('name').filter((c): c is SyntaxNode => !!c) : exprList(st.childForFieldName('left'));
    holder = left.length === right.length ? left[idx] : null;
  }
  if (!holder || holder.type !== 'identifier') return false;
  const b = file.binding(holder);
  if (!b) return false;
  let listens = 0;
  for (const use of file.scopesFor(holder)?.usesOf(b) ?? []) {
    if (isAssignedTo(use)) continue;
    const sel = use.parent;
    if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== use.id) return false;
    const field = sel.childForFieldName('field')?.text;
    if (field === 'Listen' && sel.parent?.type === 'call_expression') {
      listens++;
      continue;
    }
    // lc.KeepAlive = …, lc.Control = …: configuring, not using.
    if (sel.parent?.type === 'expression_list' && isAssignedTo(sel)) continue;
    return false;
  }
  return listens > 0;
}

// ---- Fixes -------------------------------------------------------------------------------------

/**
 * The hook does nothing but set SO_REUSEADDR: drop `Control: func…` from the ListenConfig literal
 * (and imports only it used).
 */
function hookRemovalFix(ctx: RuleContext, hook: SyntaxNode, call: SyntaxNode, rawConn: SyntaxNode): Fix | null {
  if (hook.type !== 'func_literal') return null;
  const ke = hook.parent?.parent;
  const lv = ke?.parent;
  if (ke?.type !== 'keyed_element' || lv?.type !== 'literal_value') return null;
  // Only the RawConn's Control call, the setsockopt call and conversions; assignments to locals only.
  for (const c of ofType(hook, 'call_expression')) {
    if (c.id === call.id) continue;
    const mc = methodCall(c);
    if (mc && mc.name === 'Control' && mc.recv.text === rawConn.text) continue;
    const fn = unparen(c.childForFieldName('function'));
    if (fn?.type === 'identifier' && /^(int|uintptr)$/.test(fn.text) && callArgs(c).length === 1) continue;
    return null;
  }
  for (const a of ofType(hook, ['assignment_statement', 'inc_statement', 'dec_statement'])) {
    for (const l of a.type === 'assignment_statement' ? exprList(a.childForFieldName('left')) : [named(a)[0]]) {
      const id = unparen(l);
      const b = id?.type === 'identifier' ? ctx.file.binding(id) : null;
      if (!b || b.decl.startIndex < hook.startIndex || b.decl.endIndex > hook.endIndex) return null;
    }
  }
  const text = ctx.text;
  const elems = named(lv).filter((c) => c.type !== 'comment');
  let edit: TextEdit;
  if (elems.length === 1) {
    if (named(lv).length !== 1) return null;
    edit = { start: lv.startIndex, end: lv.endIndex, newText: '{}' };
  } else {
    // One element per line: delete the element's lines up to its trailing comma.
    const comma = ke.nextSibling;
    if (comma?.type !== ',' || !ownsLines(text, { startIndex: ke.startIndex, endIndex: comma.endIndex } as SyntaxNode)) return null;
    const ls = text.lastIndexOf('\n', ke.startIndex - 1) + 1;
    const le = text.indexOf('\n', comma.endIndex);
    edit = { start: ls, end: le + 1, newText: '' };
  }
  const edits = withImports(ctx, [edit], [], unusedImports(ctx.file, [{ start: hook.startIndex, end: hook.endIndex }]));
  return { title: 'Remove the Control hook: Go already sets SO_REUSEADDR on listeners', preferred: true, edits };
}

/** Remove just the setsockopt statement from the callback, when the callback keeps other work. */
function statementRemovalFix(ctx: RuleContext, call: SyntaxNode, callback: SyntaxNode): Fix | null {
  const text = ctx.text;
  let st: SyntaxNode | null = call.parent;
  while (st && st.parent?.type !== 'statement_list') st = st.parent;
  if (!st || st.parent?.parent?.parent?.id !== callback.id) return null;
  const siblings = statementsOf(st.parent);
  if (siblings.length < 2) return null;
  if (st.type === 'expression_statement') {
    if (unparen(st.namedChild(0))?.id !== call.id) return null;
  } else if (st.type === 'assignment_statement') {
    const right = exprList(st.childForFieldName('right'));
    if (st.childForFieldName('operator')?.text !== '=' || right.length !== 1 || unparen(right[0])?.id !== call.id) return null;
  } else if (st.type === 'if_statement') {
    // if err := setsockopt(…); err != nil { opErr = …; return }: the branch only runs on its error.
    const init = st.childForFieldName('initializer');
    const right = init ? exprList(init.childForFieldName('right')) : [];
    if (!init || st.childForFieldName('alternative') || right.length !== 1 || unparen(right[0])?.id !== call.id) return null;
  } else return null;
  if (!ownsLines(text, st) || leavesUnusedLocal(ctx, st)) return null;
  const ls = text.lastIndexOf('\n', st.startIndex - 1) + 1;
  const le = text.indexOf('\n', st.endIndex);
  const edits = withImports(
    ctx,
    [{ start: ls, end: le + 1, newText: '' }],
    [],
    unusedImports(ctx.file, [{ start: st.startIndex, end: st.endIndex }]),
  );
  return { title: 'Remove the SO_REUSEADDR setsockopt: Go already sets it on listeners', preferred: true, edits };
}

/** Would deleting `st` leave a local variable declared outside it without any read? */
function leavesUnusedLocal(ctx: RuleContext, st: SyntaxNode): boolean {
  const inside = (n: SyntaxNode) => n.startIndex >= st.startIndex && n.endIndex <= st.endIndex;
  for (const id of ofType(st, 'identifier')) {
    if (isAssignedTo(id)) continue;
    const b = ctx.file.binding(id);
    if (!b || b.isParam || inside(b.decl)) continue;
    const reads = (ctx.file.scopesFor(id)?.usesOf(b) ?? []).filter((u) => !inside(u) && !isAssignedTo(u));
    if (!reads.length) return true;
  }
  return false;
}

export default rule;
