// Shared helpers of the "timeouts" rule group (dial-no-timeout, http-client-no-timeout,
// http-server-no-timeouts, handler-ignores-context, timeout-error-assertion). The leading underscore
// keeps scripts/gen-rules.mjs from treating this file as a rule.
import type { RuleContext } from '../context';
import type { FileFacts } from '../facts/package';
import type { Binding } from '../facts/scope';
import type { SyntaxNode } from '../parser';
import { formatExpr } from '../facts/gofmt';

export { formatExpr };
import type { TextEdit } from '../model';
import { callArgs, exprList, indentAt, lineEnd, lineStart, named, ofType, unparen } from '../facts/syntax';

/** Our timeout rules stay quiet in tests: test servers are local, sleeps and bare dials are deliberate there. */
export function isTestFile(path: string): boolean {
  return /_test\.go$/.test(path);
}

// ---------------------------------------------------------------------------------------------
// Timeout values from the settings (`conndoctor.fix.*Timeout`), spelled for this file.

/**
 * A setting value (`5 * time.Second`) as this file spells package `time`, formatted the way gofmt
 * prints it at `depth` (2 inside the arguments of a call with several arguments: `5*time.Second`),
 * and the imports it needs.
 */
export function timeoutValue(ctx: RuleContext, setting: string, depth = 1): { text: string; imports: string[] } {
  const formatted = formatExpr(setting.trim(), depth);
  if (!/\btime\./.test(formatted)) return { text: formatted, imports: [] };
  const name = ctx.pkgName('time');
  const text = name === 'time' ? formatted : formatted.replace(/\btime\./g, name ? `${name}.` : '');
  return { text, imports: ['time'] };
}

/** The fix's edits plus the import edit for `paths` (when something is missing). */
export function withImports(ctx: RuleContext, edits: TextEdit[], paths: string[]): TextEdit[] {
  const imp = paths.length ? ctx.importEdit(paths) : null;
  return imp ? [...edits, imp] : edits;
}

/**
 * Like withImports, and also drops the import of `drop` (a fix removing the file's last use of it).
 * When the added imports rewrite the group holding it, the line is taken out of that rewrite.
 */
