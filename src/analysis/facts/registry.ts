// Connections kept in registries — a map, a slice or a field of one of the package's structs, or a
// package variable — and whether anything in the package ever closes what is kept there. This is
// the shape behind most CLOSE_WAIT piles in servers: a connection goes into `s.clients[id]`, the
// handler `delete`s it when the peer leaves, and nobody closes it.
//
// Quiet whenever any close path exists: the function that stores the value (or, for a parameter,
// every caller) closes it or hands it on; something ranges over the registry, indexes it or copies
// it and closes or hands on what it finds; a field of the element type that holds the connection is
// closed (or handed on) anywhere in the package, e.g. by the element's own Close or pump
// goroutines. Exported holders and fields are left alone: code outside the package may close them.
import type { SyntaxNode } from '../parser';
import type { FileFacts, PackageFacts } from './package';
import type { Binding } from './scope';
import { isClosable, type Kind } from './kinds';
import { LifecycleAnalyzer } from './lifecycle';
import { outerFunction } from './scope';
import { callArgs, exprList, named, ofType, unparen } from './syntax';

export type Holder = { kind: 'field'; struct: string; field: string } | { kind: 'global'; name: string };

export interface RegistryStore {
  /** Where to report: the assignment statement, or the keyed element of a struct literal. */
  at: SyntaxNode;
  /** The stored expression (a connection, or a struct value that holds one). */
  value: SyntaxNode;
  /** The connection's identifier inside the value, for messages and the stored value's own flow. */
  conn: SyntaxNode | null;
  holder: Holder;
  shape: 'map' | 'slice' | 'field';
  /** The element's struct type and its connection fields, when the element wraps the connection. */
  element: { struct: string; fields: string[] } | null;
  /** The first `delete(registry, …)` in the package, if any (for the message). */
  deleted?: { file: FileFacts; node: SyntaxNode } | null;
}

const exported = (name: string) => /^[A-Z]/.test(name);

/** `local.T` / `*local.T` → T, else null. */
function localStruct(k: Kind | null | undefined): string | null {
  const base = k?.replace(/^\*/, '');
  return base?.startsWith('local.') ? base.slice(6) : null;
}

/** The struct fields of T whose type is a connection (or another closable value). */
function connFields(pkg: PackageFacts, struct: string): string[] {
  const fields = pkg.structs.get(struct);
  if (!fields) return [];
  return [...fields].filter(([, t]) => isClosable(t.file.typeKind(t.type))).map(([name]) => name);
}

/** What a stored expression is: a connection, or a struct of the package holding one. */
function elementOf(
  file: FileFacts,
  e: SyntaxNode | null | undefined,
): { conn: SyntaxNode | null; element: RegistryStore['element'] } | null {
  const u = unparen(e);
  if (!u) return null;
  const k = file.kindOf(u);
  if (isClosable(k)) return { conn: u.type === 'identifier' ? u : null, element: null };
  const st = localStruct(k);
  if (!st) return null;
  const fields = connFields(file.pkg, st);
  if (!fields.length) return null;
  return { conn: literalField(u, fields), element: { struct: st, fields } };
}

/** In `&T{conn: c}` (or a binding to one), the identifier stored in one of `fields`. */
function literalField(e: SyntaxNode, fields: string[]): SyntaxNode | null {
  let lit: SyntaxNode | null = unparen(e);
  if (lit?.type === 'unary_expression') lit = unparen(lit.childForFieldName('operand'));
  if (lit?.type !== 'composite_literal') return null;
  for (const el of named(lit.childForFieldName('body'))) {
    if (el.type !== 'keyed_element') continue;
    const key = el.childForFieldName('key')?.namedChild(0) ?? null;
    const val = unparen(el.childForFieldName('value')?.namedChild(0) ?? null);
    if (key && fields.includes(key.text) && val?.type === 'identifier') return val;
  }
  return null;
}

/** The registry an expression names: a field of a package struct, or a package variable. */
function holderOf(file: FileFacts, e: SyntaxNode | null | undefined): Holder | null {
  const u = unparen(e);
  if (!u) return null;
  if (u.type === 'selector_expression') {
    const field = u.childForFieldName('field')?.text ?? '';
    const st = localStruct(file.kindOf(u.childForFieldName('operand')));
    if (!st || !file.pkg.structs.get(st)?.has(field) || exported(field)) return null;
    return { kind: 'field', struct: st, field };
  }
  if (u.type === 'identifier' && !file.binding(u) && file.pkg.globals.has(u.text) && !exported(u.text))
    return { kind: 'global', name: u.text };
  return null;
}

