// Facts about one Go file and the package (directory) it belongs to: declared types, globals,
// function signatures, and the Kind ("what is this value?") of any expression.
import type { SyntaxNode, SyntaxTree } from '../parser';
import { Imports } from './imports';
import { CONSTRUCTORS, constructorResults, fieldKind, methodResults, packageVarKind, type Kind } from './kinds';
import { isStdPath } from './modules';
import { boundValue, FunctionScopes, outerFunction, type Binding } from './scope';
import { foreignFieldKind, foreignResults } from './summaries';
import { exprList, unparen, named, ofType, paramsOf, resultTypes } from './syntax';

export interface FuncInfo {
  name: string;
  /** `Recv.Name` for methods. */
  key: string;
  node: SyntaxNode;
  file: FileFacts;
  params: { name: string; typeNode: SyntaxNode | null }[];
  results: (SyntaxNode | null)[];
  /** The last parameter is `...T`. */
  variadic: boolean;
  /** A method of an interface type declared in the package (no body). */
  iface?: boolean;
}

export class FileFacts {
  readonly imports: Imports;
  pkg!: PackageFacts;
  readonly packageName: string;
  private readonly scopes = new Map<number, FunctionScopes>();
  /** Identifiers of the functions resolved so far: saves climbing to the outer function per lookup. */
  private readonly resolved = new Map<number, Binding | null>();

  constructor(
    readonly path: string,
    readonly text: string,
    readonly tree: SyntaxTree,
  ) {
    this.imports = new Imports(tree);
    const pc = named(tree.rootNode).find((c) => c.type === 'package_clause');
    this.packageName = pc?.namedChild(0)?.text ?? '';
  }

  /**
   * Test code: a `_test.go` file, or a file that imports "testing" (test helpers, fake servers and
   * upstreams). It runs only under `go test`, where timeouts are provoked on purpose and the run is
   * bounded by -timeout: the rules about timeouts, deadlines and shutdown stay quiet there.
   */
  get isTest(): boolean {
    return this.path.endsWith('_test.go') || this.imports.has('testing');
  }

  /** Scopes of the outermost function holding `n` (func literals share their parent's table). */
  scopesFor(n: SyntaxNode): FunctionScopes | null {
    const fn = outerFunction(n);
    if (!fn) return null;
    let s = this.scopes.get(fn.id);
    if (!s) this.scopes.set(fn.id, (s = new FunctionScopes(fn, this.resolved)));
    return s;
  }

  binding(id: SyntaxNode): Binding | null {
    if (id.type !== 'identifier') return null;
    const hit = this.resolved.get(id.id);
    if (hit !== undefined) return hit;
    return this.scopesFor(id)?.resolve(id) ?? null;
  }

  /** `pkg/path.Name` of a package-level reference, via imports (aliases and dot imports). */
  qualified(n: SyntaxNode | null | undefined): string | null {
    let u = unparen(n);
    // `f := http.Get; f(u)`: a local bound once to a package function, called.
    if (u && u.type === 'identifier' && u.parent?.type === 'call_expression' && u.parent.childForFieldName('function')?.id === u.id) {
      const v = this.funcValue(u);
      if (v) u = v;
    }
    if (u && u.type === 'selector_expression') {
      const op = u.childForFieldName('operand');
      // `net.Dial` where `net` is a local variable is not the package.
      if (op?.type === 'identifier' && this.binding(op)) return null;
    }
    if (u && u.type === 'identifier' && this.binding(u)) return null;
    return this.imports.qualified(u, DOT_NAMES);
  }

  /**
   * The expression a local function value stands for when it is bound once and never reassigned:
   * `f := http.Get` (a package function) or `m := cli.Get` (a method value).
   */
  funcValue(id: SyntaxNode): SyntaxNode | null {
    const b = this.binding(id);
    if (!b || b.isParam || !b.value || b.value.count !== 1) return null;
    const v = unparen(b.value.expr);
    if (!v || (v.type !== 'selector_expression' && v.type !== 'identifier')) return null;
    let ok = this.funcValues.get(b);
    if (ok === undefined) {
      ok = !(this.scopesFor(id)?.usesOf(b) ?? []).some((u) => {
        const list = u.parent;
        const st = list?.parent;
        return (
          list?.type === 'expression_list' && !!st && st.type === 'assignment_statement' && st.childForFieldName('left')?.id === list.id
        );
      });
      this.funcValues.set(b, ok);
    }
    if (!ok) return null;
    if (v.type === 'identifier' && this.binding(v)) return null;
    return v;
  }

