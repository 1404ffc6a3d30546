// Shared reporting for the close rules (conn-not-closed, body-not-closed): messages and fixes.
import type { RelatedRef, RuleContext } from '../context';
import type { Fix, MessageText } from '../model';
import type { SyntaxNode } from '../parser';
import { guardAfter, type Acquisition, type LeakExit, type LifecycleResult } from '../facts/lifecycle';
import { indentAt, isFunctionNode, lineStart, named, ofType, statementsOf } from '../facts/syntax';
import { ownsLines } from '../fixes/layout';

/**
 * The headlines of a leak at each kind of exit, for a rule's `meta.messages`: `subject` names the
 * value in English and Chinese (`{what} {name} from {callee}`). Also the related locations: every
 * leaking exit, and a function the value is lent to that does not close it.
 */
export function leakMessages(subject: { en: string; zh: string }): Record<string, MessageText> {
  const s = subject;
  return {
    return: { en: `${s.en} is not closed at the return at line {line}`, zh: `${s.zh}在第 {line} 行的 return 处没有关闭` },
    continue: { en: `${s.en} is not closed at the continue at line {line}`, zh: `${s.zh}在第 {line} 行的 continue 处没有关闭` },
    break: { en: `${s.en} is not closed at the break at line {line}`, zh: `${s.zh}在第 {line} 行的 break 处没有关闭` },
    overwrite: { en: `${s.en} is not closed before the next iteration overwrites it`, zh: `${s.zh}在下一次迭代覆盖它之前没有关闭` },
    reassign: { en: `${s.en} is not closed before line {line} overwrites it`, zh: `${s.zh}在第 {line} 行被覆盖之前没有关闭` },
    'iteration-end': {
      en: `${s.en} is not closed at the end of the iteration (line {line})`,
      zh: `${s.zh}在循环迭代结束处（第 {line} 行）没有关闭`,
    },
    'function-end': {
      en: `${s.en} is not closed at the end of the function (line {line})`,
      zh: `${s.zh}在函数结束处（第 {line} 行）没有关闭`,
    },
    'block-end': { en: `${s.en} is not closed at the end of the block (line {line})`, zh: `${s.zh}在代码块结束处（第 {line} 行）没有关闭` },
    exit: { en: '{name} is still open when the function leaves here', zh: '函数从这里离开时 {name} 仍未关闭' },
    borrow: { en: '{fn}({name}) uses it but does not close it', zh: '{fn}({name}) 使用了它，但没有关闭它' },
  };
}

/** The headline's message id for a leak at `e`, and the line it names. */
export function exitMessage(ctx: RuleContext, e: LeakExit): { id: string; line: number } {
  const line = ctx.lineIndex().position(e.node.startIndex).line + 1;
  if (e.kind === 'return') return { id: 'return', line };
  if (e.kind === 'jump') return { id: e.node.type === 'continue_statement' ? 'continue' : 'break', line };
  const endLine = ctx.lineIndex().position(e.node.endIndex).line + 1;
  if (e.kind === 'overwrite' && (e.node.type === 'assignment_statement' || e.node.type === 'short_var_declaration'))
    return { id: 'reassign', line };
  if (e.kind === 'overwrite') return { id: 'overwrite', line: e.node.type === 'continue_statement' ? line : endLine };
  const p = e.node.parent;
  if (p && p.type === 'for_statement') return { id: 'iteration-end', line: endLine };
  if (isFunctionNode(p)) return { id: 'function-end', line: endLine };
  return { id: 'block-end', line: endLine };
}

/** Reports the leak of `a` (`name`, `args` for the subject) at its first exit, the others and a borrower as related locations. */
export function reportLeak(ctx: RuleContext, a: Acquisition, res: LifecycleResult, args: Record<string, string>, fixes: Fix[]): void {
  const first = exitMessage(ctx, res.exits[0]);
  const related: RelatedRef[] = res.exits.slice(1).map((e) => ({ at: e.node, id: 'exit', args: { name: args.name } }));
  const b = res.borrowers[0];
  if (b && b.call.tree === ctx.tree) related.unshift({ at: b.call, id: 'borrow', args: { fn: b.fn, name: args.name } });
  ctx.report(a.call, { id: first.id, args: { ...args, line: first.line } }, fixes, { related });
}

