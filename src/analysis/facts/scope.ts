// Local name resolution inside function bodies: which declaration an identifier refers to, and the
// Kind of that declaration. Go's scoping is lexical and static, which makes this exact for the
// constructs we model (params, :=, var, range, type switches, if/for/switch initializers).
import type { SyntaxNode } from '../parser';
import { tick } from '../limits';
import { exprList, named, paramsOf, unparen } from './syntax';

/**
 * What the i-th of `names` names is bound to by `right`: its own expression (`a, b := x, y`), the
 * i-th result of the one call (`a, b := f()`), or nothing known (a count mismatch).
 */
export function boundValue(names: number, right: readonly SyntaxNode[], i: number): Binding['value'] {
  if (right.length === names) return { expr: right[i], index: 0, count: 1 };
  return right.length === 1 ? { expr: right[0], index: i, count: names } : null;
}

export interface Binding {
  name: string;
  /** The identifier node of the declaration. */
  decl: SyntaxNode;
  /** The node whose extent is the binding's scope. */
  scope: SyntaxNode;
  /** How the Kind is found: a type node, or the position in a right-hand side. */
  typeNode?: SyntaxNode | null;
  value?: { expr: SyntaxNode; index: number; count: number } | null;
  /** Set for a type switch alias inside a case with one type. */
  caseType?: SyntaxNode | null;
  isParam: boolean;
  /** For bindings declared by `x, err := f()`: the sibling identifiers in order. */
  siblings?: SyntaxNode[];
}

const SCOPE_TYPES = new Set([
  'block',
  'if_statement',
  'for_statement',
  'expression_switch_statement',
  'type_switch_statement',
  'select_statement',
  'expression_case',
  'type_case',
  'communication_case',
  'default_case',
  'func_literal',
  'function_declaration',
  'method_declaration',
]);

function scopeOf(n: SyntaxNode): SyntaxNode {
  for (let p = n.parent; p; p = p.parent) if (SCOPE_TYPES.has(p.type)) return p;
  return n.tree.rootNode;
}

export class FunctionScopes {
  readonly bindings: Binding[] = [];
  private readonly byName = new Map<string, Binding[]>();
  private readonly byDecl = new Map<number, Binding>();
  /** Every identifier of the function, resolved in one pass on first use (see `resolveAll`). */
  private resolved?: Map<number, Binding | null>;
  private uses?: Map<Binding, SyntaxNode[]>;

  /** `resolved` may be a map shared by all functions of a file (FileFacts looks identifiers up there first). */
  constructor(
    readonly fn: SyntaxNode,
    private readonly shared?: Map<number, Binding | null>,
  ) {
    this.collect(fn);
  }

  private add(b: Binding): void {
    if (b.name === '_') return;
    this.bindings.push(b);
    let list = this.byName.get(b.name);
    if (!list) this.byName.set(b.name, (list = []));
    list.push(b);
    this.byDecl.set(b.decl.id, b);
  }

  private params(fn: SyntaxNode, field: string): void {
    const list = fn.childForFieldName(field);
    if (!list || list.type !== 'parameter_list') return;
    for (const { name, type } of paramsOf(list)) {
      if (name) this.add({ name: name.text, decl: name, scope: fn, typeNode: type, isParam: field !== 'result' });
    }
  }

