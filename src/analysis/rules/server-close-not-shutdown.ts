// (*http.Server).Close() used to stop a running server: it closes every connection at once, so
// requests that are being handled are cut off mid-response. Shutdown(ctx) stops accepting, closes
// idle connections and waits for active ones; Close belongs after Shutdown has given up.
import type { Rule, Fix, TextEdit } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { outerFunction } from '../facts/scope';
import {
  callArgs,
  descendantsNoFunc,
  enclosingFunction,
  enclosingStatement,
  exprList,
  indentAt,
  methodCall,
  named,
  nameWords,
  ofType,
  unparen,
} from '../facts/syntax';
import { indentLines, ownsLines } from '../fixes/layout';
import { freshName } from '../fixes/names';
import { timeoutValue } from '../fixes/values';
import { SERVE_METHODS, inLoop, recvKey, serverCall } from './_shutdown';

const CLOSE = new Set(['Close']);

const rule: Rule = {
  meta: {
    id: 'server-close-not-shutdown',
    title: 'http.Server stopped with Close instead of Shutdown',
    severity: 'warning',
    category: 'shutdown',
    minGo: '1.8',
    description:
      '`(*http.Server).Close` closes every connection at once, so requests still being handled are cut off mid-response (clients see EOF or a reset). Stop the server with `Shutdown(ctx)` under a timeout, which lets active requests finish, and call `Close` only when Shutdown returns an error.',
    zh: {
      title: '用 Close 而不是 Shutdown 停止 http.Server',
      description:
        '`(*http.Server).Close` 会立即关闭所有连接，正在处理的请求会在响应中途被切断（客户端看到 EOF 或连接重置）。应使用带超时的 `Shutdown(ctx)` 停止服务器，它会等待活动请求完成；仅当 Shutdown 返回错误时再调用 `Close`。',
    },
    docs: 'server-close-not-shutdown',
    messages: {
      'in-fn': {
        en: '{r}.Close() in {fn} cuts off in-flight requests; use Shutdown',
        zh: '{fn} 中的 {r}.Close() 会切断进行中的请求；应使用 Shutdown',
      },
      signal: {
        en: '{r}.Close() on a signal cuts off in-flight requests; use Shutdown',
        zh: '收到信号时调用 {r}.Close() 会切断进行中的请求；应使用 Shutdown',
      },
      stop: {
        en: '{r}.Close() after a stop signal cuts off in-flight requests; use Shutdown',
        zh: '收到停止信号后调用 {r}.Close() 会切断进行中的请求；应使用 Shutdown',
      },
      end: {
        en: "{r}.Close() at the end of the server's run cuts off in-flight requests; use Shutdown",
        zh: '在服务器运行结束时调用 {r}.Close() 会切断进行中的请求；应使用 Shutdown',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest || ctx.text.indexOf('.Close()') === -1) return;
    for (const call of ofType(ctx.tree.rootNode, 'call_expression')) {
      if (callArgs(call).length) continue;
      const sc = serverCall(ctx, call, CLOSE);
      if (!sc) continue;
      checkClose(ctx, call, sc.recv);
    }
  },
};

const ABRUPT_WORDS = new Set(['close', 'kill', 'abort', 'force', 'forced', 'terminate', 'destroy', 'hard', 'immediate', 'immediately']);
const STOP_WORDS = new Set(['stop', 'shutdown', 'quit', 'halt', 'teardown', 'graceful', 'gracefully', 'drain', 'exit']);

const hasWord = (name: string, set: Set<string>) => [...nameWords(name)].some((w) => set.has(w));

function checkClose(ctx: RuleContext, call: SyntaxNode, recv: SyntaxNode): void {
  const fn = enclosingFunction(call);
  const outer = outerFunction(call);
  if (!fn || !outer) return;
  const key = recvKey(recv);
  // Close as the fallback: the same function also shuts this server down gracefully.
  if (key && callsOn(outer, key, (n) => n === 'Shutdown')) return;
  const name = outer.childForFieldName('name')?.text ?? '';
  // An abrupt-stop API of its own (`func (s *S) Close() error { return s.srv.Close() }`): delegation.
  if (hasWord(name, ABRUPT_WORDS)) return;
  const why = stopEvidence(ctx, call, fn, outer, key, name);
  if (!why) return;
  const r = recv.text;
  const fix = closeFix(ctx, call, r);
  ctx.report(call, { id: why.id, args: { r, fn: why.fn ?? '' } }, fix ? [fix] : []);
}

/** Why this Close is the server's stop path, or null when nothing says so (stay quiet). */
function stopEvidence(
  ctx: RuleContext,
  call: SyntaxNode,
  fn: SyntaxNode,
  outer: SyntaxNode,
  key: string | null,
  name: string,
): { id: string; fn?: string } | null {
  if (hasWord(name, STOP_WORDS)) return { id: 'in-fn', fn: name };
  for (const c of ofType(outer, 'call_expression')) {
    const q = ctx.file.qualified(c.childForFieldName('function'));
    if (q === 'os/signal.Notify' || q === 'os/signal.NotifyContext') return { id: 'signal' };
  }
  // Waits for an event before closing: `<-stop`, `case <-ctx.Done():`.
  for (const n of descendantsNoFunc(fn)) {
    if (n.startIndex >= call.startIndex) break;
    if (n.type === 'unary_expression' && (n.childForFieldName('operator')?.text ?? n.child(0)?.text) === '<-' && isWaitingReceive(n)) {
      return { id: 'stop' };
    }
  }
  // The same function runs the server in the background and then stops it (a blocking Serve
  // followed by Close is only cleanup after the server has already failed).
  if (key && ofType(outer, 'call_expression').some((c) => isServeOn(c, key) && inGoroutine(c, outer))) return { id: 'end' };
  return null;
}

const STOP_CHANNEL = /sig|stop|quit|done|term|shut|exit|interrupt|kill/i;

/** `<-ch` used as a wait: its value discarded (a statement, `case <-ch:`), `<-ctx.Done()`, or a stop/signal channel. */
function isWaitingReceive(recv: SyntaxNode): boolean {
  const operand = unparen(recv.childForFieldName('operand'));
  if (operand?.type === 'call_expression' && methodCall(operand)?.name === 'Done') return true;
  if (operand && STOP_CHANNEL.test(operand.text)) return true;
  const p = recv.parent;
  if (!p) return false;
  if (p.type === 'expression_statement') return true;
  if (p.type === 'receive_statement') return exprList(p.childForFieldName('left')).length === 0;
  return false;
}

function isServeOn(c: SyntaxNode, key: string): boolean {
  const mc = methodCall(c);
  return !!mc && SERVE_METHODS.has(mc.name) && recvKey(mc.recv) === key;
}

function inGoroutine(n: SyntaxNode, stop: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== stop.id; p = p.parent) {
    if (p.type === 'go_statement') return true;
  }
  return false;
}