  private readonly funcValues = new Map<Binding, boolean>();

  /** The function expression a call invokes, looking through local function values. */
  calleeExpr(call: SyntaxNode): SyntaxNode | null {
    const fn = unparen(call.childForFieldName('function'));
    if (fn?.type === 'identifier' && this.binding(fn)) return this.funcValue(fn);
    return fn;
  }

  /** `q` (from `qualified`) names a member of the standard library. */
  isStdQualified(q: string): boolean {
    return isStdPath(q.slice(0, q.lastIndexOf('.')));
  }

  /** A Kind from the standard library (not this package's `local.T`, not another module's type). */
  isStdKind(k: Kind): boolean {
    const base = k.replace(/^\*/, '');
    if (base.startsWith('local.')) return false;
    const i = base.lastIndexOf('.');
    return i > 0 && isStdPath(base.slice(0, i));
  }

  /** Canonical callee of a call: `net.Dial` for package functions, `Kind.Method` for known receivers. */
  callee(call: SyntaxNode): { qualified?: string; method?: string; recvKind?: Kind | null; recv?: SyntaxNode } | null {
    if (call.type !== 'call_expression') return null;
    const fn = this.calleeExpr(call) ?? unparen(call.childForFieldName('function'));
    if (!fn) return null;
    const q = this.qualified(fn);
    if (q) return { qualified: q };
    if (fn.type === 'selector_expression') {
      const recv = fn.childForFieldName('operand')!;
      return { method: fn.childForFieldName('field')?.text, recvKind: this.kindOf(recv), recv };
    }
    return {};
  }

  /** Resolves a type expression to a Kind: `net.Conn`, `*tls.Conn`, `*Server` (local: `local.Server`). */
  typeKind(t: SyntaxNode | null | undefined): Kind | null {
    // Pointers, parentheses and type arguments wrap the named type: unwrap them in a loop.
    let stars = '';
    for (;;) {
      if (!t) return null;
      if (t.type === 'pointer_type') stars += '*';
      else if (t.type !== 'parenthesized_type' && t.type !== 'generic_type') break;
      t = t.type === 'generic_type' ? t.childForFieldName('type') : t.namedChild(0);
    }
    let k: Kind | null = null;
    if (t.type === 'qualified_type') k = this.imports.qualified(t, DOT_NAMES);
    else if (t.type === 'type_identifier') {
      if (this.pkg?.structs.has(t.text) || this.pkg?.typeNames.has(t.text)) k = `local.${t.text}`;
      else k = this.imports.qualified(t, DOT_NAMES);
    }
    return k ? `${stars}${k}` : null;
  }

  /** What an expression is, for the Kinds we model; null when unknown. */
  kindOf(e: SyntaxNode | null | undefined, depth = 0): Kind | null {
    const n = unparen(e);
    if (!n || depth > 8) return null;
    switch (n.type) {
      case 'identifier': {
        const b = this.binding(n);
        if (b) return this.bindingKind(b, depth + 1);
        const g = this.pkg?.globals.get(n.text);
        if (g) return this.pkg.globalKind(n.text, depth + 1);
        const q = this.imports.qualified(n, DOT_NAMES);
        if (q && CONSTRUCTORS[q] && !q.startsWith('net/http.New')) return null;
        return null;
      }
      case 'selector_expression': {
        const q = this.qualified(n);
        const pv = q ? packageVarKind(q) : null;
        if (pv) return pv;
        const op = n.childForFieldName('operand');
        const field = n.childForFieldName('field')?.text ?? '';
        const ok = this.kindOf(op, depth + 1);
        const std = fieldKind(ok, field);
        if (std) return std;
        const base = ok?.replace(/^\*/, '');
        if (base?.startsWith('local.')) {
          const st = this.pkg?.structs.get(base.slice(6));
          const ft = st?.get(field);
          if (ft) return ft.file.typeKind(ft.type);
        } else if (base && !this.isStdKind(base)) {
          // A field of another module's struct (`connInfo.ProxyProtocolHeader`).
          const i = base.lastIndexOf('.');
          const k = i > 0 ? foreignFieldKind(this, base.slice(0, i), base.slice(i + 1), field) : null;
          if (k) return k;
        }
        return this.pkg?.uniqueFieldKind(field) ?? null;
      }
      case 'call_expression':
        return this.callResults(n, depth + 1)?.[0] ?? null;
      case 'type_assertion_expression':
        return this.typeKind(n.childForFieldName('type'));
      case 'unary_expression': {
        const op = n.childForFieldName('operator')?.text ?? n.child(0)?.text;
        const inner = this.kindOf(n.childForFieldName('operand'), depth + 1);
        if (op === '&' && inner) return `*${inner}`;
        if (op === '*' && inner?.startsWith('*')) return inner.slice(1);
        return null;
      }
      case 'composite_literal':
        return this.typeKind(n.childForFieldName('type'));
      default:
        return null;
    }
  }