const sameHolder = (a: Holder, b: Holder | null) =>
  !!b &&
  (a.kind === 'field' ? b.kind === 'field' && a.struct === b.struct && a.field === b.field : b.kind === 'global' && a.name === b.name);

/**
 * The package's registries by declared type: unexported struct fields and package variables whose
 * type is a connection, or a map/slice/array of connections (or of structs of the package that
 * hold one) as key or element. Assignments to anything else are not looked at.
 */
function candidateHolders(pkg: PackageFacts): { fields: Set<string>; globals: Set<string> } {
  const key = 'registry:candidates';
  const cached = pkg.memo.get(key) as { fields: Set<string>; globals: Set<string> } | undefined;
  if (cached) return cached;
  const res = { fields: new Set<string>(), globals: new Set<string>() };
  pkg.memo.set(key, res);
  const holdsConn = (file: FileFacts, t: SyntaxNode | null | undefined, depth = 0): boolean => {
    if (!t || depth > 2) return false;
    if (t.type === 'map_type')
      return holdsConn(file, t.childForFieldName('key'), depth + 1) || holdsConn(file, t.childForFieldName('value'), depth + 1);
    if (t.type === 'slice_type' || t.type === 'array_type') return holdsConn(file, t.childForFieldName('element'), depth + 1);
    const k = file.typeKind(t);
    if (isClosable(k)) return true;
    const st = localStruct(k);
    return depth > 0 && !!st && connFields(pkg, st).length > 0;
  };
  for (const [, fields] of pkg.structs) {
    for (const [name, f] of fields) if (!exported(name) && holdsConn(f.file, f.type)) res.fields.add(name);
  }
  for (const [name, g] of pkg.globals) {
    if (exported(name)) continue;
    let t: SyntaxNode | null | undefined = g.binding.typeNode;
    const v = unparen(g.binding.value?.expr);
    if (!t && v?.type === 'composite_literal') t = v.childForFieldName('type');
    if (!t && v?.type === 'call_expression' && unparen(v.childForFieldName('function'))?.text === 'make') t = callArgs(v)[0];
    if (holdsConn(g.file, t)) res.globals.add(name);
  }
  return res;
}

/** The name an assignment target would be kept under: `x.f[…]`, `x.f`, `g[…]`, `g` → f or g. */
function targetName(e: SyntaxNode | null | undefined): { name: string; global: boolean } | null {
  let u = unparen(e);
  if (u?.type === 'index_expression') u = unparen(u.childForFieldName('operand'));
  if (u?.type === 'selector_expression') return { name: u.childForFieldName('field')?.text ?? '', global: false };
  if (u?.type === 'identifier') return { name: u.text, global: true };
  return null;
}

