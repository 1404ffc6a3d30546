// Import edits for fixes: adding what a fix uses (gofmt's grouping and order) and dropping what a
// fix leaves unused (Go rejects unused imports), as one coherent set of edits.
import type { RuleContext } from '../context';
import type { FileFacts } from '../facts/package';
import type { ImportSpec, Imports } from '../facts/imports';
import { lineEnd, lineStart, named, ofType } from '../facts/syntax';
import type { TextEdit } from '../model';
import type { SyntaxNode, SyntaxTree } from '../parser';

/**
 * Edits that add missing imports in gofmt style. Returns one edit (or none when all are present).
 * Std-library paths go into the first import group, kept sorted.
 */
export function addImportsEdit(text: string, tree: SyntaxTree, imports: Imports, paths: string[]): TextEdit | null {
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
      text: text.slice(lineStart(text, s.startIndex), lineEnd(text, s.endIndex)),
    }));
    for (const m of missing) lines.push({ key: m, text: `\t"${m}"` });
    lines.sort((a, b) => a.key.localeCompare(b.key));
    if (group.length) {
      const start = lineStart(text, group[0].startIndex);
      const end = lineEnd(text, group[group.length - 1].endIndex);
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

/**
 * A fix's edits plus the import edits it needs: `add` the paths its new text uses (when missing),
 * and delete `drop`, the specs it leaves unused (see unusedImports).
 */
export function withImports(ctx: RuleContext, edits: TextEdit[], add: string[], drop: readonly ImportSpec[] = []): TextEdit[] {
  const imp = add.length ? ctx.importEdit(add) : null;
  return [...edits, ...importEdits(ctx.text, imp, drop)];
}

/** The import specs whose every reference lies inside `removed` (text a fix deletes or replaces). */
export function unusedImports(file: FileFacts, removed: readonly { start: number; end: number }[]): ImportSpec[] {
  const inside = (n: SyntaxNode) => removed.some((r) => n.startIndex >= r.start && n.endIndex <= r.end);
  const out: ImportSpec[] = [];
  for (const spec of file.imports.specs) {
    if (spec.local === '_' || spec.local === '.') continue;
    let insideRefs = 0;
    let outsideRefs = 0;
    for (const n of ofType(file.tree.rootNode, ['selector_expression', 'qualified_type'])) {
      const op = n.type === 'qualified_type' ? n.childForFieldName('package') : n.childForFieldName('operand');
      if (!op || op.text !== spec.local || (op.type === 'identifier' && file.binding(op))) continue;
      if (inside(n)) insideRefs++;
      else outsideRefs++;
    }
    if (insideRefs && !outsideRefs) out.push(spec);
  }
  return out;
}

/**
 * `add` (an addImportsEdit, or null) and edits deleting the `drop` specs, without overlaps: a spec
 * whose line `add` rewrites is left out of that rewrite; a spec alone in its group takes a blank line
 * with it; the only spec of a declaration takes the declaration (and the blank line after it).
 */
function importEdits(text: string, add: TextEdit | null, drop: readonly ImportSpec[]): TextEdit[] {
  const out: TextEdit[] = [];
  let rewrite = add;
  for (const spec of drop) {
    const node = spec.node;
    const ls = lineStart(text, node.startIndex);
    const le = lineEnd(text, node.endIndex);
    if (rewrite && rewrite.start <= ls && le <= rewrite.end) {
      // The rewrite copies the spec (with its comment) onto a line of its own: leave that line out.
      const isSpec = (l: string) => l.replace(/\/\/.*$/, '').trim() === node.text;
      const lines = rewrite.newText.split('\n');
      rewrite = { ...rewrite, newText: lines.filter((l) => !isSpec(l)).join('\n') };
      continue;
    }
    const list = node.parent;
    if (list?.type === 'import_spec_list' && named(list).filter((c) => c.type === 'import_spec').length > 1) {
      let start = ls;
      // A group of its own (blank line before, blank line or `)` after): take the blank line too.
      const prevBlank = text.slice(lineStart(text, ls - 1), ls - 1).trim() === '';
      const nextLine = text.slice(le + 1, lineEnd(text, le + 1)).trim();
      if (prevBlank && (nextLine === '' || nextLine === ')')) start = lineStart(text, ls - 1);
      out.push({ start, end: Math.min(le + 1, text.length), newText: '' });
    } else {
      const decl = list?.type === 'import_spec_list' ? list.parent : list;
      if (decl?.type !== 'import_declaration') continue;
      let end = lineEnd(text, decl.endIndex);
      if (text[end] === '\n') end++;
      if (text[end] === '\n') end++;
      out.push({ start: lineStart(text, decl.startIndex), end, newText: '' });
    }
  }
  return rewrite ? [...out, rewrite] : out;
}