  /** Result kinds of a call, by position. */
  callResults(call: SyntaxNode, depth = 0): (Kind | null)[] | null {
    const fn = this.calleeExpr(call);
    if (!fn) return null;
    const q = this.qualified(fn);
    if (q) {
      const known = constructorResults(q);
      if (known) return known;
      // A function of another module: its declared results, when its source is on disk.
      const i = q.lastIndexOf('.');
      return this.isStdQualified(q) ? null : foreignResults(this, q.slice(0, i), q.slice(i + 1));
    }
    if (fn.type === 'identifier' && !this.binding(fn)) {
      const f = this.pkg?.funcs.get(fn.text);
      if (f) return f.results.map((r) => f.file.typeKind(r) ?? this.typeArgKind(f, call, r));
      return null;
    }
    if (fn.type === 'selector_expression') {
      const recvKind = this.kindOf(fn.childForFieldName('operand'), depth + 1);
      const name = fn.childForFieldName('field')?.text ?? '';
      const std = methodResults(recvKind, name);
      if (std) return std;
      const base = recvKind?.replace(/^\*/, '');
      if (base?.startsWith('local.')) {
        const m = this.pkg?.method(base.slice(6), name);
        if (m) return m.results.map((r) => m.file.typeKind(r));
      } else if (base && !this.isStdKind(base)) {
        const i = base.lastIndexOf('.');
        if (i > 0) return foreignResults(this, base.slice(0, i), `${base.slice(i + 1)}.${name}`);
      }
    }
    return null;
  }

  /** `mk[http.Client]()` with `func mk[T any]() *T`: the result kind with the type argument put in. */
  private typeArgKind(f: FuncInfo, call: SyntaxNode, r: SyntaxNode | null): Kind | null {
    const args = named(call.childForFieldName('type_arguments'));
    if (!r || !args.length) return null;
    const ptr = r.type === 'pointer_type';
    const base = ptr ? r.namedChild(0) : r;
    if (base?.type !== 'type_identifier') return null;
    const names = named(f.node.childForFieldName('type_parameters'))
      .filter((d) => d.type === 'type_parameter_declaration')
      .flatMap((d) => d.childrenForFieldName('name').map((n) => n?.text));
    const i = names.indexOf(base.text);
    const arg = args[i];
    const k = arg ? this.typeKind(arg.type === 'type_elem' ? arg.namedChild(0) : arg) : null;
    return k ? (ptr ? `*${k}` : k) : null;
  }

  bindingKind(b: Binding, depth = 0): Kind | null {
    if (b.caseType) return this.typeKind(b.caseType);
    if (b.typeNode) return this.typeKind(b.typeNode);
    if (b.value) {
      const v = unparen(b.value.expr);
      if (!v) return null;
      if (b.value.count > 1) {
        if (v.type === 'call_expression') return this.callResults(v, depth)?.[b.value.index] ?? null;
        if (v.type === 'type_assertion_expression' && b.value.index === 0) return this.typeKind(v.childForFieldName('type'));
        return null;
      }
      return this.kindOf(v, depth);
    }
    return null;
  }
}

