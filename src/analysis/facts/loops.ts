// Loops and jumps, for the deadline rules: which loops enclose a read, whether a loop is a session
// (runs while the peer keeps the connection) or reads one message, where a break or continue goes.
import type { SyntaxNode } from '../parser';
import { descendantsNoFunc, exprList, isFunctionNode, named, ofType, resultTypes } from './syntax';

// ---------------------------------------------------------------------------------------------
// Functions, loops, flow

/** Enclosing for statements of `n` inside its own function, innermost first. */
export function enclosingLoops(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (let p = n.parent; p; p = p.parent) {
    if (isFunctionNode(p)) break;
    if (p.type === 'for_statement') out.push(p);
  }
  return out;
}

export function loopBody(loop: SyntaxNode): SyntaxNode | null {
  return loop.childForFieldName('body');
}

/** The loop's condition expression (plain `for cond {}` or a for clause's condition). */
export function loopCondition(loop: SyntaxNode): SyntaxNode | null {
  for (const c of named(loop)) {
    if (c.type === 'for_clause') return c.childForFieldName('condition');
    if (c.type === 'range_clause' || c.type === 'block' || c.type === 'comment') continue;
    return c;
  }
  return null;
}

/**
 * A loop that can run for as long as the peer keeps the connection: `for {}`, `for sc.Scan()`,
 * `for !done {}`, `for err == nil {}`. Not range loops, counting loops (`for i := 0; i < n; i++`)
 * or length-bounded loops (`for n < len(buf)`): those read one message of known size.
 */
export function isOpenEndedLoop(loop: SyntaxNode): boolean {
  for (const c of named(loop)) {
    if (c.type === 'range_clause') return false;
    if (c.type === 'for_clause') {
      if (c.childForFieldName('update')) return false;
      const cond = c.childForFieldName('condition');
      if (cond && hasRelational(cond)) return false;
    }
  }
  const cond = loopCondition(loop);
  if (cond && hasRelational(cond)) return false;
  return true;
}

function hasRelational(e: SyntaxNode): boolean {
  for (const b of [e, ...ofType(e, 'binary_expression')]) {
    if (b.type !== 'binary_expression') continue;
    const op = b.childForFieldName('operator')?.text;
    if (op === '<' || op === '<=' || op === '>' || op === '>=') return true;
  }
  return false;
}

/** Calls inside `n` (not in nested function literals). */
export function callsIn(n: SyntaxNode): SyntaxNode[] {
  const out: SyntaxNode[] = [];
  for (const d of descendantsNoFunc(n)) if (d.type === 'call_expression') out.push(d);
  return out;
}

/** Does this `break` / `continue` (unlabeled or labeled) leave or target `loop`? */
export function jumpTargets(jump: SyntaxNode, loop: SyntaxNode): boolean {
  const label = named(jump).find((c) => c.type === 'label_name')?.text;
  if (label) {
    const lp = loop.parent;
    return !!lp && lp.type === 'labeled_statement' && named(lp).find((c) => c.type === 'label_name')?.text === label;
  }
  const breakable =
    jump.type === 'break_statement'
      ? new Set(['for_statement', 'expression_switch_statement', 'type_switch_statement', 'select_statement'])
      : new Set(['for_statement']);
  for (let p = jump.parent; p; p = p.parent) {
    if (p.type === 'func_literal') return false;
    if (breakable.has(p.type)) return p.id === loop.id;
  }
  return false;
}

/** Conditions that look at an error value (the error path of a read). */
export function isErrorCondition(cond: SyntaxNode | null | undefined): boolean {
  if (!cond) return false;
  return /\berr\w*\b|\bEOF\b|Err[A-Z]\w*|\.Err\(\)|\be\s*!=\s*nil/.test(cond.text);
}

/**
 * A loop that ends when one message is complete, not a session: it `break`s out on a condition
 * that is not an error (`if line == "" { break }`), or returns a value from a function that has
 * non-error results.
 */
export function isMessageLoop(loop: SyntaxNode, fn: SyntaxNode | null): boolean {
  const body = loopBody(loop);
  if (!body) return false;
  const dataResults = fn ? resultTypes(fn).some((t) => t.text !== 'error') : false;
  for (const d of descendantsNoFunc(body)) {
    const isBreak = d.type === 'break_statement' && jumpTargets(d, loop);
    const isDataReturn = d.type === 'return_statement' && dataResults && named(d).length > 0;
    if (!isBreak && !isDataReturn) continue;
    if (isDataReturn) {
      // `return nil, err` is an error exit; `return buf, nil` / `return msg` is a message exit.
      const vals = exprList(named(d).find((c) => c.type === 'expression_list') ?? named(d)[0]);
      const last = vals[vals.length - 1];
      if (last && /\berr\w*\b/.test(last.text) && last.text !== 'nil') continue;
    }
    if (!underErrorBranch(d, body)) return true;
  }
  return false;
}

function underErrorBranch(n: SyntaxNode, top: SyntaxNode): boolean {
  for (let p = n.parent; p && p.id !== top.id; p = p.parent) {
    if (p.type === 'if_statement' && isErrorCondition(p.childForFieldName('condition'))) {
      // Only when n is in the consequence (the else of an error check is the success path).
      const cons = p.childForFieldName('consequence');
      if (cons && cons.startIndex <= n.startIndex && n.endIndex <= cons.endIndex) return true;
    }
    if (p.type === 'expression_case' && isErrorCondition(p.childForFieldName('value'))) return true;
  }
  return false;
}
