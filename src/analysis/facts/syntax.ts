// Small helpers over tree-sitter-go nodes, so rules read like Go rather than like tree walking.
import type { SyntaxNode } from '../parser';
import { tick } from '../limits';

export function unparen(n: SyntaxNode | null | undefined): SyntaxNode | null {
  let cur = n ?? null;
  while (cur && cur.type === 'parenthesized_expression') cur = cur.namedChild(0);
  return cur;
}

/** Statements of a block, case clause or statement_list (tree-sitter-go wraps them in statement_list). */
export function statementsOf(n: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!n) return [];
  if (n.type === 'statement_list') return named(n).filter(isStatement);
  for (const c of named(n)) if (c.type === 'statement_list') return named(c).filter(isStatement);
  if (n.type === 'block') return [];
  return [];
}

function isStatement(n: SyntaxNode): boolean {
  return n.type !== 'comment';
}

const listIndex = new WeakMap<SyntaxNode, { stmts: SyntaxNode[]; at: Map<number, number> }>();

/**
 * The statements of the list that holds `stmt`, and its index there (memoized per list, so that
 * asking for every statement of a long list is linear). The array is shared: do not modify it.
 */
export function positionInList(stmt: SyntaxNode): { stmts: readonly SyntaxNode[]; index: number } | null {
  const list = stmt.parent;
  if (!list || list.type !== 'statement_list') return null;
  let e = listIndex.get(list);
  if (!e) {
    const stmts = statementsOf(list);
    e = { stmts, at: new Map(stmts.map((s, i) => [s.id, i])) };
    listIndex.set(list, e);
  }
  const index = e.at.get(stmt.id);
  return index === undefined ? null : { stmts: e.stmts, index };
}

/** All named descendants of `n`, including `n`, in source order. */
export function* descendants(n: SyntaxNode): Generator<SyntaxNode> {
  const stack: SyntaxNode[] = [n];
  while (stack.length) {
    tick();
    const cur = stack.pop()!;
    yield cur;
    const kids = named(cur);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
  }
}

/** Descendants of `n`, not entering nested function literals. */
export function* descendantsNoFunc(n: SyntaxNode): Generator<SyntaxNode> {
  const stack: SyntaxNode[] = [n];
  while (stack.length) {
    tick();
    const cur = stack.pop()!;
    yield cur;
    const kids = named(cur);
    for (let i = kids.length - 1; i >= 0; i--) {
      const k = kids[i];
      if (k.type === 'func_literal') {
        yield k;
        continue;
      }
      stack.push(k);
    }
  }
}

export function contains(outer: SyntaxNode, inner: SyntaxNode): boolean {
  return outer.startIndex <= inner.startIndex && inner.endIndex <= outer.endIndex;
}

export function ancestor(n: SyntaxNode, pred: (a: SyntaxNode) => boolean): SyntaxNode | null {
  for (let p = n.parent; p; p = p.parent) if (pred(p)) return p;
  return null;
}

export function enclosingFunction(n: SyntaxNode): SyntaxNode | null {
  return ancestor(n, isFunctionNode);
}

export function isFunctionNode(n: SyntaxNode | null | undefined): boolean {
  return !!n && (n.type === 'function_declaration' || n.type === 'method_declaration' || n.type === 'func_literal');
}

/** The statement holding `n` that sits directly in a statement list, within n's own function (or null). */
export function enclosingStatement(n: SyntaxNode): SyntaxNode | null {
  for (let p: SyntaxNode | null = n; p && p.parent; p = p.parent) {
    if (p.id !== n.id && isFunctionNode(p)) return null;
    if (p.parent.type === 'statement_list') return p;
  }
  return null;
}

/** Result type nodes of a function declaration or literal (or an interface method), one per value. */
export function resultTypes(fn: SyntaxNode): SyntaxNode[] {
  const res = fn.childForFieldName('result');
  if (!res) return [];
  if (res.type !== 'parameter_list') return [res];
  const out: SyntaxNode[] = [];
  for (const p of named(res)) {
    if (p.type !== 'parameter_declaration') continue;
    const t = p.childForFieldName('type');
    if (!t) continue;
    const n = Math.max(1, p.childrenForFieldName('name').length);
    for (let i = 0; i < n; i++) out.push(t);
  }
  return out;
}

/** Keys of a keyed composite literal; `unkeyed` when any element has no key (positional struct literal). */
export function literalKeys(lit: SyntaxNode): { keys: Map<string, SyntaxNode>; unkeyed: boolean } {
  const keys = new Map<string, SyntaxNode>();
  let unkeyed = false;
  const body = lit.childForFieldName('body');
  for (const el of named(body)) {
    if (el.type === 'comment') continue;
    if (el.type !== 'keyed_element') {
      unkeyed = true;
      continue;
    }
    const k = unparen(el.childForFieldName('key')?.namedChild(0) ?? el.childForFieldName('key'));
    const v = el.childForFieldName('value');
    if (k && (k.type === 'identifier' || k.type === 'field_identifier') && v) keys.set(k.text, v.namedChild(0) ?? v);
    else unkeyed = true;
  }
  return { keys, unkeyed };
}

/**
 * The parameters declared by a parameter list (a function's `parameters`, `result` or `receiver`),
 * one per name in order (`a, b int` is two); an unnamed parameter has name null.
 */
