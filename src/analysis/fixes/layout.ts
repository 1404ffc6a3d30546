// Where new code goes and how it is laid out, gofmt-exact: whole-line statements, indentation of
// inserted blocks, a field added to a composite literal.
import { enclosingStatement, indentAt, lineEnd, lineStart, named } from '../facts/syntax';
import type { TextEdit } from '../model';
import type { SyntaxNode } from '../parser';

/** Only indentation precedes `n` on its line: code inserted before it goes on a line of its own. */
export function startsLine(text: string, n: { startIndex: number }): boolean {
  return text.slice(lineStart(text, n.startIndex), n.startIndex).trim() === '';
}

/** `n` starts its line and nothing but a comment follows it on its last line: its lines are its own to rewrite. */
export function ownsLines(text: string, n: { startIndex: number; endIndex: number }): boolean {
  if (!startsLine(text, n)) return false;
  const rest = text.slice(n.endIndex, lineEnd(text, n.endIndex)).trim();
  return rest === '' || rest.startsWith('//');
}

/** The statement holding `n` (enclosingStatement) when it starts its line, with its indentation: where a fix declares something first. */
export function statementLine(text: string, n: SyntaxNode): { stmt: SyntaxNode; indent: string } | null {
  const stmt = enclosingStatement(n);
  return stmt && startsLine(text, stmt) ? { stmt, indent: indentAt(text, stmt.startIndex) } : null;
}

/** Joins new lines (relative tabs) for insertion at a point indented by `indent`: every line after the first gets it. */
export function indentLines(lines: string[], indent: string): string {
  return lines.map((l, i) => (i === 0 ? l : l === '' ? '' : `${indent}${l}`)).join('\n');
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
