// Inside an HTTP handler, waiting without watching r.Context(): time.Sleep, <-time.After(d), or an
// endless loop around a bare channel receive. The handler keeps its goroutine and connection after
// the client has gone, and Server.Shutdown waits for it.
import type { Rule, Fix } from '../model';
import type { RuleContext } from '../context';
import type { SyntaxNode } from '../parser';
import { callArgs, descendantsNoFunc, named, ofType, unparen } from '../facts/syntax';
import { isNoReturnCall } from '../facts/flow';
import { handlerParams } from './_timeouts';

const rule: Rule = {
  meta: {
    id: 'handler-ignores-context',
    title: 'HTTP handler waits without watching r.Context()',
    severity: 'warning',
    category: 'shutdown',
    minGo: '1.7',
    description:
      'time.Sleep, <-time.After or an endless receive loop inside an HTTP handler ignores r.Context(): after the client disconnects the handler keeps its goroutine and connection until the wait ends, and Server.Shutdown waits for it. Wait in a select that also receives from r.Context().Done().',
    zh: {
      title: 'HTTP 处理函数等待时未关注 r.Context()',
      description:
        'HTTP 处理函数中的 time.Sleep、<-time.After 或无限接收循环忽略了 r.Context()：客户端断开后处理函数仍占用 goroutine 和连接直到等待结束，Server.Shutdown 也会一直等它。请在同时接收 r.Context().Done() 的 select 中等待。',
    },
    docs: 'handler-ignores-context',
    messages: {
      wait: {
        en: '{what} in an HTTP handler ignores {req}.Context(): Server.Shutdown waits for it',
        zh: 'HTTP 处理函数中的 {what} 忽略了 {req}.Context()：Server.Shutdown 会一直等待它',
      },
      'wait-loop': {
        en: '{what} in a loop in an HTTP handler ignores {req}.Context(): Shutdown waits for it',
        zh: 'HTTP 处理函数循环中的 {what} 忽略了 {req}.Context()：Shutdown 会一直等待它',
      },
      endless: {
        en: 'endless loop receiving from {ch} in an HTTP handler never watches {req}.Context()',
        zh: 'HTTP 处理函数中从 {ch} 接收的无限循环从不关注 {req}.Context()',
      },
    },
  },
  check(ctx) {
    if (ctx.file.isTest) return;
    // Handlers are recognised by their net/http parameter types.
    if (!ctx.file.imports.has('net/http')) return;
    for (const fn of ofType(ctx.tree.rootNode, ['function_declaration', 'method_declaration', 'func_literal'])) {
      const hp = handlerParams(ctx.file, fn);
      const body = fn.childForFieldName('body');
      if (!hp || !body) continue;
      checkHandler(ctx, body, hp.request);
    }
  },
};

const UNIT: Record<string, number> = { Nanosecond: 1, Microsecond: 1e3, Millisecond: 1e6, Second: 1e9, Minute: 6e10, Hour: 3.6e12 };

/** Constant durations we can read: `100 * time.Millisecond`, `time.Second`, `2*time.Second`, an int literal. */
function constDuration(ctx: RuleContext, e: SyntaxNode | null | undefined): number | null {
  // A product of factors, folded with a worklist: `1 * 1 * … * time.Second` nests to the left.
  let product = 1;
  const todo: (SyntaxNode | null | undefined)[] = [e];
  while (todo.length) {
    const n = unparen(todo.pop());
    if (!n) return null;
    if (n.type === 'int_literal' || n.type === 'float_literal') {
      product *= Number(n.text.replace(/_/g, ''));
      continue;
    }
    const q = ctx.file.qualified(n);
    if (q && q.startsWith('time.') && UNIT[q.slice(5)] !== undefined) {
      product *= UNIT[q.slice(5)];
      continue;
    }
    if (n.type === 'binary_expression' && n.childForFieldName('operator')?.text === '*')
      todo.push(n.childForFieldName('left'), n.childForFieldName('right'));
    else if (n.type === 'call_expression' && ctx.file.qualified(n.childForFieldName('function')) === 'time.Duration')
      todo.push(callArgs(n)[0]);
    else return null;
  }
  return product;
}

/** The loops between `n` and the handler body (innermost first). */
function loopsAround(n: SyntaxNode, body: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) if (p.type === 'for_statement') out.push(p);
  return out;
}

/**
 * Does `n` check a context (`ctx.Done()`, `ctx.Err()`, `r.Context().Err()`) outside nested function
 * literals? Passing `r.Context()` to a call does not count: the wait itself still ignores it.
 */
function watchesContext(n: SyntaxNode): boolean {
  for (const d of descendantsNoFunc(n)) {
    if (d.type !== 'call_expression' || callArgs(d).length) continue;
    const f = unparen(d.childForFieldName('function'));
    if (f?.type === 'selector_expression' && ['Done', 'Err'].includes(f.childForFieldName('field')?.text ?? '')) return true;
  }
  return false;
}