/** The same-package function or method a call reaches, when it is exactly one with a body. */
export function resolveCallee(file: FileFacts, call: SyntaxNode): FuncInfo | null {
  const fn = unparen(call.childForFieldName('function'));
  if (!fn) return null;
  if (fn.type === 'identifier') {
    if (file.binding(fn)) return null;
    const f = file.pkg.funcs.get(fn.text);
    return f && !f.iface ? f : null;
  }
  if (fn.type === 'selector_expression' && !file.qualified(fn)) {
    const k = file.kindOf(fn.childForFieldName('operand'))?.replace(/^\*/, '');
    if (!k?.startsWith('local.')) return null;
    const m = file.pkg.funcs.get(`${k.slice(6)}.${fn.childForFieldName('field')?.text ?? ''}`);
    return m && !m.iface ? m : null;
  }
  return null;
}

function funcParams(fn: SyntaxNode): FuncInfo['params'] {
  return paramsOf(fn.childForFieldName('parameters')).map((p) => ({ name: p.name?.text ?? '_', typeNode: p.type }));
}

/** The last parameter is `...T`. */
function isVariadic(fn: SyntaxNode): boolean {
  return named(fn.childForFieldName('parameters')).some((p) => p.type === 'variadic_parameter_declaration');
}

/** Names a dot import of these packages would bring in (the ones rules look for). */
const DOT_NAMES = new Map<string, string>();
for (const q of Object.keys(CONSTRUCTORS)) {
  const i = q.lastIndexOf('.');
  DOT_NAMES.set(q.slice(i + 1), q.slice(0, i));
}
for (const [name, path] of [
  ['Conn', 'net'],
  ['Listener', 'net'],
  ['TCPConn', 'net'],
  ['Dialer', 'net'],
  ['ListenConfig', 'net'],
  ['Response', 'net/http'],
  ['Client', 'net/http'],
  ['Server', 'net/http'],
  ['Request', 'net/http'],
  ['ListenAndServe', 'net/http'],
  ['Serve', 'net/http'],
  ['ErrServerClosed', 'net/http'],
  ['ResponseWriter', 'net/http'],
  ['HandleFunc', 'net/http'],
  ['HandlerFunc', 'net/http'],
] as const)
  if (!DOT_NAMES.has(name)) DOT_NAMES.set(name, path);

export class PackageFacts {
  readonly files: FileFacts[] = [];
  readonly structs = new Map<string, Map<string, { type: SyntaxNode; file: FileFacts }>>();
  readonly typeNames = new Set<string>();
  /** Names of the package's interface types. */
  readonly interfaces = new Set<string>();
  /** Struct type -> names of its embedded fields (their types' names). */
  readonly embedded = new Map<string, string[]>();
  readonly globals = new Map<string, { spec: SyntaxNode; binding: Binding; file: FileFacts }>();
  readonly funcs = new Map<string, FuncInfo>();
  /** Every package-level name: functions, variables, constants and types (not methods). */
  readonly declared = new Set<string>();
  private readonly fieldKinds = new Map<string, Kind | null>();
  private readonly globalKinds = new Map<string, Kind | null>();
  /** Cache for rule-specific per-package summaries (e.g. which params a function closes). */
  readonly memo = new Map<string, unknown>();

  constructor(files: FileFacts[]) {
    for (const f of files) this.add(f);
    // Package-level names shadow dot-imported ones in every file of the package.
    for (const f of this.files) {
      for (const g of this.funcs.values()) f.imports.localDecls.add(g.name);
      for (const g of this.globals.keys()) f.imports.localDecls.add(g);
      for (const t of this.typeNames) f.imports.localDecls.add(t);
    }
  }