export function paramsOf(list: SyntaxNode | null | undefined): { name: SyntaxNode | null; type: SyntaxNode | null }[] {
  const out: { name: SyntaxNode | null; type: SyntaxNode | null }[] = [];
  for (const p of named(list)) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const type = p.childForFieldName('type');
    const names = fieldAll(p, 'name');
    if (!names.length) out.push({ name: null, type });
    for (const name of names) out.push({ name, type });
  }
  return out;
}

/** Expressions of an expression_list (or the node itself). */
export function exprList(n: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!n) return [];
  if (n.type === 'expression_list') return named(n).filter((c) => c.type !== 'comment');
  return [n];
}

export function callArgs(call: SyntaxNode): SyntaxNode[] {
  const args = call.childForFieldName('arguments');
  return args ? named(args).filter((c) => c.type !== 'comment') : [];
}

/** `x` for identifiers, `a.b.c` for selector chains of identifiers, else null. */
export function pathText(n: SyntaxNode | null | undefined): string | null {
  // Iterative: selector chains can be thousands deep in generated code.
  const fields: string[] = [];
  let u = unparen(n);
  for (;;) {
    if (!u) return null;
    if (u.type === 'identifier' || u.type === 'field_identifier' || u.type === 'package_identifier') break;
    if (u.type === 'selector_expression') {
      const f = u.childForFieldName('field');
      if (!f) return null;
      fields.push(f.text);
      u = unparen(u.childForFieldName('operand'));
    } else if (u.type === 'unary_expression' && (u.childForFieldName('operator')?.text ?? u.child(0)?.text) === '*') {
      u = unparen(u.childForFieldName('operand'));
    } else return null;
  }
  fields.push(u.text);
  return fields.reverse().join('.');
}

/** Method name and receiver for `recv.Method(...)` calls. */
export function methodCall(call: SyntaxNode): { recv: SyntaxNode; name: string } | null {
  if (call.type !== 'call_expression') return null;
  const fn = unparen(call.childForFieldName('function'));
  if (!fn || fn.type !== 'selector_expression') return null;
  const recv = fn.childForFieldName('operand');
  const field = fn.childForFieldName('field');
  if (!recv || !field) return null;
  return { recv, name: field.text };
}

export function lineOf(text: string, offset: number): number {
  let line = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Leading whitespace of the line that holds `offset`. */
export function indentAt(text: string, offset: number): string {
  const ls = text.lastIndexOf('\n', offset - 1) + 1;
  const m = /^[ \t]*/.exec(text.slice(ls));
  return m ? m[0] : '';
}

export function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

export function lineEnd(text: string, offset: number): number {
  const e = text.indexOf('\n', offset);
  return e === -1 ? text.length : e;
}

/** Is this node the `err` identifier check `err != nil` (or `nil != err`)? Returns the identifier text. */
export function errNotNil(cond: SyntaxNode | null | undefined): string | null {
  // `err != nil || resp == nil` still guards on err; `&&` narrows but the err branch is still an
  // error path. The first check found left to right wins; iterative, as chains can be long.
  const stack: (SyntaxNode | null)[] = [cond ?? null];
  while (stack.length) {
    const c = unparen(stack.pop());
    if (!c || c.type !== 'binary_expression') continue;
    const op = c.childForFieldName('operator')?.text;
    const l = unparen(c.childForFieldName('left'));
    const r = unparen(c.childForFieldName('right'));
    if (op === '!=' && l && r) {
      if (r.type === 'nil' && l.type === 'identifier') return l.text;
      if (l.type === 'nil' && r.type === 'identifier') return r.text;
    }
    if (op === '||' || op === '&&') stack.push(r, l);
  }
  return null;
}

export function errIsNil(cond: SyntaxNode | null | undefined): string | null {
  const c = unparen(cond);
  if (!c || c.type !== 'binary_expression') return null;
  const op = c.childForFieldName('operator')?.text;
  const l = unparen(c.childForFieldName('left'));
  const r = unparen(c.childForFieldName('right'));
  if (op === '==' && l && r) {
    if (r.type === 'nil' && l.type === 'identifier') return l.text;
    if (l.type === 'nil' && r.type === 'identifier') return r.text;
  }
  return null;
}

/** Named children without the nulls web-tree-sitter's typings allow. */
export function named(n: SyntaxNode | null | undefined): SyntaxNode[] {
  if (!n) return [];
  return n.namedChildren.filter((c): c is SyntaxNode => c !== null);
}

/** Children for a field name, without nulls. */
export function fieldAll(n: SyntaxNode, field: string): SyntaxNode[] {
  return n.childrenForFieldName(field).filter((c): c is SyntaxNode => c !== null);
}

/** Descendants of given types, without nulls. */
export function ofType(n: SyntaxNode, types: string | string[]): SyntaxNode[] {
  return n.descendantsOfType(types).filter((c): c is SyntaxNode => c !== null);
}

/** The words of a Go identifier, lower-cased (`forceStopHTTP` → force, stop, http), plus adjacent pairs joined (shut+down). */
export function nameWords(name: string): Set<string> {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .split(/[\s_]+/)
    .filter(Boolean)
    .map((w) => w.toLowerCase());
  const out = new Set(words);
  for (let i = 0; i + 1 < words.length; i++) out.add(words[i] + words[i + 1]);
  return out;
}

/** `x` / `&x` / `(x)` / `&T{}`: the outermost of the parentheses and `&`s around `n`, whose value (or address) flows on. */
export function valueNode(n: SyntaxNode): SyntaxNode {
  while (
    n.parent &&
    (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'unary_expression' && n.parent.child(0)?.text === '&'))
  )
    n = n.parent;
  return n;
}
