// Import edits for fixes: adding what a fix uses (gofmt's grouping and order) and dropping what a
// fix leaves unused (Go rejects unused imports), as one coherent set of edits.
import type { RuleContext } from '../context';
import type { FileFacts } from '../facts/package';
import type { ImportSpec, Imports } from '../facts/imports';
import { lineEnd, lineStart, named, ofType } from '../facts/syntax';
import type { TextEdit } from '../model';
import type { SyntaxNode, SyntaxTree } from '../parser';

/**
 * The edit that adds the missing `paths` in gofmt style (null when all are present): into the first
 * import group when it holds only standard-library paths, kept sorted; otherwise as a group of its
 * own before it. Declarations importing "C" are never touched (cgo's preamble must stay the comment
 * right before `import "C"`). Layouts gofmt would reformat (a one-line group, two specs on a line,
 * a spec on the line of a parenthesis) are rewritten as gofmt prints them, or, when comments make
 * that unsafe, given the new specs on lines of their own: always Go that Go's parser accepts.
 */
export function addImportsEdit(text: string, tree: SyntaxTree, imports: Imports, paths: string[]): TextEdit | null {
  const missing = [...new Set(paths)].filter((p) => !imports.has(p)).sort();
  if (!missing.length) return null;
  const quoted = missing.map((m) => `"${m}"`);
  const top = named(tree.rootNode);
  const decls = top.filter((d) => d.type === 'import_declaration');
  const target = decls.find((d) => !specsOf(d).some((s) => pathOf(s) === 'C'));
  if (!target) {
    const body = quoted.length === 1 ? `import ${quoted[0]}` : `import (\n${quoted.map((q) => `\t${q}`).join('\n')}\n)`;
    // After the last import "C" (its preamble stays put), else after the package clause.
    const after = decls.length ? decls[decls.length - 1] : top.find((d) => d.type === 'package_clause');
    if (!after) return { start: 0, end: 0, newText: `${body}\n\n` };
    const at = lineEnd(text, after.endIndex);
    return { start: at, end: at, newText: `\n\n${body}` };
  }
  const list = named(target).find((c) => c.type === 'import_spec_list');
  if (!list) {
    // `import "x"`: rewrite into a group (a comment after it stays after the `)`).
    const spec = named(target).find((c) => c.type === 'import_spec');
    const specs = [...quoted, ...(spec ? [spec.text] : [])].sort((a, b) => importSortKey(a).localeCompare(importSortKey(b)));
    return { start: target.startIndex, end: target.endIndex, newText: `import (\n${specs.map((s) => `\t${s}`).join('\n')}\n)` };
  }
  const specs = specsOf(target);
  const groups = groupsOf(specs);
  const stdFirst = groups.length === 0 || groups[0].every((s) => isStd(pathOf(s)));
  if (specs.length && specs.every((s) => ownsLine(text, s, list))) {
    if (stdFirst) {
      // Merge into the std group in sorted position, rebuilding the group's lines.
      const group = groups[0];
      const lines = group.map((s) => ({ key: pathOf(s), text: text.slice(lineStart(text, s.startIndex), lineEnd(text, s.endIndex)) }));
      for (const m of missing) lines.push({ key: m, text: `\t"${m}"` });
      lines.sort((a, b) => a.key.localeCompare(b.key));
      const start = lineStart(text, group[0].startIndex);
      return { start, end: lineEnd(text, group[group.length - 1].endIndex), newText: lines.map((l) => l.text).join('\n') };
    }
    // Only third-party imports first: a std group of its own before them.
    const at = lineStart(text, groups[0][0].startIndex);
    return { start: at, end: at, newText: `${quoted.map((q) => `\t${q}`).join('\n')}\n\n` };
  }
  if (!named(list).some((c) => c.type === 'comment')) {
    // No comments to keep in place: the whole group as gofmt prints it, one spec a line.
    const blocks = groups.map((g) => g.map((s) => s.text));
    if (stdFirst) {
      const first = [...(blocks[0] ?? []), ...quoted].sort((a, b) => importSortKey(a).localeCompare(importSortKey(b)));
      blocks.splice(0, 1, first);
    } else blocks.unshift(quoted);
    return {
      start: list.startIndex,
      end: list.endIndex,
      newText: `(\n${blocks.map((b) => b.map((s) => `\t${s}`).join('\n')).join('\n\n')}\n)`,
    };
  }
  // Comments in an irregular group: the new specs on lines of their own right after the `(`.
  const open = list.startIndex + 1;
  const ws = /^[ \t]*/.exec(text.slice(open))![0].length;
  const rest = text.slice(open + ws, lineEnd(text, open)).trim();
  return { start: open, end: open + ws, newText: `\n${quoted.map((q) => `\t${q}`).join('\n')}${rest ? '\n\t' : ''}` };
}

function importSortKey(spec: string): string {
  const m = /"([^"]*)"/.exec(spec);
  return m ? m[1] : spec;
}

