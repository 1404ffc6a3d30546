// srv.Shutdown(context.Background()): Shutdown returns only when every tracked connection is idle,
// so one handler that never returns (a stuck backend call, a long poll, an endless stream) makes it
// wait forever and the process never exits. Give it a deadline.
import type { Rule, Fix, TextEdit } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { callArgs, enclosingStatement, indentAt, lineEnd, ofType, unparen } from '../facts/syntax';
import { indentLines, ownsLines } from '../fixes/layout';
import { freshName } from '../fixes/names';
import { timeoutValue } from '../fixes/values';
import { inLoop, serverCall } from './_shutdown';

const SHUTDOWN = new Set(['Shutdown']);

const rule: Rule = {
  meta: {
    id: 'shutdown-without-timeout',
    title: 'http.Server Shutdown without a deadline',
    severity: 'warning',
    category: 'shutdown',
    minGo: '1.8',
    description:
      '`Shutdown(context.Background())` waits until every connection is idle, with no limit: one handler that never returns (a stuck backend call, a long poll, a streaming response) keeps the process from ever exiting. Pass a context from `context.WithTimeout` and fall back to `Close` when it expires.',
    zh: {
      title: 'http.Server 的 Shutdown 没有截止时间',
      description:
        '`Shutdown(context.Background())` 会无限期地等待所有连接变为空闲：只要有一个处理函数不返回（卡住的后端调用、长轮询、流式响应），进程就永远无法退出。应传入 `context.WithTimeout` 创建的 context，超时后再调用 `Close`。',
    },
    docs: 'shutdown-without-timeout',
    messages: {
      forever: {
        en: '{r}.Shutdown({arg}) can wait forever: one stuck handler keeps it waiting',
        zh: '{r}.Shutdown({arg}) 可能永远等待：一个卡住的处理函数就会让它一直等下去',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest || ctx.text.indexOf('Shutdown(') === -1) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      const sc = serverCall(ctx, call, SHUTDOWN);
      if (!sc) continue;
      const args = callArgs(call);
      if (args.length !== 1) continue;
      const bg = backgroundArg(ctx, args[0]);
      if (!bg) continue;
      const r = sc.recv.text;
      const fix = timeoutFix(ctx, call, args[0], bg.viaVar);
      ctx.report(call, { id: 'forever', args: { r, arg: args[0].text } }, fix ? [fix] : []);
    }
  },
};

const NO_DEADLINE = new Set(['context.Background', 'context.TODO']);

/** The argument is context.Background()/TODO(), directly or through a variable bound to one and never reassigned. */
function backgroundArg(ctx: RuleContext, arg: SyntaxNode): { viaVar: boolean } | null {
  const a = unparen(arg);
  if (!a) return null;
  if (isBackgroundCall(ctx, a)) return { viaVar: false };
  if (a.type !== 'identifier') return null;
  const b = ctx.file.binding(a);
  if (!b || b.isParam || !b.value || b.value.count !== 1) return null;
  const v = unparen(b.value.expr);
  if (!v || !isBackgroundCall(ctx, v)) return null;
  const scopes = ctx.file.scopesFor(a);
  if (!scopes) return null;
  for (const use of scopes.usesOf(b)) {
    const p = use.parent;
    if (p?.type === 'expression_list' && p.parent?.type === 'assignment_statement' && p.parent.childForFieldName('left')?.id === p.id)
      return null;
    if (p?.type === 'unary_expression' && (p.childForFieldName('operator')?.text ?? p.child(0)?.text) === '&') return null;
  }
  return { viaVar: true };
}

function isBackgroundCall(ctx: RuleContext, n: SyntaxNode): boolean {
  if (n.type !== 'call_expression' || callArgs(n).length) return false;
  const q = ctx.file.qualified(n.childForFieldName('function'));
  return !!q && NO_DEADLINE.has(q);
}

function timeoutFix(ctx: RuleContext, call: SyntaxNode, arg: SyntaxNode, viaVar: boolean): Fix | null {
  const text = ctx.text;
  const stmt = enclosingStatement(call);
  if (!stmt || !ownsLines(text, stmt)) return null;
  const indent = indentAt(text, stmt.startIndex);
  const t = timeoutValue(ctx, ctx.fix.shutdownTimeout, 2);
  const parent = viaVar ? arg.text : `${ctx.ref('context', 'Background')}()`;
  const c = freshName(ctx.file, call, viaVar ? ['shutdownCtx'] : ['ctx', 'shutdownCtx']);
  const cancel = freshName(ctx.file, call, ['cancel', 'cancelShutdown']);
  const head = [`${c}, ${cancel} := ${ctx.ref('context', 'WithTimeout')}(${parent}, ${t.text})`, `defer ${cancel}()`];
  const edits: TextEdit[] = [];
  const expr = unparen(stmt.namedChild(0));
  if (stmt.type === 'defer_statement' || stmt.type === 'go_statement') {
    // Arguments of a deferred call are evaluated at once: only `defer srv.Shutdown(…)` itself moves.
    if (expr?.id !== call.id) return null;
    // A deferred Shutdown runs at return: the timeout must start there, inside a closure.
    const kw = stmt.type === 'defer_statement' ? 'defer' : 'go';
    const callText = text.slice(call.startIndex, arg.startIndex) + c + text.slice(arg.endIndex, call.endIndex);
    const lines = [`${kw} func() {`, ...head.map((l) => `\t${l}`), `\t${callText}`, '}()'];
    edits.push({ start: stmt.startIndex, end: stmt.endIndex, newText: indentLines(lines, indent) });
  } else if (stmt.type === 'expression_statement' && inLoop(stmt)) {
    // In a loop, cancel right after the call rather than deferring until the function returns.
    edits.push({ start: stmt.startIndex, end: stmt.startIndex, newText: `${head[0]}\n${indent}` });
    edits.push({ start: arg.startIndex, end: arg.endIndex, newText: c });
    const eol = lineEnd(text, stmt.endIndex);
    edits.push({ start: eol, end: eol, newText: `\n${indent}${cancel}()` });
  } else {
    edits.push({ start: stmt.startIndex, end: stmt.startIndex, newText: `${indentLines(head, indent)}\n${indent}` });
    edits.push({ start: arg.startIndex, end: arg.endIndex, newText: c });
  }
  const imp = ctx.importEdit(['context', ...t.imports]);
  if (imp) edits.push(imp);
  return { title: `Give Shutdown a ${t.text} deadline (context.WithTimeout)`, preferred: true, edits };
}

export default rule;