  private add(f: FileFacts): void {
    f.pkg = this;
    this.files.push(f);
    for (const d of named(f.tree.rootNode)) {
      if (
        d.type === 'function_declaration' ||
        d.type === 'type_declaration' ||
        d.type === 'var_declaration' ||
        d.type === 'const_declaration'
      ) {
        // Specs are children of the declaration or of its parenthesized list (not inside initializers).
        const specs = d.type === 'function_declaration' ? [d] : named(d).flatMap((c) => (c.type.endsWith('_list') ? named(c) : [c]));
        for (const sp of specs) for (const n of sp.childrenForFieldName('name')) if (n) this.declared.add(n.text);
      }
      if (d.type === 'type_declaration') {
        for (const spec of named(d)) {
          if (spec.type !== 'type_spec' && spec.type !== 'type_alias') continue;
          const name = spec.childForFieldName('name')?.text;
          if (!name) continue;
          this.typeNames.add(name);
          const t = spec.childForFieldName('type');
          if (t?.type === 'struct_type') {
            const fields = new Map<string, { type: SyntaxNode; file: FileFacts }>();
            for (const fd of ofType(t, 'field_declaration')) {
              if (!fd || fd.parent?.parent?.id !== t.id) continue;
              const ft = fd.childForFieldName('type');
              if (!ft) continue;
              const names = fd.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
              if (names.length === 0) {
                // Embedded field: its name is the type's last element.
                const base = ft.type === 'pointer_type' ? ft.namedChild(0) : ft;
                const nm = base?.type === 'qualified_type' ? base.childForFieldName('name')?.text : base?.text;
                if (nm) {
                  fields.set(nm, { type: ft, file: f });
                  let emb = this.embedded.get(name);
                  if (!emb) this.embedded.set(name, (emb = []));
                  emb.push(nm);
                }
              }
              for (const nm of names) fields.set(nm.text, { type: ft, file: f });
            }
            this.structs.set(name, fields);
          } else if (t?.type === 'interface_type') {
            this.interfaces.add(name);
            // `type HTTPClient interface { Do(*http.Request) (*http.Response, error) }`: calls through
            // such interfaces produce the same values as the std methods they mirror.
            for (const m of named(t)) {
              if (m.type !== 'method_elem') continue;
              const mname = m.childForFieldName('name')?.text;
              if (!mname) continue;
              this.funcs.set(`${name}.${mname}`, {
                name: mname,
                key: `${name}.${mname}`,
                node: m,
                file: f,
                params: funcParams(m),
                variadic: isVariadic(m),
                results: resultTypes(m),
                iface: true,
              });
            }
          }
        }
      } else if (d.type === 'var_declaration') {
        for (const spec of ofType(d, 'var_spec')) {
          if (!spec) continue;
          const names = spec.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
          const right = exprList(spec.childForFieldName('value'));
          names.forEach((id, i) => {
            const value = boundValue(names.length, right, i);
            this.globals.set(id.text, {
              spec,
              file: f,
              binding: { name: id.text, decl: id, scope: f.tree.rootNode, typeNode: spec.childForFieldName('type'), value, isParam: false },
            });
          });
        }
      } else if (d.type === 'function_declaration' || d.type === 'method_declaration') {
        const name = d.childForFieldName('name')?.text;
        if (!name) continue;
        let key = name;
        if (d.type === 'method_declaration') {
          let t = paramsOf(d.childForFieldName('receiver'))[0]?.type;
          if (t?.type === 'pointer_type') t = t.namedChild(0);
          if (t?.type === 'generic_type') t = t.childForFieldName('type');
          key = `${t?.text ?? '?'}.${name}`;
        }
        this.funcs.set(key, { name, key, node: d, file: f, params: funcParams(d), variadic: isVariadic(d), results: resultTypes(d) });
      }
    }
  }

  /** Method `name` of type `type`, declared on it or promoted from an embedded struct of this package. */
  method(type: string, name: string, depth = 0): FuncInfo | null {
    const f = this.funcs.get(`${type}.${name}`);
    if (f || depth > 3) return f ?? null;
    for (const e of this.embedded.get(type) ?? []) {
      const m = this.method(e, name, depth + 1);
      if (m) return m;
    }
    return null;
  }

  globalKind(name: string, depth = 0): Kind | null {
    if (this.globalKinds.has(name)) return this.globalKinds.get(name)!;
    this.globalKinds.set(name, null);
    const g = this.globals.get(name);
    const k = g ? g.file.bindingKind(g.binding, depth) : null;
    this.globalKinds.set(name, k);
    return k;
  }

  /** The Kind of a field name when every struct in the package that declares it agrees. */
  uniqueFieldKind(field: string): Kind | null {
    if (this.fieldKinds.has(field)) return this.fieldKinds.get(field)!;
    let kind: Kind | null | undefined;
    for (const fields of this.structs.values()) {
      const f = fields.get(field);
      if (!f) continue;
      const k = f.file.typeKind(f.type);
      if (kind === undefined) kind = k;
      else if (kind !== k) kind = null;
    }
    this.fieldKinds.set(field, kind ?? null);
    return kind ?? null;
  }
}