const isStd = (p: string) => !p.split('/')[0].includes('.');

function specsOf(decl: SyntaxNode): SyntaxNode[] {
  const list = named(decl).find((c) => c.type === 'import_spec_list');
  return named(list ?? decl).filter((c) => c.type === 'import_spec');
}

function pathOf(spec: SyntaxNode): string {
  return (spec.childForFieldName('path')?.text ?? '').replace(/^["`]|["`]$/g, '');
}

/** Specs split at blank lines (gofmt sorts within such groups). */
function groupsOf(specs: SyntaxNode[]): SyntaxNode[][] {
  const out: SyntaxNode[][] = [];
  for (const s of specs) {
    const g = out[out.length - 1];
    if (g && s.startPosition.row - g[g.length - 1].endPosition.row <= 1) g.push(s);
    else out.push([s]);
  }
  return out;
}

/**
 * The spec is alone on its line (a line comment after it allowed), not on the line of the group's
 * parentheses: line-based edits of it keep Go valid.
 */
function ownsLine(text: string, spec: SyntaxNode, list: SyntaxNode | null): boolean {
  const before = text.slice(lineStart(text, spec.startIndex), spec.startIndex);
  const after = text.slice(spec.endIndex, lineEnd(text, spec.endIndex));
  if (before.trim() !== '' || !/^\s*(\/\/.*)?$/.test(after)) return false;
  return !list || spec.startPosition.row !== list.endPosition.row;
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
 * that `add` rewrites is left out of that rewrite; a spec alone in its group takes a blank line with
 * it; the only spec of a declaration takes the declaration (and the blank line after it); a spec
 * sharing its line with another takes only itself and one `;`.
 */
function importEdits(text: string, add: TextEdit | null, drop: readonly ImportSpec[]): TextEdit[] {
  const out: TextEdit[] = [];
  let rewrite = add;
  // An insertion conflicts with a deletion around it; a replacement with any deletion it touches.
  const overlapsRewrite = (start: number, end: number) =>
    !!rewrite &&
    (rewrite.start === rewrite.end ? start < rewrite.start && rewrite.start < end : start < rewrite.end && rewrite.start < end);
  for (const spec of drop) {
    const node = spec.node;
    if (spec.path === 'C') continue;
    if (rewrite && rewrite.start < rewrite.end && rewrite.start <= node.startIndex && node.endIndex <= rewrite.end) {
      // The rewrite copies the spec (with its comment) onto a line of its own: leave that line out.
      const isSpec = (l: string) => l.replace(/\/\/.*$/, '').trim() === node.text;
      rewrite = {
        ...rewrite,
        newText: rewrite.newText
          .split('\n')
          .filter((l) => !isSpec(l))
          .join('\n'),
      };
      continue;
    }
    const list = node.parent?.type === 'import_spec_list' ? node.parent : null;
    const decl = list ? list.parent : node.parent;
    const ls = lineStart(text, node.startIndex);
    const le = lineEnd(text, node.endIndex);
    const alone = ownsLine(text, node, list);
    const siblings = list ? named(list).filter((c) => c.type === 'import_spec').length : 1;
    if (siblings > 1 && alone) {
      let start = ls;
      // A group of its own (blank line before, blank line or `)` after): take the blank line too.
      const prevBlank = text.slice(lineStart(text, ls - 1), ls - 1).trim() === '';
      const nextLine = text.slice(le + 1, lineEnd(text, le + 1)).trim();
      if (prevBlank && (nextLine === '' || nextLine === ')')) start = lineStart(text, ls - 1);
      out.push({ start, end: Math.min(le + 1, text.length), newText: '' });
      continue;
    }
    if (siblings === 1 && decl?.type === 'import_declaration') {
      const declAlone =
        text.slice(lineStart(text, decl.startIndex), decl.startIndex).trim() === '' &&
        /^\s*(\/\/.*)?$/.test(text.slice(decl.endIndex, lineEnd(text, decl.endIndex)));
      let start = decl.startIndex;
      let end = decl.endIndex;
      if (declAlone) {
        start = lineStart(text, decl.startIndex);
        end = lineEnd(text, decl.endIndex);
        if (text[end] === '\n') end++;
        if (text[end] === '\n') end++;
      } else if (/^[ \t]*;/.test(text.slice(end))) end = text.indexOf(';', end) + 1;
      if (!overlapsRewrite(start, end)) {
        out.push({ start, end, newText: '' });
        continue;
      }
    }
    // The spec shares its line (or its declaration is where `add` writes): delete it and one `;`.
    let start = node.startIndex;
    let end = node.endIndex;
    const after = /^[ \t]*;[ \t]*/.exec(text.slice(end));
    const before = /;?[ \t]*$/.exec(text.slice(lineStart(text, start), start));
    if (after) end += after[0].length;
    else if (before) start -= before[0].length;
    out.push({ start, end, newText: '' });
  }
  return rewrite ? [...out, rewrite] : out;
}