export function withImportsDropping(ctx: RuleContext, edits: TextEdit[], paths: string[], drop: string): TextEdit[] {
  const spec = ctx.file.imports.specs.find((x) => x.path === drop && !x.explicit);
  const imp = paths.length ? ctx.importEdit(paths) : null;
  if (!spec) return imp ? [...edits, imp] : edits;
  const ls = lineStart(ctx.text, spec.node.startIndex);
  const le = lineEnd(ctx.text, spec.node.endIndex);
  const list = spec.node.parent;
  if (imp && imp.start <= ls && le <= imp.end) {
    const lines = imp.newText.split('\n').filter((l) => l.trim() !== `"${drop}"`);
    return [...edits, { ...imp, newText: lines.join('\n') }];
  }
  const out = imp ? [...edits, imp] : [...edits];
  if (list?.type === 'import_spec_list' && named(list).filter((x) => x.type === 'import_spec').length > 1) {
    out.push({ start: ls, end: Math.min(le + 1, ctx.text.length), newText: '' });
  } else {
    // The only spec of its declaration: remove the declaration (and the blank line after it).
    const decl = list?.type === 'import_spec_list' ? list.parent : list;
    if (!decl || decl.type !== 'import_declaration') return imp ? [...edits, imp] : edits;
    let end = lineEnd(ctx.text, decl.endIndex);
    if (ctx.text[end] === '\n') end++;
    if (ctx.text[end] === '\n') end++;
    out.push({ start: lineStart(ctx.text, decl.startIndex), end, newText: '' });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Composite literals.

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
 * One edit adding `key: value` as the last element of a keyed composite literal, laid out the way
 * gofmt prints it: inline for one-line literals; for multi-line ones a new last line, with the keys
 * of the alignment section it joins re-padded (gofmt aligns the values of consecutive one-line
 * `Key: value,` lines). Returns null for layouts we do not reproduce safely.
 */
export function addFieldEdit(text: string, lit: SyntaxNode, key: string, value: string): TextEdit | null {
  const body = lit.childForFieldName('body');
  if (!body || body.type !== 'literal_value') return null;
  const open = body.startIndex; // '{'
  const close = body.endIndex - 1; // '}'
  if (text[open] !== '{' || text[close] !== '}') return null;
  const elems = named(body);
  const items = elems.filter((e) => e.type !== 'comment');
  if (!text.slice(open + 1, close).includes('\n')) {
    if (elems.some((e) => e.type === 'comment')) return null;
    if (!items.length) return { start: open + 1, end: open + 1, newText: `${key}: ${value}` };
    const last = items[items.length - 1];
    return { start: last.endIndex, end: last.endIndex, newText: `, ${key}: ${value}` };
  }
  // Multi-line: '}' alone on its line, every element on lines of its own.
  if (text.slice(lineStart(text, close), close).trim() !== '') return null;
  if (!items.length) {
    if (elems.some((e) => e.type === 'comment' && e.startPosition.row !== body.startPosition.row)) return null;
    return { start: lineStart(text, close) - 1, end: lineStart(text, close) - 1, newText: `\n${indentAt(text, close)}\t${key}: ${value},` };
  }
  const last = items[items.length - 1];
  const lastEnd = lineEnd(text, last.endIndex);
  const indent = indentAt(text, last.startIndex);
  if (text.slice(lineStart(text, last.startIndex), last.startIndex) !== indent) return null;
  const tail = text.slice(last.endIndex, lastEnd).trim();
  // Something after the last element (a comment, or a comment line before '}'): our line goes after
  // a blank line, as a section of its own, which never disturbs the existing alignment.
  const separate = { start: lastEnd, end: lastEnd, newText: `\n\n${indent}${key}: ${value},` };
  if (tail !== ',' || elems[elems.length - 1].id !== last.id || body.endPosition.row !== last.endPosition.row + 1) return separate;
  // The alignment section the new last line joins: consecutive one-line `Key: value,` lines above it.
  const section: { key: string; value: string; start: number; end: number }[] = [];
  let nextRow = last.endPosition.row + 1;
  for (let i = elems.length - 1; i >= 0; i--) {
    const el = elems[i];
    if (el.endPosition.row !== nextRow - 1) break; // blank line above: the section starts below
    if (el.type === 'comment') {
      // gofmt: a comment on a line of its own ends an alignment section (like a blank line); a
      // trailing comment of the line above makes that line's layout ours to keep: stay apart.
      if (el.startPosition.row === body.startPosition.row || text.slice(lineStart(text, el.startIndex), el.startIndex).trim() === '') break;
      return separate;
    }
    if (el.type !== 'keyed_element' || el.text.includes('\n')) break; // multi-line element: new section
    const k = el.childForFieldName('key');
    const v = el.childForFieldName('value');
    const ls = lineStart(text, el.startIndex);
    if (
      !k ||
      !v ||
      k.text.length > 40 ||
      text.slice(ls, el.startIndex) !== indent ||
      text.slice(el.endIndex, lineEnd(text, el.endIndex)).trim() !== ','
    ) {
      return separate;
    }
    section.unshift({ key: k.text, value: v.text, start: ls, end: lineEnd(text, el.endIndex) });
    nextRow = el.startPosition.row;
  }
  const width = Math.max(key.length, ...section.map((x) => x.key.length));
  const line = (k: string, v: string) => `${indent}${k}:${' '.repeat(width - k.length + 1)}${v},`;
  if (!section.length) return { start: lastEnd, end: lastEnd, newText: `\n${line(key, value)}` };
  const lines = [...section.map((x) => line(x.key, x.value)), line(key, value)];
  return { start: section[0].start, end: section[section.length - 1].end, newText: lines.join('\n') };
}

// ---------------------------------------------------------------------------------------------
// Contexts and requests: do they carry a deadline?

/**
 * - `none`: certainly no deadline and no cancellation (context.Background/TODO, WithValue/WithoutCancel of those);
 * - `bounded`: a deadline (WithTimeout/WithDeadline) or the context of an incoming server request;
 * - `unknown`: anything else (parameters, fields, WithCancel, signal.NotifyContext, ...).
 */
export type CtxState = 'none' | 'bounded' | 'unknown';

const CTX_DEADLINE = new Set(['context.WithTimeout', 'context.WithDeadline', 'context.WithTimeoutCause', 'context.WithDeadlineCause']);
/** Derive a context from their first argument without adding a deadline or a cancel. */
const CTX_PASSTHROUGH = new Set(['context.WithValue', 'net/http/httptrace.WithClientTrace']);

export function ctxState(file: FileFacts, expr: SyntaxNode | null | undefined, depth = 0): CtxState {
  const e = unparen(expr);
  if (!e || depth > 6) return 'unknown';
  if (e.type === 'call_expression') {
    const fn = unparen(e.childForFieldName('function'));
    const q = file.qualified(fn);
    if (q === 'context.Background' || q === 'context.TODO') return 'none';
    if (q && CTX_DEADLINE.has(q)) return 'bounded';
    if (q === 'context.WithoutCancel') return 'none';
    if (q && CTX_PASSTHROUGH.has(q)) return ctxState(file, callArgs(e)[0], depth + 1);
    if (q === 'context.WithCancel' || q === 'context.WithCancelCause') {
      return ctxState(file, callArgs(e)[0], depth + 1) === 'bounded' ? 'bounded' : 'unknown';
    }
    if (fn?.type === 'selector_expression' && fn.childForFieldName('field')?.text === 'Context' && callArgs(e).length === 0) {
      if (isIncomingRequest(file, fn.childForFieldName('operand'))) return 'bounded';
    }
    return 'unknown';
  }
  if (e.type === 'identifier') {
    const b = file.binding(e);
    if (!b || b.isParam || !b.value || isReassigned(file, b)) return 'unknown';
    const v = unparen(b.value.expr);
    if (!v) return 'unknown';
    if (b.value.count > 1) return b.value.index === 0 && v.type === 'call_expression' ? ctxState(file, v, depth + 1) : 'unknown';
    return ctxState(file, v, depth + 1);
  }
  return 'unknown';
}

/** The `*http.Request` parameter of a function with the handler signature (an incoming request). */
export function isIncomingRequest(file: FileFacts, expr: SyntaxNode | null | undefined): boolean {
  const e = unparen(expr);
  if (!e || e.type !== 'identifier') return false;
  const b = file.binding(e);
  if (!b || !b.isParam || isReassigned(file, b)) return false;
  const fn = b.scope;
  return !!fn && handlerParams(file, fn)?.request?.id === b.decl.id;
}

/** Does the request built by `expr` carry a deadline? `none` for http.NewRequest and Background contexts. */
export function requestState(file: FileFacts, expr: SyntaxNode | null | undefined, depth = 0): CtxState {
  const e = unparen(expr);
  if (!e || depth > 6) return 'unknown';
  if (e.type === 'call_expression') {
    const fn = unparen(e.childForFieldName('function'));
    const q = file.qualified(fn);
    if (q === 'net/http.NewRequest') return 'none';
    if (q === 'net/http.NewRequestWithContext') return ctxState(file, callArgs(e)[0], depth + 1);
    if (fn?.type === 'selector_expression') {
      const m = fn.childForFieldName('field')?.text;
      if ((m === 'WithContext' || m === 'Clone') && callArgs(e).length === 1) return ctxState(file, callArgs(e)[0], depth + 1);
    }
    return 'unknown';
  }
  if (e.type === 'identifier') {
    const b = file.binding(e);
    if (!b || b.isParam || !b.value) return 'unknown';
    const v = unparen(b.value.expr);
    if (!v || (b.value.count > 1 && b.value.index !== 0)) return 'unknown';
    let state = requestState(file, v, depth + 1);
    // `req = req.WithContext(ctx)` and friends: every assignment must agree for a `none`.
    for (const a of assignmentsTo(file, b)) {
      if (!a) return 'unknown';
      const s = requestState(file, a, depth + 1);
      if (s !== 'none') state = s === 'bounded' && state !== 'unknown' ? 'bounded' : 'unknown';
    }
    return state;
  }
  return 'unknown';
}

/** Right-hand sides assigned to a local binding after its declaration (null for ones we cannot read). */
export function assignmentsTo(file: FileFacts, b: Binding): (SyntaxNode | null)[] {
  const scopes = file.scopesFor(b.decl);
  if (!scopes) return [];
  const out: (SyntaxNode | null)[] = [];
  for (const u of scopes.usesOf(b)) {
    const p = u.parent;
    if (p?.type === 'unary_expression' && p.child(0)?.text === '&') {
      out.push(null); // address taken: anything may happen
      continue;
    }
    if (p?.type !== 'expression_list') continue;
    const stmt = p.parent;
    if (!stmt || (stmt.type !== 'assignment_statement' && stmt.type !== 'short_var_declaration')) continue;
    if (stmt.childForFieldName('left')?.id !== p.id) continue;
    const left = exprList(p);
    const right = exprList(stmt.childForFieldName('right'));
    const i = left.findIndex((l) => l.id === u.id);
    if (stmt.type === 'assignment_statement' && stmt.childForFieldName('operator')?.text !== '=') out.push(null);
    else if (right.length === left.length) out.push(right[i]);
    else out.push(right.length === 1 && i === 0 ? right[0] : null);
  }
  return out;
}

export function isReassigned(file: FileFacts, b: Binding): boolean {
  return assignmentsTo(file, b).length > 0;
}

// ---------------------------------------------------------------------------------------------
// HTTP handlers.

/**
 * For a function with the handler signature `(w http.ResponseWriter, r *http.Request)` and no
 * results, its request parameter identifier (null when unnamed or `_`). Undefined for other functions.
 */
export function handlerParams(file: FileFacts, fn: SyntaxNode): { request: SyntaxNode | null } | undefined {
  if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration' && fn.type !== 'func_literal') return undefined;
  if (fn.childForFieldName('result')) return undefined;
  const params = named(fn.childForFieldName('parameters')).filter(
    (p) => p.type === 'parameter_declaration' || p.type === 'variadic_parameter_declaration',
  );
  const flat: { name: SyntaxNode | null; type: SyntaxNode | null }[] = [];
  for (const p of params) {
    const names = p.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
    const type = p.childForFieldName('type');
    if (!names.length) flat.push({ name: null, type });
    for (const n of names) flat.push({ name: n, type });
  }
  if (flat.length !== 2) return undefined;
  if (file.typeKind(flat[0].type) !== 'net/http.ResponseWriter') return undefined;
  if (file.typeKind(flat[1].type) !== '*net/http.Request') return undefined;
  const r = flat[1].name;
  return { request: r && r.text !== '_' ? r : null };
}

// ---------------------------------------------------------------------------------------------
// Where a composite literal goes, and how the package uses it.

export type Holder =
  | { kind: 'local'; binding: Binding }
  | { kind: 'global'; name: string }
  | { kind: 'field'; name: string; owner?: string | null }
  | { kind: 'inline'; node: SyntaxNode }
  | { kind: 'other' };

/** `&T{}` / `T{}` / `new(T)`: the node whose value flows on (the `&` expression for `&T{}`). */
export function valueNode(lit: SyntaxNode): SyntaxNode {
  let n = lit;
  while (
    n.parent &&
    (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'unary_expression' && n.parent.child(0)?.text === '&'))
  )
    n = n.parent;
  return n;
}

export function holderOf(file: FileFacts, lit: SyntaxNode): Holder {
  const v = valueNode(lit);
  const p = v.parent;
  if (!p) return { kind: 'other' };
  if (p.type === 'expression_list') {
    const stmt = p.parent;
    if (!stmt) return { kind: 'other' };
    const right = stmt.type === 'var_spec' ? stmt.childForFieldName('value') : stmt.childForFieldName('right');
    if (right?.id !== p.id) return { kind: 'other' };
    const i = exprList(p).findIndex((x) => x.id === v.id);
    if (stmt.type === 'var_spec') {
      const names = stmt.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
      const id = names[i];
      if (!id || names.length !== exprList(p).length) return { kind: 'other' };
      return bindingHolder(file, id);
    }
    if (stmt.type === 'short_var_declaration' || stmt.type === 'assignment_statement') {
      const left = exprList(stmt.childForFieldName('left'));
      if (left.length !== exprList(p).length) return { kind: 'other' };
      const l = unparen(left[i]);
      if (!l) return { kind: 'other' };
      if (l.type === 'identifier') return bindingHolder(file, l);
      if (l.type === 'selector_expression') {
        const f = l.childForFieldName('field')?.text;
        return f ? { kind: 'field', name: f, owner: ownerType(file.kindOf(l.childForFieldName('operand'))) } : { kind: 'other' };
      }
    }
    return { kind: 'other' };
  }
  if (p.type === 'literal_element') {
    const kv = p.parent;
    if (kv?.type === 'keyed_element' && kv.childForFieldName('value')?.id === p.id) {
      const k = kv.childForFieldName('key')?.namedChild(0);
      const outer = kv.parent?.parent; // literal_value -> composite_literal
      const owner = outer?.type === 'composite_literal' ? ownerType(file.typeKind(outer.childForFieldName('type'))) : null;
      if (k && (k.type === 'identifier' || k.type === 'field_identifier')) return { kind: 'field', name: k.text, owner };
    }
    return { kind: 'other' };
  }
  if (p.type === 'selector_expression' || p.type === 'argument_list') return { kind: 'inline', node: v };
  return { kind: 'other' };
}

/** `local.T` for the package's own struct types (pointer or not), else null. */
function ownerType(k: string | null | undefined): string | null {
  const base = k?.replace(/^\*/, '') ?? null;
  return base && base.startsWith('local.') ? base : null;
}

function bindingHolder(file: FileFacts, id: SyntaxNode): Holder {
  const b = file.binding(id);
  if (b) return { kind: 'local', binding: b };
  const g = file.pkg.globals.get(id.text);
  if (g && g.binding.decl.id === id.id) return { kind: 'global', name: id.text };
  return { kind: 'other' };
}

/**
 * Expressions in the package that denote the held value: identifier uses for locals and globals,
 * `x.name` selectors for fields.
 */
export function holderUses(file: FileFacts, h: Holder): SyntaxNode[] {
  if (h.kind === 'local') return file.scopesFor(h.binding.decl)?.usesOf(h.binding) ?? [];
  if (h.kind === 'inline') return [h.node];
  const out: SyntaxNode[] = [];
  if (h.kind === 'global') {
    for (const f of file.pkg.files) {
      if (!f.text.includes(h.name)) continue;
      for (const id of ofType(f.tree.rootNode, 'identifier')) {
        if (id.text !== h.name || f.binding(id)) continue;
        const g = f.pkg.globals.get(h.name);
        if (g && g.binding.decl.id === id.id) continue;
        out.push(id);
      }
    }
  } else if (h.kind === 'field') {
    // `x.name` anywhere in the package, unless x is known to be another of the package's types.
    for (const f of file.pkg.files) {
      if (!f.text.includes(h.name)) continue;
      for (const s of ofType(f.tree.rootNode, 'selector_expression')) {
        if (s.childForFieldName('field')?.text !== h.name) continue;
        const owner = h.owner ? ownerType(f.kindOf(s.childForFieldName('operand'))) : null;
        if (h.owner && owner && owner !== h.owner) continue;
        out.push(s);
      }
    }
  }
  return out;
}

/** For a use `x`: the method name and call when the use is the receiver of `x.M(...)`. */
export function methodCallOn(use: SyntaxNode): { name: string; call: SyntaxNode } | null {
  let n = use;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const sel = n.parent;
  if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== n.id) return null;
  const call = sel.parent;
  if (call?.type !== 'call_expression' || call.childForFieldName('function')?.id !== sel.id) return null;
  return { name: sel.childForFieldName('field')?.text ?? '', call };
}