/** Stores of connections into registries in this file. */
export function registryStores(file: FileFacts): RegistryStore[] {
  const out: RegistryStore[] = [];
  const cand = candidateHolders(file.pkg);
  if (!cand.fields.size && !cand.globals.size) return out;
  for (const as of ofType(file.tree.rootNode, 'assignment_statement')) {
    if (as.childForFieldName('operator')?.text !== '=') continue;
    const left = exprList(as.childForFieldName('left'));
    const right = exprList(as.childForFieldName('right'));
    if (left.length !== right.length) continue;
    left.forEach((l0, i) => {
      const tn = targetName(l0);
      if (!tn || !(tn.global ? cand.globals : cand.fields).has(tn.name)) return;
      const l = unparen(l0);
      const r = unparen(right[i]);
      if (!l || !r) return;
      if (l.type === 'index_expression') {
        // s.conns[id] = c, s.conns[c] = struct{}{}
        const holder = holderOf(file, l.childForFieldName('operand'));
        if (!holder) return;
        const index = l.childForFieldName('index');
        const byValue = elementOf(file, r);
        const el = byValue ?? elementOf(file, index);
        if (el) out.push({ at: as, value: byValue ? r : index!, ...el, holder, shape: 'map' });
        return;
      }
      const holder = holderOf(file, l);
      if (!holder) return;
      if (r.type === 'call_expression' && unparen(r.childForFieldName('function'))?.text === 'append') {
        // s.conns = append(s.conns, c)
        const args = callArgs(r);
        if (!sameHolder(holder, holderOf(file, args[0]))) return;
        for (const a of args.slice(1)) {
          const el = elementOf(file, a);
          if (el) out.push({ at: as, value: a, ...el, holder, shape: 'slice' });
        }
        return;
      }
      // s.conn = c (a registry of one)
      if (holder.kind !== 'field') return;
      const el = elementOf(file, r);
      if (el && !el.element) out.push({ at: as, value: r, ...el, holder, shape: 'field' });
    });
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Close paths

type Use = 'close' | 'handoff' | 'borrow';

/** Classifies every use of `b` (following local aliases) in its function, except inside `skip`. */
function bindingUse(file: FileFacts, b: Binding, skip: SyntaxNode | null): Use {
  const fn = outerFunction(b.decl);
  const scopes = file.scopesFor(b.decl);
  if (!fn || !scopes) return 'handoff';
  const an = new LifecycleAnalyzer(file);
  const t = { shape: 'closer' as const, bindings: new Set([b]), err: null };
  an.prepare(t, fn);
  const done = new Set<Binding>();
  let out: Use = 'borrow';
  for (let todo = [b]; todo.length;) {
    const cur = todo.pop()!;
    if (done.has(cur)) continue;
    done.add(cur);
    for (const u of scopes.usesOf(cur)) {
      if (skip && skip.startIndex <= u.startIndex && u.endIndex <= skip.endIndex) continue;
      const c = an.classifyUse(u);
      if (c === 'close') return 'close';
      if (c === 'handoff') out = 'handoff';
      if (c === 'alias') for (const x of t.bindings) if (!done.has(x)) todo.push(x);
    }
  }
  return out;
}

/** Classifies one expression (a field read, a registry element) where it stands. */
function exprUse(file: FileFacts, e: SyntaxNode): Use {
  const fn = outerFunction(e);
  if (!fn) return 'handoff';
  const an = new LifecycleAnalyzer(file);
  const t = { shape: 'closer' as const, bindings: new Set<Binding>(), err: null };
  an.prepare(t, fn);
  const c = an.classifyUse(e);
  if (c !== 'alias') return c;
  // `c := s.conns[id]`, `conns := s.conns`: what happens to the local.
  let out: Use = 'borrow';
  for (const b of t.bindings) {
    const u = bindingUse(file, b, null);
    if (u === 'close') return 'close';
    if (u === 'handoff') out = 'handoff';
  }
  return out;
}

/** Does the function that stores the value close it or hand it on (for a parameter: every caller)? */
function storedValueEscapes(file: FileFacts, s: RegistryStore, depth = 0): boolean {
  const id = s.conn ?? (unparen(s.value)?.type === 'identifier' ? unparen(s.value) : null);
  const b = id ? file.binding(id) : null;
  if (!b) return !id; // a value we cannot follow (a call, a field): assume it is owned elsewhere
  const stmt = s.at;
  if (bindingUse(file, b, stmt) !== 'borrow') return true;
  // A struct bound to a local (`cl := &client{conn: c}`): the connection inside may be closed here.
  if (s.element && !s.conn && b.value) {
    const inner = literalField(b.value.expr, s.element.fields);
    const ib = inner ? file.binding(inner) : null;
    if (ib && bindingUse(file, ib, stmt) !== 'borrow') return true;
  }
  if (!b.isParam) return false;
  return callersHandOff(file, b, depth);
}

/** For a parameter: does every caller in the package close the argument or hand it on? None found: unknown owner. */
function callersHandOff(file: FileFacts, b: Binding, depth: number): boolean {
  const fn = b.scope;
  if (depth > 2) return true;
  const idx = paramIndex(fn, b);
  if (idx < 0) return true; // the receiver
  let sites: { file: FileFacts; call: SyntaxNode }[];
  if (fn.type === 'func_literal') {
    const p = fn.parent;
    if (p?.type !== 'call_expression' || p.childForFieldName('function')?.id !== fn.id) return true;
    sites = [{ file, call: p }];
  } else {
    const name = fn.childForFieldName('name')?.text ?? '';
    sites = callSites(file.pkg, name, fn.type === 'method_declaration');
  }
  if (!sites.length) return true;
  for (const site of sites) {
    const arg = unparen(callArgs(site.call)[idx]);
    const ab = arg?.type === 'identifier' ? site.file.binding(arg) : null;
    if (!ab) return true;
    if (bindingUse(site.file, ab, site.call) !== 'borrow') return true;
    if (ab.isParam && callersHandOff(site.file, ab, depth + 1)) return true;
  }
  return false;
}

function paramIndex(fn: SyntaxNode, b: Binding): number {
  let i = 0;
  for (const p of named(fn.childForFieldName('parameters'))) {
    if (p.type !== 'parameter_declaration' && p.type !== 'variadic_parameter_declaration') continue;
    const names = p.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
    if (!names.length) i++;
    for (const n of names) {
      if (n.id === b.decl.id) return i;
      i++;
    }
  }
  return -1;
}

interface Indexed {
  file: FileFacts;
  node: SyntaxNode;
}

/**
 * Nodes of the package found by name, memoized per package: files whose text cannot contain the
 * name are not walked (a package of a hundred files has a handful that mention a given field).
 */
function byName(pkg: PackageFacts, what: 'selector' | 'call' | 'ident', name: string, needle: string): Indexed[] {
  const key = `registry:${what}:${name}`;
  const cached = pkg.memo.get(key) as Indexed[] | undefined;
  if (cached) return cached;
  const out: Indexed[] = [];
  for (const file of pkg.files) {
    if (!file.text.includes(needle)) continue;
    if (what === 'selector') {
      for (const n of ofType(file.tree.rootNode, 'selector_expression'))
        if (n.childForFieldName('field')?.text === name) out.push({ file, node: n });
    } else if (what === 'ident') {
      for (const n of ofType(file.tree.rootNode, 'identifier')) if (n.text === name) out.push({ file, node: n });
    } else {
      for (const n of ofType(file.tree.rootNode, 'call_expression')) {
        const f = unparen(n.childForFieldName('function'));
        const fname =
          f?.type === 'identifier' ? `f:${f.text}` : f?.type === 'selector_expression' ? `m:${f.childForFieldName('field')?.text}` : '';
        if (fname === name) out.push({ file, node: n });
      }
    }
  }
  pkg.memo.set(key, out);
  return out;
}

function callSites(pkg: PackageFacts, name: string, method: boolean): { file: FileFacts; call: SyntaxNode }[] {
  return byName(pkg, 'call', `${method ? 'm' : 'f'}:${name}`, name).map((x) => ({ file: x.file, call: x.node }));
}

/** Reads of a holder in the package: `x.field` with x of the struct's type (or unknown), or the variable. */
function holderReads(pkg: PackageFacts, h: Holder): Indexed[] {
  if (h.kind === 'global') {
    const decl = pkg.globals.get(h.name)?.binding.decl;
    return byName(pkg, 'ident', h.name, h.name).filter((x) => x.node.id !== decl?.id && !x.file.binding(x.node));
  }
  return byName(pkg, 'selector', h.field, `.${h.field}`).filter((x) => {
    const st = localStruct(x.file.kindOf(x.node.childForFieldName('operand')));
    return st === null ? !x.file.kindOf(x.node.childForFieldName('operand')) : st === h.struct;
  });
}

/** Is this read a write target of the holder (`h[k] = v`, `h = append(h, v)`, `h = nil`, `h = h[:0]`)? */
function isStoreSide(file: FileFacts, read: SyntaxNode, h: Holder): boolean {
  let n = read;
  for (let p = n.parent; p; n = p, p = p.parent) {
    if (p.type === 'index_expression' && p.childForFieldName('operand')?.id === n.id) continue;
    if (p.type === 'slice_expression' && p.childForFieldName('operand')?.id === n.id) continue;
    if (p.type === 'parenthesized_expression' || p.type === 'argument_list') continue;
    if (p.type === 'call_expression' && unparen(p.childForFieldName('function'))?.text === 'append') continue;
    if (p.type === 'expression_list') {
      const as = p.parent;
      if (as?.type !== 'assignment_statement') return false;
      if (as.childForFieldName('left')?.id === p.id) return true;
      // The right side of an assignment back into the holder.
      return exprList(as.childForFieldName('left')).some((l) => sameHolder(h, holderOf(file, l)));
    }
    return false;
  }
  return false;
}

/** Any path in the package that closes (or hands on) what the registry holds. */
function registryEscapes(pkg: PackageFacts, s: RegistryStore): { escapes: boolean; deleted: Indexed | null } {
  const h = s.holder;
  const key = `registry:escapes:${h.kind === 'field' ? `${h.struct}.${h.field}` : h.name}`;
  const cached = pkg.memo.get(key) as { escapes: boolean; deleted: Indexed | null } | undefined;
  if (cached) return cached;
  const res = { escapes: false, deleted: null as Indexed | null };
  pkg.memo.set(key, res);
  for (const r of holderReads(pkg, h)) {
    const { file, node } = r;
    if (isStoreSide(file, node, h)) continue;
    const p = node.parent;
    // len(h), cap(h), delete(h, k), h == nil
    if (p?.type === 'argument_list') {
      const fname = unparen(p.parent?.childForFieldName('function'))?.text;
      if ((fname === 'len' || fname === 'cap') && !file.binding(unparen(p.parent!.childForFieldName('function'))!)) continue;
      if (fname === 'delete' && named(p)[0]?.id === node.id) {
        res.deleted ??= r;
        const k = unparen(named(p)[1]);
        const kb = k?.type === 'identifier' ? file.binding(k) : null;
        // delete(h, c); c.Close(): the key is the connection and it is closed here.
        if (kb && isClosable(file.kindOf(k)) && bindingUse(file, kb, p.parent) !== 'borrow') return done(pkg, key, true, res.deleted);
        continue;
      }
    }
    if (p?.type === 'binary_expression') continue;
    if (p?.type === 'range_clause' && p.childForFieldName('right')?.id === node.id) {
      // for k, v := range h: what happens to the elements.
      for (const v of exprList(p.childForFieldName('left'))) {
        const vb = v.type === 'identifier' ? file.binding(v) : null;
        if (vb && bindingUse(file, vb, null) !== 'borrow') return done(pkg, key, true, res.deleted);
      }
      continue;
    }
    if (p?.type === 'index_expression' && p.childForFieldName('operand')?.id === node.id) {
      // h[k]: the element where it stands (closed, kept, passed on, or only used).
      if (exprUse(file, p) !== 'borrow') return done(pkg, key, true, res.deleted);
      continue;
    }
    // Anything else (passed to a function, returned, copied to a local and ranged over): follow it
    // when it is a local, else assume someone closes what it holds.
    if (exprUse(file, node) !== 'borrow') return done(pkg, key, true, res.deleted);
  }
  return res;
}

function done(pkg: PackageFacts, key: string, escapes: boolean, deleted: Indexed | null) {
  const res = { escapes, deleted };
  pkg.memo.set(key, res);
  return res;
}

/** Is a connection field of T closed or handed on anywhere in the package? */
function fieldEscapes(pkg: PackageFacts, struct: string, field: string): boolean {
  if (exported(field)) return true;
  const key = `registry:field:${struct}.${field}`;
  const cached = pkg.memo.get(key) as boolean | undefined;
  if (cached !== undefined) return cached;
  pkg.memo.set(key, true); // recursion guard: unknown = assume closed
  let v = false;
  for (const r of holderReads(pkg, { kind: 'field', struct, field })) {
    if (exprUse(r.file, r.node) !== 'borrow') {
      v = true;
      break;
    }
  }
  pkg.memo.set(key, v);
  return v;
}

/**
 * The store keeps a connection nothing in the package ever closes: null when some close path
 * exists, else the store with the first `delete` of the registry (for the message).
 */
export function unclosedStore(file: FileFacts, s: RegistryStore): RegistryStore | null {
  const pkg = file.pkg;
  if (storedValueEscapes(file, s)) return null;
  if (s.element && s.element.fields.some((f) => fieldEscapes(pkg, s.element!.struct, f))) return null;
  if (s.shape === 'field') {
    const h = s.holder as Extract<Holder, { kind: 'field' }>;
    return fieldEscapes(pkg, h.struct, h.field) ? null : s;
  }
  const r = registryEscapes(pkg, s);
  if (r.escapes) return null;
  return { ...s, deleted: r.deleted };
}
