// Shared reporting for the close rules (conn-not-closed, body-not-closed): messages and fixes.
import type { RuleContext } from '../context';
import type { Fix } from '../model';
import type { SyntaxNode } from '../parser';
import { guardAfter, type Acquisition, type LeakExit, type LifecycleResult } from '../facts/lifecycle';
import { indentAt, isFunctionNode, lineStart, named, statementsOf } from '../facts/syntax';
import { ownsLines } from '../fixes/layout';

export function describeExit(ctx: RuleContext, e: LeakExit): string {
  const line = ctx.lineIndex().position(e.node.startIndex).line + 1;
  if (e.kind === 'return') return `the return at line ${line}`;
  if (e.kind === 'jump') return `the ${e.node.type === 'continue_statement' ? 'continue' : 'break'} at line ${line}`;
  const endLine = ctx.lineIndex().position(e.node.endIndex).line + 1;
  if (e.kind === 'overwrite')
    return `the end of the loop iteration (line ${e.node.type === 'continue_statement' ? line : endLine}): the next iteration overwrites it`;
  const p = e.node.parent;
  if (p && p.type === 'for_statement') return `the end of the loop iteration (line ${endLine})`;
  if (isFunctionNode(p)) return `the end of the function (line ${endLine})`;
  return `the end of the block (line ${endLine})`;
}

/** The fixes for a value that leaks on some exits. `closeExpr` is `conn.Close()` or `resp.Body.Close()`. */
export function closeFixes(ctx: RuleContext, a: Acquisition, res: LifecycleResult, closeExpr: string): Fix[] {
  const text = ctx.text;
  const fixes: Fix[] = [];
  // Without an immediate `if err != nil` exit, the value may be nil on the paths we would touch.
  if (a.err && !guardAfter(a, ctx.file)) return fixes;
  const inLoop = a.binding ? loopAround(a.stmt, a.fn) : null;
  if (!res.handedOff && !res.closedExplicitly && !res.deferredClose && res.borrowers.length === 0 && !inLoop) {
    // Nobody else ever gets the value: close it when the function returns.
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
  // Handed off or closed on other paths: close it on the leaking returns only.
  if (res.exits.length && allListed && res.exits.every((e) => (e.kind === 'return' || e.kind === 'jump') && ownsLines(text, e.node))) {
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
