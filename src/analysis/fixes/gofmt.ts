// gofmt's spacing of binary expressions, for fixes that insert Go expressions (timeouts from
// settings, moved arguments) and must stay gofmt-clean.
import { parseGo, type SyntaxNode } from '../parser';
import { exprList, ofType } from '../facts/syntax';

const formatted = new Map<string, string>();

/**
 * Re-spaces the binary operators of a Go expression as go/printer does at `depth` (its `cutoff`
 * rule: at depth 1 `5 * time.Second`, deeper `5*time.Second`; mixed `+`/`*` keep blanks around `+`
 * only at depth 1). Operands are kept as written. Falls back to the input when it does not parse.
 */
export function formatExpr(expr: string, depth: number): string {
  const key = `${depth}\u0000${expr}`;
  const hit = formatted.get(key);
  if (hit !== undefined) return hit;
  let out = expr;
  const tree = parseGo(`package p\n\nvar _ = ${expr}\n`);
  try {
    const spec = ofType(tree.rootNode, 'var_spec')[0];
    const value = exprList(spec?.childForFieldName('value'))[0];
    if (!tree.rootNode.hasError && value && value.text === expr.trim()) out = printExpr(value, depth);
  } finally {
    tree.delete();
  }
  formatted.set(key, out);
  return out;
}

function precOf(op: string): number {
  if (['*', '/', '%', '<<', '>>', '&', '&^'].includes(op)) return 5;
  if (['+', '-', '|', '^'].includes(op)) return 4;
  if (['==', '!=', '<', '<=', '>', '>='].includes(op)) return 3;
  if (op === '&&') return 2;
  return 1;
}

function binParts(n: SyntaxNode): { l: SyntaxNode; op: string; r: SyntaxNode } | null {
  if (n.type !== 'binary_expression') return null;
  const l = n.childForFieldName('left');
  const r = n.childForFieldName('right');
  const op = n.childForFieldName('operator')?.text;
  return l && r && op ? { l, op, r } : null;
}

function walkBinary(n: SyntaxNode): { has4: boolean; has5: boolean; maxProblem: number } {
  const b = binParts(n)!;
  const prec = precOf(b.op);
  let has4 = prec === 4;
  let has5 = prec === 5;
  let maxProblem = 0;
  const lb = binParts(b.l);
  if (lb && precOf(lb.op) >= prec) {
    const w = walkBinary(b.l);
    has4 ||= w.has4;
    has5 ||= w.has5;
    maxProblem = Math.max(maxProblem, w.maxProblem);
  }
  const rb = binParts(b.r);
  if (rb && precOf(rb.op) > prec) {
    const w = walkBinary(b.r);
    has4 ||= w.has4;
    has5 ||= w.has5;
    maxProblem = Math.max(maxProblem, w.maxProblem);
  } else if (b.r.type === 'unary_expression') {
    const rop = b.r.child(0)?.text ?? '';
    const pair = b.op + rop;
    if (pair === '/*' || pair === '&&' || pair === '&^') maxProblem = 5;
    else if (pair === '++' || pair === '--') maxProblem = Math.max(maxProblem, 4);
  }
  return { has4, has5, maxProblem };
}

function cutoff(n: SyntaxNode, depth: number): number {
  const { has4, has5, maxProblem } = walkBinary(n);
  if (maxProblem > 0) return maxProblem + 1;
  if (has4 && has5) return depth === 1 ? 5 : 4;
  return depth === 1 ? 6 : 4;
}

function printExpr(n: SyntaxNode, depth: number): string {
  const b = binParts(n);
  if (!b) return n.text;
  return printBinary(n, cutoff(n, depth), depth);
}

function printBinary(n: SyntaxNode, cut: number, depth: number): string {
  const b = binParts(n)!;
  const prec = precOf(b.op);
  const blank = prec < cut;
  // go/printer: expr1 recomputes the cutoff for every nested binary expression at its own depth.
  const side = (x: SyntaxNode, d: number) => (binParts(x) ? printBinary(x, cutoff(x, d), d) : x.text);
  const lb = binParts(b.l);
  const left = side(b.l, depth + (lb && precOf(lb.op) === prec ? 0 : 1));
  const right = side(b.r, depth + 1);
  return blank ? `${left} ${b.op} ${right}` : `${left}${b.op}${right}`;
}
