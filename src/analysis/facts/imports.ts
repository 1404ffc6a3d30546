// Import table of one file: lets rules match `net.Dial` whether the file says `net.Dial`,
// `stdnet.Dial` (aliased) or `Dial` (dot import). Edits to the imports are in fixes/imports.ts.
import type { SyntaxNode, SyntaxTree } from '../parser';
import { unparen, named, ofType } from './syntax';

export interface ImportSpec {
  path: string;
  /** Local name: the alias, the last path element, "." or "_". */
  local: string;
  explicit: boolean;
  node: SyntaxNode;
}

/** The package name Go gives an import path when it is not aliased (good enough for std and most modules). */
export function defaultName(path: string): string {
  const parts = path.split('/');
  let last = parts[parts.length - 1];
  if (/^v\d+$/.test(last) && parts.length > 1) last = parts[parts.length - 2];
  if (last.startsWith('go-')) last = last.slice(3);
  return last.replace(/[.-].*$/, '');
}

export class Imports {
  readonly specs: ImportSpec[] = [];
  private readonly byLocal = new Map<string, string>();
  private readonly dot = new Set<string>();
  /** Top-level names declared in the file's package that a dot import could otherwise shadow. */
  localDecls = new Set<string>();

  constructor(tree: SyntaxTree) {
    for (const decl of named(tree.rootNode)) {
      if (decl.type !== 'import_declaration') continue;
      for (const spec of ofType(decl, 'import_spec')) {
        if (!spec) continue;
        const pathNode = spec.childForFieldName('path');
        if (!pathNode) continue;
        const path = pathNode.text.replace(/^["`]|["`]$/g, '');
        const nameNode = spec.childForFieldName('name');
        const local = nameNode ? nameNode.text : defaultName(path);
        this.specs.push({ path, local, explicit: !!nameNode, node: spec });
        if (local === '.') this.dot.add(path);
        else if (local !== '_') this.byLocal.set(local, path);
      }
    }
  }

  has(path: string): boolean {
    return this.specs.some((s) => s.path === path && s.local !== '_');
  }

  /** The name to use for `path` in new code, or null when it is not imported (or only blank/dot-imported). */
  nameFor(path: string): string | null {
    const s = this.specs.find((x) => x.path === path && x.local !== '_');
    if (!s) return null;
    return s.local === '.' ? '' : s.local;
  }

  pathOf(local: string): string | undefined {
    return this.byLocal.get(local);
  }

  /**
   * `pkg/path.Name` for a reference to a package-level name: `net.Dial` (selector on an imported
   * package), or a bare identifier resolved through a dot import. Null otherwise.
   */
  qualified(n: SyntaxNode | null | undefined, dotCandidates?: ReadonlyMap<string, string>): string | null {
    const u = unparen(n);
    if (!u) return null;
    if (u.type === 'selector_expression' || u.type === 'qualified_type') {
      const op = u.childForFieldName(u.type === 'qualified_type' ? 'package' : 'operand');
      const f = u.childForFieldName(u.type === 'qualified_type' ? 'name' : 'field');
      if (!op || !f || (op.type !== 'identifier' && op.type !== 'package_identifier')) return null;
      const path = this.byLocal.get(op.text);
      return path ? `${path}.${f.text}` : null;
    }
    if ((u.type === 'identifier' || u.type === 'type_identifier') && this.dot.size && !this.localDecls.has(u.text)) {
      const path = dotCandidates?.get(u.text);
      if (path && this.dot.has(path)) return `${path}.${u.text}`;
      if (this.dot.size === 1) return `${[...this.dot][0]}.${u.text}`;
    }
    return null;
  }
}