/**
 * Does this use hand the value to code we do not follow: passed as an argument (other than to the
 * calls in `except`), returned, assigned or stored into something, sent on a channel, captured in a
 * composite literal?
 */
export function escapes(file: FileFacts, use: SyntaxNode, except: ReadonlySet<string> = new Set()): boolean {
  let n = use;
  while (
    n.parent &&
    (n.parent.type === 'parenthesized_expression' || (n.parent.type === 'unary_expression' && n.parent.child(0)?.text === '&'))
  )
    n = n.parent;
  const p = n.parent;
  if (!p) return false;
  if (p.type === 'argument_list') {
    const call = p.parent;
    const q = call?.type === 'call_expression' ? file.qualified(call.childForFieldName('function')) : null;
    return !(q && except.has(q));
  }
  if (p.type === 'return_statement' || p.type === 'send_statement' || p.type === 'literal_element') return true;
  if (p.type === 'expression_list') {
    const stmt = p.parent;
    if (stmt?.type === 'return_statement') return true;
    if (
      (stmt?.type === 'assignment_statement' || stmt?.type === 'short_var_declaration' || stmt?.type === 'var_spec') &&
      stmt.childForFieldName(stmt.type === 'var_spec' ? 'value' : 'right')?.id === p.id
    )
      return true;
  }
  return false;
}

