// Shared pieces of the graceful-shutdown rules (server-close-not-shutdown, shutdown-without-timeout,
// serve-error-unchecked): which calls are http.Server lifecycle calls, and whether a server is
// stopped somewhere in the package.
import type { RuleContext } from '../context';
import { resolveCallee, type FileFacts } from '../facts/package';
import type { SyntaxNode } from '../parser';
import { isServer } from '../facts/kinds';
import { outerFunction } from '../facts/scope';
import { callArgs, isFunctionNode, methodCall, named, ofType, pathText, unparen } from '../facts/syntax';

export const SERVE_METHODS = new Set(['ListenAndServe', 'ListenAndServeTLS', 'Serve', 'ServeTLS']);

/** `recv.Name(...)` with Name one of `names`, where recv is an `http.Server` / `*http.Server`. */
export function serverCall(ctx: RuleContext, call: SyntaxNode, names: ReadonlySet<string>): { recv: SyntaxNode; name: string } | null {
  const mc = methodCall(call);
  if (!mc || !names.has(mc.name)) return null;
  if (!isServer(ctx.file.kindOf(mc.recv) ?? rangeElementKind(ctx, mc.recv))) return null;
  return mc;
}

/** `for _, s := range servers` with `servers []*http.Server` (or a map of them): the kind of s. */
export function rangeElementKind(ctx: RuleContext, n: SyntaxNode): string | null {
  const id = unparen(n);
  if (!id || id.type !== 'identifier') return null;
  const b = ctx.file.binding(id);
  if (!b || b.value || b.typeNode || b.caseType) return null;
  const list = b.decl.parent;
  const clause = list?.parent;
  if (list?.type !== 'expression_list' || clause?.type !== 'range_clause') return null;
  const idx = named(list).findIndex((x) => x.id === b.decl.id);
  const t = containerType(ctx, clause.childForFieldName('right'));
  if (!t) return null;
  let elem: SyntaxNode | null = null;
  if ((t.type === 'slice_type' || t.type === 'array_type') && idx === 1) elem = t.childForFieldName('element');
  if (t.type === 'map_type') elem = t.childForFieldName(idx === 0 ? 'key' : 'value');
  return elem ? ctx.file.typeKind(elem) : null;
}

/** The declared type node of a variable, parameter or struct field holding a container. */
function containerType(ctx: RuleContext, e: SyntaxNode | null): SyntaxNode | null {
  const u = unparen(e);
  if (!u) return null;
  if (u.type === 'identifier') {
    const b = ctx.file.binding(u) ?? ctx.pkg.globals.get(u.text)?.binding ?? null;
    return b?.typeNode ?? null;
  }
  if (u.type === 'selector_expression') {
    const field = u.childForFieldName('field')?.text;
    let found: SyntaxNode | null = null;
    for (const fields of ctx.pkg.structs.values()) {
      const f = field ? fields.get(field) : undefined;
      if (!f) continue;
      if (found && found.text !== f.type.text) return null;
      found = f.type;
    }
    return found;
  }
  return null;
}

/** A receiver spelled the same way (`srv`, `s.srv`, `a.servers.api`); null when it is not a plain path. */
export function recvKey(recv: SyntaxNode): string | null {
  return pathText(recv);
}

/** Is the statement inside a loop of its own function (a `defer cancel()` there would pile up)? */
export function inLoop(stmt: SyntaxNode): boolean {
  for (let p = stmt.parent; p; p = p.parent) {
    if (isFunctionNode(p)) return false;
    if (p.type === 'for_statement') return true;
  }
  return false;
}

interface StopSite {
  file: FileFacts;
  call: SyntaxNode;
  key: string;
  outer: SyntaxNode | null;
}

/** Every `x.Shutdown(…)` / `x.Close()` on an http.Server in the package's non-test files (memoized). */
export function stopSites(ctx: RuleContext): StopSite[] {
  const memoKey = 'shutdown:stopSites';
  const memo = ctx.pkg.memo.get(memoKey);
  if (memo) return memo as StopSite[];
  const sites: StopSite[] = [];
  for (const f of ctx.pkg.files) {
    if (f.isTest) continue;
    if (f.text.indexOf('Shutdown(') === -1 && f.text.indexOf('Close()') === -1) continue;
    for (const call of ofType(f.tree.rootNode, 'call_expression')) {
      const mc = methodCall(call);
      if (!mc || (mc.name !== 'Shutdown' && mc.name !== 'Close')) continue;
      const key = recvKey(mc.recv);
      if (key && isServer(f.kindOf(mc.recv))) sites.push({ file: f, call, key, outer: outerFunction(call) });
    }
  }
  ctx.pkg.memo.set(memoKey, sites);
  return sites;
}

/**
 * Is the server behind `recv` (the receiver of a Serve call) shut down or closed somewhere we can
 * see? The same variable in the same function (closures included), the same struct field or
 * package variable anywhere in the package, or one call away (passed to / received from a
 * same-package function that stops it).
 */
export function serverIsStopped(ctx: RuleContext, recv: SyntaxNode): boolean {
  const sites = stopSites(ctx);
  if (!sites.length) return false;
  const key = recvKey(recv);
  if (!key) return false;
  const outer = outerFunction(recv);
  const sameFn = (s: StopSite, fn: SyntaxNode | null, k: string) => s.key === k && !!fn && s.file === ctx.file && s.outer?.id === fn.id;
  if (sites.some((s) => sameFn(s, outer, key))) return true;
  const dot = key.lastIndexOf('.');
  if (dot !== -1) {
    // A struct field: stopped through the same field name elsewhere (s.srv.Serve / a.srv.Shutdown).
    const field = key.slice(dot + 1);
    return sites.some((s) => s.key.includes('.') && s.key.slice(s.key.lastIndexOf('.') + 1) === field);
  }
  const id = unparen(recv);
  if (!id || id.type !== 'identifier') return false;
  const b = ctx.file.binding(id);
  if (!b) return ctx.pkg.globals.has(key) && sites.some((s) => s.key === key);
  const scopes = ctx.file.scopesFor(id);
  // Handed to a same-package function that stops its parameter: `go stop(srv)`.
  for (const use of scopes?.usesOf(b) ?? []) {
    const args = use.parent;
    if (args?.type !== 'argument_list' || !args.parent) continue;
    const callee = resolveCallee(ctx.file, args.parent);
    const idx = callArgs(args.parent).findIndex((a) => a.id === use.id);
    const param = callee?.params[idx]?.name;
    if (callee && param && sites.some((s) => s.key === param && s.outer?.id === callee.node.id)) return true;
  }
  // A parameter: stopped by a caller that passed it in.
  if (b.isParam && outer && (outer.type === 'function_declaration' || outer.type === 'method_declaration')) {
    const name = outer.childForFieldName('name')?.text;
    const fi = [...ctx.pkg.funcs.values()].find((f) => f.node.id === outer.id && f.file === ctx.file);
    const idx = fi ? fi.params.findIndex((p) => p.name === key) : -1;
    if (!name || !fi || idx === -1) return false;
    for (const f of ctx.pkg.files) {
      if (f.isTest || f.text.indexOf(name) === -1) continue;
      for (const call of ofType(f.tree.rootNode, 'call_expression')) {
        if (resolveCallee(f, call)?.node.id !== outer.id) continue;
        const arg = callArgs(call)[idx];
        const argKey = arg ? recvKey(arg) : null;
        const callerFn = outerFunction(call);
        if (argKey && sites.some((s) => s.key === argKey && s.file === f && !!callerFn && s.outer?.id === callerFn.id)) return true;
      }
    }
  }
  return false;
}
