// Shared facts of the "timeouts" rule group (dial-no-timeout, http-client-no-timeout,
// http-server-no-timeouts, handler-ignores-context, timeout-error-assertion): whether a context or
// request carries a deadline, handler signatures, where a client/server/dialer value goes. The
// leading underscore keeps scripts/gen-rules.mjs from treating this file as a rule.
import type { FileFacts } from '../facts/package';
import type { Binding } from '../facts/scope';
import type { SyntaxNode } from '../parser';
import { callArgs, exprList, isFunctionNode, ofType, paramsOf, unparen, valueNode } from '../facts/syntax';

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
  if (!isFunctionNode(fn)) return undefined;
  if (fn.childForFieldName('result')) return undefined;
  const flat = paramsOf(fn.childForFieldName('parameters'));
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

/** What `var id T` declares: a local binding, a package-level variable, or (a field, a blank) neither. */
export function holderOfVar(file: FileFacts, id: SyntaxNode): Holder {
  const b = file.binding(id);
  if (b) return { kind: 'local', binding: b };
  return file.pkg.globals.get(id.text)?.binding.decl.id === id.id ? { kind: 'global', name: id.text } : { kind: 'other' };
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
  const n = valueNode(use);
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
// Statements and literals.

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

/** A literal loopback address (`localhost:6060`, `127.0.0.1:8080`, `[::1]:80`): a SYN there is answered at once, and only local peers connect. */
export function isLoopbackAddr(addr: SyntaxNode | undefined): boolean {
  const s = stringValue(addr);
  return s !== null && /^(localhost|127\.\d+\.\d+\.\d+|\[::1\]):/.test(s);
}