/** Non-deferred cleanup after `from` in the handler: returning early would skip it. */
const CLEANUP = /^(Unlock|RUnlock|Done|Close|Release|Stop|Cancel|cancel|Rollback|Commit|Signal|Broadcast|Flush|Wait|Finish|End)$/;
function cleanupAfter(body: SyntaxNode, from: SyntaxNode): boolean {
  for (const d of descendantsNoFunc(body)) {
    if (d.type !== 'call_expression' || d.startIndex < from.endIndex) continue;
    if (d.parent?.type === 'defer_statement') continue;
    const f = unparen(d.childForFieldName('function'));
    const name = f?.type === 'selector_expression' ? f.childForFieldName('field')?.text : f?.text;
    if (name && CLEANUP.test(name)) return true;
  }
  return false;
}

function checkHandler(ctx: RuleContext, body: SyntaxNode, req: SyntaxNode | null): void {
  const reqName = req?.text ?? 'r';
  for (const n of descendantsNoFunc(body)) {
    if (n.type === 'func_literal') continue;
    if (n.type === 'call_expression' && ctx.file.qualified(n.childForFieldName('function')) === 'time.Sleep') {
      checkWait(ctx, body, n, callArgs(n)[0], 'time.Sleep', req);
    } else if (isReceive(n)) {
      const op = unparen(n.childForFieldName('operand'));
      if (op?.type === 'call_expression' && ctx.file.qualified(op.childForFieldName('function')) === 'time.After') {
        if (!inSelect(n, body)) checkWait(ctx, body, n, callArgs(op)[0], '<-time.After', req);
      } else {
        checkReceiveLoop(ctx, body, n, reqName);
      }
    }
  }
}

function isReceive(n: SyntaxNode): boolean {
  return n.type === 'unary_expression' && n.child(0)?.text === '<-';
}

/** Is the receive a communication of a select (or inside one's case header)? */
function inSelect(n: SyntaxNode, body: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== body.id; p = p.parent) {
    if (p.type === 'communication_case') return true;
    if (p.type === 'statement_list' || p.type === 'block') return false;
  }
  return false;
}

function checkWait(
  ctx: RuleContext,
  body: SyntaxNode,
  wait: SyntaxNode,
  dur: SyntaxNode | undefined,
  what: string,
  req: SyntaxNode | null,
): void {
  const loops = loopsAround(wait, body);
  // A loop that checks the context between short waits is bounded by one wait.
  if (loops.some((l) => watchesContext(l))) return;
  const d = constDuration(ctx, dur);
  if (d !== null && d < 1e9 && loops.length === 0) return; // a short one-off pause
  const reqName = req?.text ?? 'r';
  const fixes: Fix[] = [];
  const stmt = wait.parent;
  if (
    req &&
    dur &&
    ctx.goAtLeast('1.7') &&
    stmt?.type === 'expression_statement' &&
    stmt.parent?.type === 'statement_list' &&
    !dur.text.includes('\n')
  ) {
    const ls = ctx.text.lastIndexOf('\n', stmt.startIndex - 1) + 1;
    const indent = ctx.text.slice(ls, stmt.startIndex);
    if (/^[\t ]*$/.test(indent)) {
      const newText = [
        'select {',
        `${indent}case <-${ctx.ref('time', 'After')}(${dur.text}):`,
        `${indent}case <-${reqName}.Context().Done():`,
        `${indent}\treturn`,
        `${indent}}`,
      ].join('\n');
      // Returning early must not skip non-deferred cleanup (mu.Unlock(), wg.Done(), …): no fix then
      // (the engine applies a lone fix even when it is not marked preferred).
      if (!cleanupAfter(body, stmt)) {
        fixes.push({
          title: `Wait in a select on ${reqName}.Context().Done()`,
          preferred: true,
          edits: [{ start: stmt.startIndex, end: stmt.endIndex, newText }],
        });
      }
    }
  }
  ctx.report(wait, { id: loops.length ? 'wait-loop' : 'wait', args: { what, req: reqName } }, fixes);
}

/**
 * A bare receive in an endless `for {}` loop that never exits and never looks at a context: the
 * handler can only end when the process does (the classic server-sent-events loop).
 */
function checkReceiveLoop(ctx: RuleContext, body: SyntaxNode, recv: SyntaxNode, reqName: string): void {
  if (inSelect(recv, body)) return;
  const loops = loopsAround(recv, body);
  const loop = loops.find((l) => isEndless(l));
  if (!loop) return;
  if (watchesContext(loop) || hasExit(ctx, loop) || ofType(loop, 'select_statement').length) return;
  // Report once per loop: at its first bare receive.
  const first = [...descendantsNoFunc(loop)].find((d) => isReceive(d) && !inSelect(d, body));
  if (first?.id !== recv.id) return;
  ctx.report(recv, { id: 'endless', args: { ch: unparen(recv.childForFieldName('operand'))?.text ?? '?', req: reqName } });
}

function isEndless(loop: SyntaxNode): boolean {
  return named(loop).every((c) => c.type === 'block' || c.type === 'comment');
}

/** Any way out of the loop: return, break, goto, panic/os.Exit/log.Fatal (not inside nested function literals). */
function hasExit(ctx: RuleContext, loop: SyntaxNode): boolean {
  for (const d of descendantsNoFunc(loop)) {
    if (d.type === 'return_statement' || d.type === 'goto_statement' || d.type === 'break_statement') return true;
    if (d.type === 'call_expression' && isNoReturnCall(d, ctx.file)) return true;
  }
  return false;
}

export default rule;