/** The fixes for a value that leaks on some exits. `closeExpr` is `conn.Close()` or `resp.Body.Close()`. */
export function closeFixes(ctx: RuleContext, a: Acquisition, res: LifecycleResult, closeExpr: string): Fix[] {
  const text = ctx.text;
  const fixes: Fix[] = [];
  // Without an immediate `if err != nil` exit, the value may be nil on the paths we would touch.
  if (a.err && !guardAfter(a, ctx.file)) return fixes;
  const inLoop = a.binding ? loopAround(a.stmt, a.fn) : null;
  const syncBorrowers = res.borrowers.every((b) => b.call.parent?.type !== 'go_statement');
  if (!res.handedOff && !res.closedExplicitly && !res.deferredClose && syncBorrowers && !inLoop) {
    // Nobody else keeps the value (callers that only use it return before we do): close it when the function returns.
    const guard = guardAfter(a, ctx.file);
    const after = guard ?? a.stmt;
    if (ownsLines(text, after)) {
      const indent = indentAt(text, a.stmt.startIndex);
      fixes.push({
        title: `Add defer ${closeExpr} after ${guard ? 'the error check' : 'the call'}`,
        preferred: true,
        edits: [{ start: after.endIndex, end: after.endIndex, newText: `\n${indent}defer ${closeExpr}` }],
      });
    }
    return fixes;
  }
  const goBorrowers = res.borrowers.filter((b) => b.call.parent?.type === 'go_statement');
  // (Every exit is listed: `exits` holds at most MAX_EXITS of `exitCount`.)
  const allListed = res.exits.length === res.exitCount;
  if (goBorrowers.length === 1 && allListed && res.exits.every((e) => e.kind !== 'return')) {
    // `go handle(conn)` where handle never closes it: close it in the handler.
    const f = ctx.pkg.funcs.get(goBorrowers[0].fn);
    const args = named(goBorrowers[0].call.childForFieldName('arguments'));
    const idx = args.findIndex((x) => x.text === a.ident?.text);
    const param = f && idx >= 0 ? f.params[idx] : undefined;
    const body = f?.node.childForFieldName('body');
    if (f && param && body && f.file === ctx.file && param.name !== '_') {
      const first = statementsOf(body)[0];
      const expr = closeExpr.replace(/^[A-Za-z_]\w*/, param.name);
      const indent = first ? indentAt(text, first.startIndex) : `${indentAt(text, f.node.startIndex)}\t`;
      fixes.push({
        title: `Add defer ${expr} at the start of ${f.name}`,
        preferred: true,
        edits: [
          {
            start: body.startIndex + 1,
            end: body.startIndex + 1,
            newText: `\n${indent}defer ${expr}` + (first ? '' : '\n' + indentAt(text, f.node.startIndex)),
          },
        ],
      });
      if (first && text.slice(body.startIndex + 1, first.startIndex).indexOf('\n') === -1) fixes.pop();
    }
    return fixes;
  }
  // Handed off or closed on other paths: close it on the leaking returns only, never before a
  // return that still uses it (`return serve(ln)`).
  const name = a.ident?.text;
  const usesValue = (n: SyntaxNode) =>
    !!name &&
    ofType(n, 'identifier').some((i) => {
      if (i.text !== name) return false;
      let e: SyntaxNode = i;
      const sel = (x: SyntaxNode) => x.parent?.type === 'selector_expression' && x.parent.childForFieldName('operand')?.id === x.id;
      if (sel(e) && e.parent!.childForFieldName('field')?.text === 'Body') e = e.parent!;
      // Passed to a call (`serve(ln)`, `decode(resp.Body)`) or a method called on it (`c.Read(b)`);
      // reading a field (`resp.StatusCode`) after the close is fine.
      if (e.parent?.type === 'argument_list') return true;
      return sel(e) && e.parent!.parent?.type === 'call_expression' && e.parent!.parent.childForFieldName('function')?.id === e.parent!.id;
    });
  if (
    res.exits.length &&
    allListed &&
    res.exits.every((e) => (e.kind === 'return' || e.kind === 'jump') && ownsLines(text, e.node) && !usesValue(e.node))
  ) {
    fixes.push({
      title: `Call ${closeExpr} before leaving on ${res.exits.length === 1 ? 'that path' : 'those paths'}`,
      preferred: true,
      edits: res.exits.map((e) => {
        const ls = lineStart(text, e.node.startIndex);
        return { start: ls, end: ls, newText: `${indentAt(text, e.node.startIndex)}${closeExpr}\n` };
      }),
    });
  }
  return fixes;
}

function loopAround(stmt: SyntaxNode, fn: SyntaxNode): SyntaxNode | null {
  for (let p = stmt.parent; p && p.id !== fn.id; p = p.parent) if (p.type === 'for_statement') return p;
  return null;
}

export function valueName(a: Acquisition): string {
  return a.ident?.text ?? 'the result';
}

export function calleeName(a: Acquisition): string {
  const fn = a.call.childForFieldName('function');
  const t = fn?.text ?? 'the call';
  return t.length > 40 ? `${t.slice(0, 37)}...` : t;
}
