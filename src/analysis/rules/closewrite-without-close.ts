// CloseWrite/CloseRead only shut down one direction (shutdown(2)); the socket and its fd stay
// open until Close. Code that half-closes and never closes leaks the descriptor.
import type { Rule } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { acquisitions, analyzeAcquisition, LifecycleAnalyzer, type Tracked } from '../facts/lifecycle';
import { isClosable } from '../facts/kinds';
import { enclosingFunction, named, ofType, unparen } from '../facts/syntax';
import type { MessageRef } from '../messages';
import { closeFixes, valueName } from './_close';

const rule: Rule = {
  meta: {
    id: 'closewrite-without-close',
    title: 'CloseWrite/CloseRead without Close',
    severity: 'warning',
    category: 'close',
    description:
      'CloseWrite and CloseRead shut down one direction of the connection (a half-close: the peer sees EOF) but do not release the socket. The file descriptor stays open until Close is called. After a half-close, read to EOF if needed and then call Close.',
    zh: {
      title: '调用了 CloseWrite/CloseRead 却没有 Close',
      description:
        'CloseWrite 和 CloseRead 只关闭连接的一个方向（半关闭：对端读到 EOF），并不释放套接字。在调用 Close 之前文件描述符一直占用。半关闭之后，按需读到 EOF，然后调用 Close。',
    },
    docs: 'closewrite-without-close',
    messages: {
      half: {
        en: '{m}() only half-closes {name}: the socket and its file descriptor stay open',
        zh: '{m}() 只半关闭了 {name}：套接字及其文件描述符仍然打开',
      },
      'half-owned': {
        en: '{m}() only half-closes {name}: the socket stays open (this goroutine owns it)',
        zh: '{m}() 只半关闭了 {name}：套接字仍然打开（此 goroutine 拥有它）',
      },
    },
  },
  check(ctx) {
    const reported = new Set<number>();
    // Values acquired here: conn-not-closed defers these to us.
    for (const a of acquisitions(ctx.file, 'closer', isClosable)) {
      const res = analyzeAcquisition(ctx.file, a, 'closer');
      if (!res || !res.exits.length || !res.halfCloses.length || res.closedExplicitly || res.deferredClose) continue;
      const hc = res.halfCloses[0];
      reported.add(hc.id);
      ctx.report(hc, message(hc, valueName(a), 'half'), closeFixes(ctx, a, res, `${valueName(a)}.Close()`));
    }
    // Connections owned by a goroutine handler (`go handle(conn)`): the handler must close them.
    for (const goStmt of ofType(ctx.tree.rootNode, 'go_statement')) {
      const call = unparen(goStmt.namedChild(0));
      const fn = call && unparen(call.childForFieldName('function'));
      if (!call || !fn || fn.type !== 'identifier') continue;
      const f = ctx.pkg.funcs.get(fn.text);
      if (!f || f.file !== ctx.file) continue;
      const args = named(call.childForFieldName('arguments'));
      f.params.forEach((p, i) => {
        if (!isClosable(f.file.typeKind(p.typeNode))) return;
        if (!args[i] || !callerGivesUp(ctx, args[i], goStmt)) return;
        checkParam(ctx, f.node, p.name, i, reported);
      });
    }
  },
};

/** The goroutine owns the value when the caller acquired it locally and never closes it itself. */
function callerGivesUp(ctx: RuleContext, arg: SyntaxNode, goStmt: SyntaxNode): boolean {
  const id = unparen(arg);
  if (!id || id.type !== 'identifier') return false;
  const b = ctx.file.binding(id);
  if (!b || b.isParam) return false;
  const fn = enclosingFunction(goStmt);
  const scopes = ctx.file.scopesFor(id);
  if (!fn || !scopes) return false;
  const an = new LifecycleAnalyzer(ctx.file);
  an.prepare({ shape: 'closer', bindings: new Set([b]), err: null }, fn);
  return !scopes.usesOf(b).some((u) => an.classifyUse(u) === 'close');
}

function checkParam(ctx: RuleContext, fnNode: SyntaxNode, name: string, _idx: number, reported: Set<number>): void {
  const body = fnNode.childForFieldName('body');
  if (!body) return;
  const scopes = ctx.file.scopesFor(body);
  const b = scopes?.bindings.find((x) => x.isParam && x.name === name && x.scope.id === fnNode.id);
  if (!b || !scopes) return;
  const an = new LifecycleAnalyzer(ctx.file);
  const t: Tracked = { shape: 'closer', bindings: new Set([b]), err: null };
  an.prepare(t, fnNode);
  let owned = false;
  const halves: SyntaxNode[] = [];
  for (const use of scopes.usesOf(b)) {
    const u = an.classifyUse(use);
    if (u === 'close' || u === 'handoff') owned = true;
    const sel =
      use.parent?.type === 'selector_expression' ? use.parent : use.parent?.type === 'type_assertion_expression' ? use.parent.parent : null;
    const f = sel?.childForFieldName('field')?.text;
    if (sel && (f === 'CloseWrite' || f === 'CloseRead') && sel.parent?.type === 'call_expression') halves.push(sel.parent);
  }
  // Aliases (`tc := c.(*net.TCPConn)`) were added to t.bindings while classifying.
  for (const alias of t.bindings) {
    if (alias === b) continue;
    for (const use of scopes.usesOf(alias)) {
      const u = an.classifyUse(use);
      if (u === 'close' || u === 'handoff') owned = true;
      const sel = use.parent?.type === 'selector_expression' ? use.parent : null;
      const f = sel?.childForFieldName('field')?.text;
      if (sel && (f === 'CloseWrite' || f === 'CloseRead') && sel.parent?.type === 'call_expression') halves.push(sel.parent);
    }
  }
  if (owned || !halves.length || reported.has(halves[0].id)) return;
  reported.add(halves[0].id);
  const first = named(body.namedChild(0) ?? body)[0];
  const fixes = [];
  if (first && first.startPosition.row > body.startPosition.row) {
    const indent = ctx.text.slice(ctx.text.lastIndexOf('\n', first.startIndex - 1) + 1, first.startIndex);
    fixes.push({
      title: `Add defer ${name}.Close() at the start of the handler`,
      preferred: true,
      edits: [{ start: body.startIndex + 1, end: body.startIndex + 1, newText: `\n${indent}defer ${name}.Close()` }],
    });
  }
  ctx.report(halves[0], message(halves[0], name, 'half-owned'), fixes);
}

/** The headline: the descriptor stays open because `name` is never closed (the fix: Close when done). */
function message(call: SyntaxNode, name: string, id: 'half' | 'half-owned'): MessageRef {
  const fn = unparen(call.childForFieldName('function'));
  const m = fn?.childForFieldName('field')?.text ?? 'CloseWrite';
  return { id, args: { m, name } };
}

export default rule;