  private collect(root: SyntaxNode): void {
    const stack: SyntaxNode[] = [root];
    while (stack.length) {
      const n = stack.pop()!;
      switch (n.type) {
        case 'function_declaration':
        case 'method_declaration':
        case 'func_literal':
          this.params(n, 'receiver');
          this.params(n, 'parameters');
          this.params(n, 'result');
          break;
        case 'short_var_declaration': {
          const left = exprList(n.childForFieldName('left'));
          const right = exprList(n.childForFieldName('right'));
          const scope = scopeOf(n);
          left.forEach((id, i) => {
            if (id.type !== 'identifier') return;
            const value = boundValue(left.length, right, i);
            this.add({ name: id.text, decl: id, scope, value, isParam: false, siblings: left });
          });
          break;
        }
        case 'var_spec': {
          const names = n.childrenForFieldName('name').filter((x): x is SyntaxNode => !!x);
          const type = n.childForFieldName('type');
          const right = exprList(n.childForFieldName('value'));
          const scope = scopeOf(n);
          names.forEach((id, i) => {
            const value = boundValue(names.length, right, i);
            this.add({ name: id.text, decl: id, scope, typeNode: type, value, isParam: false, siblings: names });
          });
          break;
        }
        case 'range_clause': {
          const left = exprList(n.childForFieldName('left'));
          const op = n.children.find((c) => c?.type === ':=');
          if (op && n.parent)
            for (const id of left) if (id.type === 'identifier') this.add({ name: id.text, decl: id, scope: n.parent, isParam: false });
          break;
        }
        case 'receive_statement': {
          const left = exprList(n.childForFieldName('left'));
          if (n.children.some((c) => c?.type === ':=') && n.parent)
            for (const id of left) if (id.type === 'identifier') this.add({ name: id.text, decl: id, scope: n.parent, isParam: false });
          break;
        }
        case 'type_switch_statement': {
          const alias = exprList(n.childForFieldName('alias'));
          if (alias.length === 1 && alias[0].type === 'identifier') {
            for (const c of named(n)) {
              if (c.type !== 'type_case' && c.type !== 'default_case') continue;
              const types = c.childrenForFieldName('type').filter((x): x is SyntaxNode => !!x);
              this.add({ name: alias[0].text, decl: alias[0], scope: c, caseType: types.length === 1 ? types[0] : null, isParam: false });
            }
          }
          break;
        }
      }
      const kids = named(n);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    // One declaration node may be added several times (type switch): keep byDecl on the first.
  }

  /** The binding an identifier use refers to, or null (package-level or unknown). */
  resolve(id: SyntaxNode): Binding | null {
    const hit = (this.resolved ??= this.resolveAll()).get(id.id);
    return hit !== undefined ? hit : this.resolveOne(id);
  }

  /**
   * The rule `resolveAll` applies to every identifier at once, for one identifier: its own
   * declaration, else the visible binding of the name with the narrowest scope (the latest
   * declared among equals). For identifiers outside the function's tree.
   */
  private resolveOne(id: SyntaxNode): Binding | null {
    const direct = this.byDecl.get(id.id);
    if (direct && direct.decl.id === id.id && !direct.caseType) return direct;
    const list = this.byName.get(id.text);
    if (!list) return null;
    let best: Binding | null = null;
    for (const b of list) {
      if (b.scope.startIndex > id.startIndex || b.scope.endIndex < id.endIndex) continue;
      // A := binding is visible after its statement; params anywhere in the function.
      if (!b.isParam && b.decl.startIndex > id.startIndex) continue;
      if (!best) {
        best = b;
        continue;
      }
      const bw = b.scope.endIndex - b.scope.startIndex;
      const cw = best.scope.endIndex - best.scope.startIndex;
      if (bw < cw || (bw === cw && b.decl.startIndex > best.decl.startIndex)) best = b;
    }
    return best;
  }

  /**
   * Resolves every identifier of the function in one walk with a stack of visible bindings per
   * name, so that a function with thousands of `x, err :=` costs linear time, not quadratic. A
   * binding becomes visible at its declaration (parameters and type-switch case aliases: on entering
   * their scope) and stops at the end of its scope; the innermost visible one is the latest pushed,
   * which is what `resolveOne` picks.
   */
  private resolveAll(): Map<number, Binding | null> {
    const out = new Map<number, Binding | null>();
    const uses = new Map<Binding, SyntaxNode[]>();
    // Bindings that start at their scope rather than at their declaration.
    const atScope = new Map<number, Binding[]>();
    const atDecl = new Map<number, Binding[]>();
    for (const b of this.bindings) {
      const m = b.isParam || b.caseType !== undefined ? atScope : atDecl;
      const key = m === atScope ? b.scope.id : b.decl.id;
      const list = m.get(key);
      if (list) list.push(b);
      else m.set(key, [b]);
    }
    const visible = new Map<string, Binding[]>();
    const show = (b: Binding) => {
      const st = visible.get(b.name);
      if (st) st.push(b);
      else visible.set(b.name, [b]);
    };
    // Bindings to hide when leaving a scope node, by the scope's id.
    const hideAt = new Map<number, Binding[]>();
    const push = (b: Binding) => {
      show(b);
      const l = hideAt.get(b.scope.id);
      if (l) l.push(b);
      else hideAt.set(b.scope.id, [b]);
    };
    // Iterative pre-order walk; `null` marks the exit of the node below it on the stack.
    const scopeIds = new Set(this.bindings.map((b) => b.scope.id));
    const stack: (SyntaxNode | null)[] = [this.fn];
    const exits: SyntaxNode[] = [];
    while (stack.length) {
      tick();
      const n = stack.pop();
      if (!n) {
        const left = exits.pop()!;
        for (const b of hideAt.get(left.id) ?? []) {
          const st = visible.get(b.name)!;
          const i = st.lastIndexOf(b);
          if (i >= 0) st.splice(i, 1);
        }
        continue;
      }
      for (const b of atScope.get(n.id) ?? []) push(b);
      if (n.type === 'identifier') {
        for (const b of atDecl.get(n.id) ?? []) if (b.scope.startIndex <= n.startIndex && n.endIndex <= b.scope.endIndex) push(b);
        const direct = this.byDecl.get(n.id);
        let r: Binding | null;
        if (direct && direct.decl.id === n.id && !direct.caseType) r = direct;
        else {
          const st = visible.get(n.text);
          r = st && st.length ? st[st.length - 1] : null;
        }
        out.set(n.id, r);
        this.shared?.set(n.id, r);
        if (r && r.decl.id !== n.id) {
          const l = uses.get(r);
          if (l) l.push(n);
          else uses.set(r, [n]);
        }
      }
      if (scopeIds.has(n.id)) {
        stack.push(null);
        exits.push(n);
      }
      const kids = named(n);
      for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    }
    this.uses = uses;
    return out;
  }

  /** All identifier uses (not declarations) in the function that resolve to `b`. */
  usesOf(b: Binding): SyntaxNode[] {
    this.resolved ??= this.resolveAll();
    return [...(this.uses!.get(b) ?? [])];
  }
}

/**
 * The outermost function holding `n` (n itself included): its declaration, or the outermost
 * function literal of a package-level initializer. Local scopes are computed per outermost function.
 */
export function outerFunction(n: SyntaxNode): SyntaxNode | null {
  let found: SyntaxNode | null = null;
  for (let p: SyntaxNode | null = n; p; p = p.parent) {
    if (p.type === 'function_declaration' || p.type === 'method_declaration') return p;
    if (p.type === 'func_literal') found = p;
  }
  return found;
}

export { unparen };