/** `x.F = …` for a use `x`: the field assigned (`Timeout`), else null. */
export function fieldAssignedOn(use: SyntaxNode): string | null {
  let n = use;
  while (n.parent?.type === 'parenthesized_expression') n = n.parent;
  const sel = n.parent;
  if (sel?.type !== 'selector_expression' || sel.childForFieldName('operand')?.id !== n.id) return null;
  const list = sel.parent;
  if (list?.type !== 'expression_list') return null;
  const stmt = list.parent;
  if (stmt?.type !== 'assignment_statement' || stmt.childForFieldName('left')?.id !== list.id) return null;
  return sel.childForFieldName('field')?.text ?? null;
}

// ---------------------------------------------------------------------------------------------
// Names and statements.

/** Identifier texts used anywhere in the outermost function holding `n`. */
export function namesInFunction(n: SyntaxNode): Set<string> {
  let fn: SyntaxNode | null = null;
  for (let p: SyntaxNode | null = n; p; p = p.parent) {
    if (p.type === 'function_declaration' || p.type === 'method_declaration' || p.type === 'func_literal') fn = p;
  }
  const out = new Set<string>();
  for (const id of ofType(fn ?? n, 'identifier')) out.add(id.text);
  return out;
}

/** The first candidate name not used in the function (nor a package-level name). */
export function freshName(file: FileFacts, at: SyntaxNode, candidates: string[]): string | null {
  const used = namesInFunction(at);
  for (const c of candidates) {
    if (used.has(c) || file.pkg.globals.has(c) || file.pkg.funcs.has(c) || file.pkg.typeNames.has(c) || file.imports.pathOf(c)) continue;
    return c;
  }
  return null;
}