function callsOn(scope: SyntaxNode, key: string, pred: (name: string) => boolean): boolean {
  for (const c of ofType(scope, 'call_expression')) {
    const mc = methodCall(c);
    if (mc && pred(mc.name) && recvKey(mc.recv) === key) return true;
  }
  return false;
}

function closeFix(ctx: RuleContext, call: SyntaxNode, r: string): Fix | null {
  const text = ctx.text;
  const stmt = enclosingStatement(call);
  if (!stmt || !ownsLines(text, stmt)) return null;
  const indent = indentAt(text, stmt.startIndex);
  const t = timeoutValue(ctx, ctx.fix.shutdownTimeout, 2);
  const withTimeout = ctx.ref('context', 'WithTimeout');
  const bg = `${ctx.ref('context', 'Background')}()`;
  const c = freshName(ctx.file, call, ['ctx', 'shutdownCtx']);
  const cancel = freshName(ctx.file, call, ['cancel', 'cancelShutdown']);
  // The `if err := …` scope is new: only the receiver expression could clash with the name.
  const err = /\berr\b/.test(r) ? 'shutdownErr' : 'err';
  const head = [`${c}, ${cancel} := ${withTimeout}(${bg}, ${t.text})`, `defer ${cancel}()`];
  const graceful = [`if ${err} := ${r}.Shutdown(${c}); ${err} != nil {`, `\t${r}.Close()`, `}`];
  const edits: TextEdit[] = [];
  const expr = unparen(named(stmt)[0]);
  if (
    (stmt.type === 'expression_statement' && expr?.id === call.id) ||
    (stmt.type === 'assignment_statement' && isBlankAssign(stmt, call))
  ) {
    // In a loop, cancel right after rather than deferring until the function returns.
    const lines = inLoop(stmt) ? [head[0], ...graceful, `${cancel}()`] : [...head, ...graceful];
    edits.push({ start: stmt.startIndex, end: stmt.endIndex, newText: indentLines(lines, indent) });
  } else if ((stmt.type === 'defer_statement' || stmt.type === 'go_statement') && expr?.id === call.id) {
    const kw = stmt.type === 'defer_statement' ? 'defer' : 'go';
    const body = [...head, ...graceful].map((l) => `\t${l}`);
    edits.push({ start: stmt.startIndex, end: stmt.endIndex, newText: indentLines([`${kw} func() {`, ...body, '}()'], indent) });
  } else if (stmt.type === 'return_statement' && returnsOnly(stmt, call)) {
    const lines = [...head, `if ${err} := ${r}.Shutdown(${c}); ${err} != nil {`, `\t${r}.Close()`, `\treturn ${err}`, `}`, 'return nil'];
    edits.push({ start: stmt.startIndex, end: stmt.endIndex, newText: indentLines(lines, indent) });
  } else if (stmt.type === 'if_statement' && initIsCall(stmt, call)) {
    // if err := srv.Close(); err != nil { … }  →  Shutdown in the header, Close first in the body.
    const cons = stmt.childForFieldName('consequence');
    if (!cons || cons.startPosition.row === cons.endPosition.row) return null;
    edits.push({ start: stmt.startIndex, end: stmt.startIndex, newText: `${indentLines(head, indent)}\n${indent}` });
    edits.push({ start: call.startIndex, end: call.endIndex, newText: `${r}.Shutdown(${c})` });
    edits.push({ start: cons.startIndex + 1, end: cons.startIndex + 1, newText: `\n${indent}\t${r}.Close()` });
  } else {
    return null;
  }
  const imp = ctx.importEdit(['context', ...t.imports]);
  if (imp) edits.push(imp);
  return { title: `Use ${r}.Shutdown with a ${t.text} timeout, Close as the fallback`, preferred: true, edits };
}

function isBlankAssign(stmt: SyntaxNode, call: SyntaxNode): boolean {
  const left = exprList(stmt.childForFieldName('left'));
  const right = exprList(stmt.childForFieldName('right'));
  return left.length === 1 && left[0].text === '_' && right.length === 1 && unparen(right[0])?.id === call.id;
}

function returnsOnly(stmt: SyntaxNode, call: SyntaxNode): boolean {
  const vals = exprList(named(stmt)[0]);
  return vals.length === 1 && unparen(vals[0])?.id === call.id;
}

function initIsCall(stmt: SyntaxNode, call: SyntaxNode): boolean {
  const init = stmt.childForFieldName('initializer');
  if (!init || init.type !== 'short_var_declaration') return false;
  const left = exprList(init.childForFieldName('left'));
  const right = exprList(init.childForFieldName('right'));
  return left.length === 1 && right.length === 1 && unparen(right[0])?.id === call.id;
}

export default rule;
