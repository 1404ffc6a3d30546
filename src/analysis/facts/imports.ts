// Import table of one file: lets rules match `net.Dial` whether the file says `net.Dial`,
// `stdnet.Dial` (aliased) or `Dial` (dot import), and tells fixes which imports to add.
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

/**
 * Edits that add missing imports in gofmt style. Returns one edit (or none when all are present).
 * Std-library paths go into the first import group, kept sorted.
 */
export function addImportsEdit(
  text: string,
  tree: SyntaxTree,
  imports: Imports,
  paths: string[],
): { start: number; end: number; newText: string } | null {
  const missing = [...new Set(paths)].filter((p) => !imports.has(p)).sort();
  if (!missing.length) return null;
  const decls = named(tree.rootNode).filter((d) => d.type === 'import_declaration');
  if (!decls.length) {
    const pkg = named(tree.rootNode).find((d) => d.type === 'package_clause');
    const at = pkg ? pkg.endIndex : 0;
    const body = missing.length === 1 ? `import "${missing[0]}"` : `import (\n${missing.map((m) => `\t"${m}"`).join('\n')}\n)`;
    return { start: at, end: at, newText: `\n\n${body}` };
  }
  const first = decls[0];
  const list = named(first).find((c) => c.type === 'import_spec_list');
  if (!list) {
    // `import "x"` single form: rewrite into a grouped block.
    const spec = named(first).find((c) => c.type === 'import_spec');
    const specs = [...missing.map((m) => `"${m}"`), spec ? spec.text : ''].filter(Boolean);
    specs.sort((a, b) => importSortKey(a).localeCompare(importSortKey(b)));
    return { start: first.startIndex, end: first.endIndex, newText: `import (\n${specs.map((s) => `\t${s}`).join('\n')}\n)` };
  }
  // Insert each missing path before the first spec of the first group that sorts after it.
  const specs = named(list).filter((c) => c.type === 'import_spec');
  const isStd = (p: string) => !p.split('/')[0].includes('.');
  // First group = specs up to the first blank line.
  const group: SyntaxNode[] = [];
  for (const s of specs) {
    if (group.length && s.startPosition.row - group[group.length - 1].endPosition.row > 1) break;
    group.push(s);
  }
  const pathOfSpec = (s: SyntaxNode) => (s.childForFieldName('path')?.text ?? '').replace(/"/g, '');
  const groupIsStd = group.length === 0 || group.every((s) => isStd(pathOfSpec(s)));
  let insertAt = -1;
  let newLines = '';
  if (groupIsStd) {
    // Merge into the std group in sorted position; build the whole group text anew to keep it sorted.
    const lines = group.map((s) => ({
      key: pathOfSpec(s),
      text: text.slice(lineStartOf(text, s.startIndex), lineEndOf(text, s.endIndex)),
    }));
    for (const m of missing) lines.push({ key: m, text: `\t"${m}"` });
    lines.sort((a, b) => a.key.localeCompare(b.key));
    if (group.length) {
      const start = lineStartOf(text, group[0].startIndex);
      const end = lineEndOf(text, group[group.length - 1].endIndex);
      return { start, end, newText: lines.map((l) => l.text).join('\n') };
    }
    insertAt = list.startIndex + 1;
    newLines = `\n${missing.map((m) => `\t"${m}"`).join('\n')}`;
  } else {
    // Only third-party imports: put a std group first.
    insertAt = list.startIndex + 1;
    newLines = `\n${missing.map((m) => `\t"${m}"`).join('\n')}\n`;
  }
  return { start: insertAt, end: insertAt, newText: newLines };
}

function importSortKey(spec: string): string {
  const m = /"([^"]*)"/.exec(spec);
  return m ? m[1] : spec;
}

function lineStartOf(text: string, off: number): number {
  return text.lastIndexOf('\n', off - 1) + 1;
}

function lineEndOf(text: string, off: number): number {
  const e = text.indexOf('\n', off);
  return e === -1 ? text.length : e;
}