/** The statement holding `n` that sits directly in a statement list (with its indentation), or null. */
export function enclosingStatement(text: string, n: SyntaxNode): { stmt: SyntaxNode; indent: string } | null {
  for (let p: SyntaxNode | null = n; p; p = p.parent) {
    if (p.type === 'func_literal' && p.id !== n.id) return null;
    if (p.parent?.type === 'statement_list') {
      const indent = indentAt(text, p.startIndex);
      if (text.slice(lineStart(text, p.startIndex), p.startIndex) !== indent) return null;
      return { stmt: p, indent };
    }
  }
  return null;
}

/**
 * Can the arguments of `expr` be evaluated before `stmt` (the statement holding it) instead of inside
 * it? Not when `expr` sits in an `else if` (the chain's earlier initializers are in scope there and run
 * first) or after an initializer of a compound statement between them (it may declare what `expr` uses).
 */
export function hoistable(expr: SyntaxNode, stmt: SyntaxNode): boolean {
  for (let p = expr.parent, child: SyntaxNode = expr; p && child.id !== stmt.id; child = p, p = p.parent) {
    if (p.type === 'if_statement' && p.childForFieldName('alternative')?.id === child.id) return false;
    const init = p.childForFieldName('initializer');
    if (
      init &&
      init.id !== child.id &&
      ['if_statement', 'for_statement', 'expression_switch_statement', 'type_switch_statement'].includes(p.type)
    )
      return false;
    if (p.type === 'for_statement' || p.type === 'for_clause') return false; // evaluated on every iteration
  }
  return true;
}

/** Is `inner` inside `outer` without crossing a function literal? */
export function sameFunctionBody(outer: SyntaxNode, inner: SyntaxNode): boolean {
  for (let p: SyntaxNode | null = inner.parent; p; p = p.parent) {
    if (p.id === outer.id) return true;
    if (p.type === 'func_literal' || p.type === 'function_declaration' || p.type === 'method_declaration') return false;
  }
  return false;
}

/** The string value of an interpreted or raw string literal, else null. */
export function stringValue(n: SyntaxNode | null | undefined): string | null {
  const u = unparen(n);
  if (!u) return null;
  if (u.type === 'raw_string_literal') return u.text.slice(1, -1);
  if (u.type === 'interpreted_string_literal') {
    try {
      return JSON.parse(u.text) as string;
    } catch {
      return u.text.slice(1, -1);
    }
  }
  return null;
}
