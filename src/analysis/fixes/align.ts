// gofmt's alignment for the code a fix changes. gofmt (go/printer) writes Go through a
// text/tabwriter: where it prints a tab or a vertical tab (before a trailing comment, between a
// struct field's name, type and tag, after the key of a keyed element on its own line, between the
// columns of a var/const group) the line is cut into cells, and the cells of consecutive lines are
// padded to a common width until a line without that column or a "formfeed" (a new section: a
// blank line, a statement after a multi-line one, a new block...) ends the column. A fix that
// lengthens, adds or removes a line in such a block must re-pad its neighbours, exactly as gofmt
// would. This module rebuilds go/printer's cells and section breaks from the syntax tree, runs the
// tabwriter algorithm over them, and turns the changed padding into edits.
//
// Safety: the model is checked on the code before the fix; where it does not reproduce the file's
// own layout exactly (code gofmt never saw, a construct we do not model), nothing is re-aligned.
import { parseGo, type SyntaxNode } from '../parser';
import { lineEnd, lineStart, named } from '../facts/syntax';
import type { TextEdit } from '../model';

// ---------------------------------------------------------------------------------------------
// Layout: cells and section breaks of each line, derived from the syntax tree.

interface Layout {
  /** Offsets where a cell ends, per 0-based row: the start of the white space that pads it. Repeated offsets are empty cells. */
  cuts: Map<number, { at: number; soft: boolean }[]>;
  /** Rows before which go/printer writes a formfeed (the tabwriter's columns end there). */
  ff: Set<number>;
  /** Rows whose text we cannot lay out (multi-line literals or comments): their region is left alone. */
  opaque: Set<number>;
}

const PAD_SEPARATED = /^[ \t]*$/;

function addCut(l: Layout, row: number, at: number, soft: boolean): void {
  let list = l.cuts.get(row);
  if (!list) l.cuts.set(row, (list = []));
  list.push({ at, soft });
}

/** The offset where the code before `n` on its line ends (the start of the white space before it). */
function gapBefore(text: string, n: SyntaxNode): number {
  let i = n.startIndex;
  while (i > 0 && (text[i - 1] === ' ' || text[i - 1] === '\t')) i--;
  return i;
}

/** Byte size go/printer measures a node by (nodeSize): its text when it fits on one line, else 0. */
function sizeOf(n: SyntaxNode): number {
  return n.text.includes('\n') ? 0 : Buffer.byteLength(n.text);
}

const rowsOf = (n: SyntaxNode) => n.endPosition.row - n.startPosition.row;

const FUNCTIONS = new Set(['function_declaration', 'method_declaration', 'func_literal']);

/**
 * A list printed one element per line (statements, fields, specs): the first element and every
 * element after a multi-line one start a new section, and so does the closing line.
 */
function sectionList(l: Layout, openRow: number, items: SyntaxNode[]): void {
  items.forEach((it, i) => {
    const row = it.startPosition.row;
    const prevEnd = i === 0 ? openRow : items[i - 1].endPosition.row;
    if (row > prevEnd && (i === 0 || rowsOf(items[i - 1]) > 0)) l.ff.add(row);
  });
}

/** go/printer's exprList: composite literal elements and call arguments over several lines. */
function exprList(l: Layout, open: SyntaxNode, items: SyntaxNode[], close: SyntaxNode | null): void {
  let prevRow = open.startPosition.row;
  let prevEnd = open.startPosition.row;
  let prevBreak = -1;
  let size = 0;
  let lnsum = 0;
  let count = 0;
  items.forEach((x, i) => {
    const row = x.startPosition.row;
    let useFF = true;
    const prevSize = size;
    const pair = x.type === 'keyed_element' ? x : null;
    const key = pair ? named(pair)[0] : null;
    size = sizeOf(x);
    if (size > 0 && pair && key) size = sizeOf(key);
    if (prevSize > 0 && size > 0) {
      if (count === 0 || (prevSize <= 40 && size <= 40)) useFF = false;
      else {
        const ratio = size / Math.exp(lnsum / count);
        useFF = 2.5 * ratio <= 1 || 2.5 <= ratio;
      }
    }
    const needsLinebreak = prevRow < row;
    const breaks = row > prevEnd;
    if (i === 0) {
      if (breaks) {
        l.ff.add(row);
        prevBreak = 0;
      }
    } else if (needsLinebreak && breaks) {
      const ff = useFF || prevBreak + 1 < i;
      const blank = row - prevEnd > 1;
      if (ff) l.ff.add(row);
      prevBreak = i;
      if (ff || blank) {
        lnsum = 0;
        count = 0;
      }
    }
    if (items.length > 1 && pair && key && size > 0 && needsLinebreak) {
      // `key:` \v `value`: the values of consecutive one-line pairs align.
      const colon = pair.children.find((c) => c?.type === ':');
      if (colon) addCut(l, row, colon.endIndex, true);
    }
    if (size > 0) {
      lnsum += Math.log(size);
      count++;
    }
    prevRow = row;
    prevEnd = x.endPosition.row;
  });
  if (close && items.length && close.endPosition.row > items[items.length - 1].endPosition.row) l.ff.add(close.endPosition.row);
}

/** keepTypeColumn of go/printer: which specs of a var/const group keep an (empty) type column. */
function keepTypeColumn(specs: SyntaxNode[]): boolean[] {
  const m = specs.map(() => false);
  let i0 = -1;
  let keep = false;
  specs.forEach((s, i) => {
    const hasValues = !!s.childForFieldName('value');
    if (hasValues) {
      if (i0 < 0) {
        i0 = i;
        keep = false;
      }
    } else if (i0 >= 0) {
      if (keep) for (let j = i0; j < i; j++) m[j] = true;
      i0 = -1;
    }
    if (s.childForFieldName('type')) keep = true;
  });
  if (i0 >= 0 && keep) for (let j = i0; j < specs.length; j++) m[j] = true;
  return m;
}

/** The comment that trails `n` on its last line, if any. */
function trailingComment(n: SyntaxNode): SyntaxNode | null {
  const next = n.nextSibling;
  return next && next.type === 'comment' && next.startPosition.row === n.endPosition.row ? next : null;
}

export function layout(root: SyntaxNode, text: string): Layout {
  const l: Layout = { cuts: new Map(), ff: new Set(), opaque: new Set() };
  const stack: SyntaxNode[] = [root];
  while (stack.length) {
    const n = stack.pop()!;
    const kids = n.namedChildren.filter((c): c is SyntaxNode => !!c);
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]);
    switch (n.type) {
      case 'comment': {
        const row = n.startPosition.row;
        if (rowsOf(n) > 0) {
          for (let r = row; r <= n.endPosition.row; r++) l.opaque.add(r);
          break;
        }
        const ls = text.lastIndexOf('\n', n.startIndex - 1) + 1;
        if (PAD_SEPARATED.test(text.slice(ls, n.startIndex))) {
          l.ff.add(row); // a comment on a line of its own starts a section
          break;
        }
        // A /*-comment followed by code on its line is separated by a blank, not a cell.
        const le = text.indexOf('\n', n.endIndex);
        if (text.slice(n.endIndex, le === -1 ? text.length : le).trim() !== '') break;
        const at = gapBefore(text, n);
        if (!l.cuts.get(row)?.some((c) => c.at === at)) addCut(l, row, at, false);
        break;
      }
      case 'raw_string_literal':
      case 'interpreted_string_literal':
        if (rowsOf(n) > 0) for (let r = n.startPosition.row; r <= n.endPosition.row; r++) l.opaque.add(r);
        break;
      case 'block': {
        const list = kids.find((k) => k.type === 'statement_list');
        const stmts = named(list).filter((s) => s.type !== 'comment');
        const close = n.endPosition.row > n.startPosition.row ? n : null;
        sectionList(l, n.startPosition.row, stmts);
        if (close) l.ff.add(n.endPosition.row);
        break;
      }
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement': {
        // Every case clause is a section; the closing brace too.
        for (const k of kids) {
          if (k.type.endsWith('_case')) {
            l.ff.add(k.startPosition.row);
            const body = named(k).find((c) => c.type === 'statement_list');
            const stmts = named(body).filter((s) => s.type !== 'comment');
            sectionList(l, k.startPosition.row, stmts);
          }
        }
        if (rowsOf(n) > 0) l.ff.add(n.endPosition.row);
        break;
      }
      case 'field_declaration_list': {
        const fields = kids.filter((k) => k.type === 'field_declaration');
        sectionList(l, n.startPosition.row, fields);
        if (rowsOf(n) > 0) l.ff.add(n.endPosition.row);
        const soft = fields.length > 1; // one field: separated by blanks
        for (const f of fields) fieldCells(l, text, f, soft);
        break;
      }
      case 'interface_type': {
        const elems = kids.filter((k) => k.type !== 'comment');
        sectionList(l, n.startPosition.row, elems);
        if (rowsOf(n) > 0) l.ff.add(n.endPosition.row);
        break;
      }
      case 'var_declaration':
      case 'const_declaration':
      case 'type_declaration':
      case 'import_declaration': {
        const holder = kids.find((k) => k.type.endsWith('_spec_list')) ?? n;
        const specs = named(holder).filter((k) => k.type.endsWith('_spec') || k.type === 'type_alias');
        const grouped = text.slice(n.startIndex, specs[0]?.startIndex ?? n.endIndex).includes('(');
        if (!grouped) break;
        sectionList(l, n.startPosition.row, specs);
        if (rowsOf(n) > 0) l.ff.add(n.endPosition.row);
        if (specs.length > 1 && (n.type === 'var_declaration' || n.type === 'const_declaration')) {
          const keep = keepTypeColumn(specs);
          specs.forEach((s, i) => valueSpecCells(l, text, s, keep[i]));
        } else if (specs.length > 1 && n.type === 'type_declaration') {
          for (const s of specs) {
            // name [type parameters] \v [= ] type: the cut is before the `=` of an alias.
            const t = s.children.find((c) => c?.type === '=') ?? s.childForFieldName('type');
            if (t) addCut(l, s.startPosition.row, gapBefore(text, t), true);
          }
        }
        break;
      }
      case 'literal_value': {
        const items = kids.filter((k) => k.type !== 'comment');
        exprList(l, n, items, n);
        break;
      }
      case 'argument_list': {
        const items = kids.filter((k) => k.type !== 'comment');
        exprList(l, n, items, n);
        break;
      }
      case 'parameter_list':
        // go/printer breaks parameter lists with formfeeds only.
        for (const k of kids) if (k.startPosition.row > n.startPosition.row) l.ff.add(k.startPosition.row);
        if (rowsOf(n) > 0) l.ff.add(n.endPosition.row);
        break;
      case 'expression_list': {
        if (n.parent?.type === 'expression_case' && n.parent.child(0)) {
          // A case's list is an exprList after the `case` keyword, like a bracketed one.
          exprList(
            l,
            n.parent.child(0)!,
            kids.filter((k) => k.type !== 'comment'),
            null,
          );
          break;
        }
        // Without brackets around it go/printer has no sizes to compare: every break is a section.
        kids.forEach((k, i) => {
          if (i > 0 && k.startPosition.row > kids[i - 1].endPosition.row) l.ff.add(k.startPosition.row);
        });
        break;
      }
      case 'source_file':
        // A function declaration over several lines starts a section (declList).
        for (const k of kids) if (FUNCTIONS.has(k.type) && rowsOf(k) > 0) l.ff.add(k.startPosition.row);
        break;
      case 'binary_expression': {
        const r = n.childForFieldName('right');
        if (r && r.startPosition.row > n.startPosition.row) l.ff.add(r.startPosition.row);
        break;
      }
      default:
        break;
    }
  }
  return l;
}

/** A struct field's cells: names \v type [\v \v tag] and the vtabs before its trailing comment. */
function fieldCells(l: Layout, text: string, f: SyntaxNode, soft: boolean): void {
  const names = f.childrenForFieldName('name').filter((c): c is SyntaxNode => !!c);
  const type = f.childForFieldName('type');
  const tag = f.childForFieldName('tag');
  if (!type) return;
  if (!soft) return;
  if (names.length) addCut(l, names[names.length - 1].endPosition.row, names[names.length - 1].endIndex, true);
  let extra = names.length ? 1 : 2;
  if (tag) {
    const at = type.endIndex;
    const tr = type.endPosition.row;
    if (names.length) addCut(l, tr, at, true);
    addCut(l, tr, at, true);
    extra = 0;
  }
  const c = trailingComment(f);
  if (c && extra) for (let i = 0; i < extra; i++) addCut(l, c.startPosition.row, gapBefore(text, c), true);
}

/** A var/const spec in a group: names \v [type] \v = values, and vtabs up to its trailing comment. */
function valueSpecCells(l: Layout, text: string, s: SyntaxNode, keepType: boolean): void {
  const names = s.childrenForFieldName('name').filter((c): c is SyntaxNode => !!c);
  const type = s.childForFieldName('type');
  const value = s.childForFieldName('value');
  if (!names.length) return;
  // Names may run over several lines: the cells follow the last one.
  const row = names[names.length - 1].endPosition.row;
  const afterNames = names[names.length - 1].endIndex;
  let extra = 3;
  if (type || keepType) {
    addCut(l, row, afterNames, true);
    extra--;
  }
  if (value) {
    addCut(l, row, type ? type.endIndex : afterNames, true);
    extra--;
  }
  const c = trailingComment(s);
  if (c) for (let i = 0; i < extra; i++) addCut(l, c.startPosition.row, gapBefore(text, c), true);
}

// ---------------------------------------------------------------------------------------------
// text/tabwriter (minwidth 0, tabwidth 8, padding 1, padchar ' ', DiscardEmptyColumns | TabIndent)

interface Cell {
  text: string;
  /** Rune count, as text/tabwriter measures. */
  width: number;
  /** Terminated by a hard tab (indentation, a trailing comment) rather than a vertical one. */
  hard: boolean;
}

const runes = (s: string) => [...s].length;

function padding(textw: number, cellw: number, useTabs: boolean): string {
  if (useTabs) {
    const w = Math.ceil(cellw / 8) * 8;
    return '\t'.repeat(Math.ceil((w - textw) / 8));
  }
  return ' '.repeat(cellw - textw);
}

/** Formats the lines of one flush of the tabwriter (no formfeed inside), as gofmt's writer does. */
function tabwriter(lines: Cell[][]): string[] {
  const out: string[] = new Array(lines.length);
  const widths: number[] = [];
  const write = (line0: number, line1: number) => {
    for (let i = line0; i < line1; i++) {
      let s = '';
      let useTabs = true;
      lines[i].forEach((c, j) => {
        if (c.text === '') {
          if (j < widths.length) s += padding(0, widths[j], useTabs);
        } else {
          useTabs = false;
          s += c.text;
          if (j < widths.length) s += padding(c.width, widths[j], false);
        }
      });
      out[i] = s.replace(/[ \t]+$/, '');
    }
  };
  const format = (line0: number, line1: number) => {
    const column = widths.length;
    for (let t = line0; t < line1; t++) {
      if (column >= lines[t].length - 1) continue;
      write(line0, t);
      line0 = t;
      let width = 0;
      let discardable = true;
      for (; t < line1; t++) {
        const line = lines[t];
        if (column >= line.length - 1) break;
        const c = line[column];
        width = Math.max(width, c.width + 1);
        if (c.width > 0 || c.hard) discardable = false;
      }
      if (discardable) width = 0;
      widths.push(width);
      format(line0, t);
      widths.pop();
      line0 = t;
    }
    write(line0, line1);
  };
  format(0, lines.length);
  return out;
}

let failReason = '';
function fail(why: string): null {
  failReason = why;
  return null;
}
/** Why the last alignText returned null (for tests). */
export const lastFailure = () => failReason;

/**
 * Lays out `text` (whole top-level declarations) as gofmt aligns it: the same text with the white
 * space between cells recomputed. Null when it holds something we cannot lay out.
 */
export function alignText(text: string): string | null {
  const HEADER = 'package p\n\n';
  // The trailing newline ends the last declaration (without it tree-sitter reports an error).
  const src = `${HEADER}${text}\n`;
  const tree = parseGo(src, null, { keepWasm: false });
  if (tree.rootNode.hasError) return fail('syntax');
  const l = layout(tree.rootNode, src);
  const lines = src.split('\n');
  const starts: number[] = [];
  for (let i = 0, o = 0; i < lines.length; i++) {
    starts.push(o);
    o += lines[i].length + 1;
  }
  const cellsOf = (row: number): Cell[] | null => {
    const line = lines[row];
    const base = starts[row];
    const m = /^\t*/.exec(line)!;
    const cells: Cell[] = [];
    for (let i = 0; i < m[0].length; i++) cells.push({ text: '', width: 0, hard: true });
    let from = base + m[0].length;
    const cuts = [...(l.cuts.get(row) ?? [])].sort((a, b) => a.at - b.at);
    for (const c of cuts) {
      if (c.at < from) {
        // Another cut at the same place: an empty cell.
        if (c.at === from || src.slice(c.at, from).trim() === '') {
          cells.push({ text: '', width: 0, hard: !c.soft });
          continue;
        }
        return null;
      }
      const cellText = src.slice(from, c.at);
      if (cellText.includes('\n')) return null;
      cells.push({ text: cellText, width: runes(cellText), hard: !c.soft });
      from = c.at;
      while (from < src.length && (src[from] === ' ' || src[from] === '\t')) from++;
    }
    const last = src.slice(from, base + line.length);
    cells.push({ text: last, width: runes(last), hard: false });
    return cells;
  };
  const out: string[] = [];
  let batch: Cell[][] = [];
  let batchRows: number[] = [];
  const flush = () => {
    if (!batch.length) return;
    const f = tabwriter(batch);
    batchRows.forEach((r, i) => (out[r] = f[i]));
    batch = [];
    batchRows = [];
  };
  for (let r = 0; r < lines.length; r++) {
    if (l.ff.has(r)) flush();
    if (l.opaque.has(r)) {
      flush();
      out[r] = lines[r];
      continue;
    }
    const cells = cellsOf(r);
    if (!cells) return fail(`cells ${r}`);
    batch.push(cells);
    batchRows.push(r);
    // A line of one cell (no tab at all) lets the tabwriter flush: nothing after it aligns with it.
    if (cells.length === 1) flush();
  }
  flush();
  return out.join('\n').slice(HEADER.length, -1);
}

// ---------------------------------------------------------------------------------------------
// A fix's edits plus the re-padding gofmt would do around them.

/** Lines where alignment may matter: a comment after code, a padded gap, a `key: value` line. */
const MAY_ALIGN = /\S[ \t]+\/[/*]|\S {2,}\S|^\s*[\w".]+:\s+\S/m;

/** A stretch of the file gofmt aligns independently of the rest, and how to make it a Go file. */
interface Region {
  start: number;
  end: number;
  prefix: string;
  suffix: string;
}

const STMT_PREFIX = 'func _() {\n';
const STMT_SUFFIX = '\n}';

/** True when code on the line of `offset` is followed by a comment (a cell gofmt aligns). */
function commentAfter(text: string, offset: number): boolean {
  return /^[^\n]*\/[/*]/.test(text.slice(offset, lineEnd(text, offset)));
}

/**
 * The lines whose alignment an edit of [s, e) can change, as small as gofmt's sections allow: in a
 * statement list, the edited statements and their neighbours up to a line of one cell (no comment
 * after the code), a blank line or a multi-line statement (each ends the tabwriter's columns);
 * elsewhere the whole top-level declaration. Keeps a fix in a long function from re-laying out all
 * of it, once per finding.
 */
function regionOf(text: string, root: SyntaxNode, decls: SyntaxNode[], s: number, e: number): Region | null {
  let n: SyntaxNode | null = root.descendantForIndex(s, e);
  while (n && !(n.type === 'statement_list' && n.startIndex <= s && e <= n.endIndex)) n = n.parent;
  if (n) {
    // Statements and comments on lines of their own (a comment after code belongs to its line).
    const stmts = named(n).filter((x, i, all) => !(x.type === 'comment' && i > 0 && all[i - 1].endPosition.row === x.startPosition.row));
    let lo = stmts.findIndex((x) => lineEnd(text, x.endIndex) >= s);
    let hi = stmts.length - 1;
    while (hi >= 0 && lineStart(text, stmts[hi].startIndex) > e) hi--;
    if (lo < 0) lo = stmts.length - 1;
    if (hi < 0) hi = 0;
    if (lo > hi) [lo, hi] = [hi, lo];
    const blankBetween = (a: SyntaxNode, b: SyntaxNode) => b.startPosition.row - a.endPosition.row > 1;
    while (lo > 0) {
      const prev = stmts[lo - 1];
      if (rowsOf(prev) > 0 || blankBetween(prev, stmts[lo]) || prev.type === 'comment') break;
      if (!commentAfter(text, prev.startIndex) && prev.startPosition.row < stmts[lo].startPosition.row) break;
      lo--;
    }
    while (hi < stmts.length - 1) {
      const next = stmts[hi + 1];
      if (rowsOf(stmts[hi]) > 0 || blankBetween(stmts[hi], next) || next.type === 'comment') break;
      if (!commentAfter(text, next.startIndex) && next.startPosition.row > stmts[hi].endPosition.row) break;
      hi++;
    }
    // Statements sharing a line with what precedes them are not laid out by gofmt: whole declaration.
    const start = lineStart(text, stmts[lo].startIndex);
    const end = lineEnd(text, stmts[hi].endIndex);
    if (text.slice(start, stmts[lo].startIndex).trim() === '' && start <= s && e <= end) {
      return { start, end, prefix: STMT_PREFIX, suffix: STMT_SUFFIX };
    }
  }
  const d = decls.find((x) => x.startIndex <= s && e <= x.endIndex);
  return d ? { start: lineStart(text, d.startIndex), end: lineEnd(text, d.endIndex), prefix: '', suffix: '' } : null;
}

/**
 * The edits of a fix, plus those that re-align what gofmt aligns around them (trailing comments,
 * struct fields, keyed elements, var/const groups). Where the region's current layout is not what
 * our model of gofmt gives (not gofmt-formatted, or a construct we do not model), the edits are
 * returned as they are.
 */
/**
 * Per file: the regions whose current layout our model reproduces (or not), and how many bytes
 * alignment has laid out so far. Every finding in a run of commented lines shares one region (gofmt
 * aligns the whole run), so without a budget n findings in a function of n such lines cost O(n^2):
 * 300 findings in a 5,100-line function took 100 s of CPU. Past the budget, fixes keep the edits as
 * the rule wrote them (correct Go; gofmt may re-pad neighbours).
 */
const perFile = new WeakMap<SyntaxNode, { reproduces: Map<string, boolean>; used: number }>();
const ALIGN_BUDGET_FACTOR = 4;
const ALIGN_BUDGET_MIN = 256 * 1024;

export function alignEdits(text: string, root: SyntaxNode, edits: TextEdit[]): TextEdit[] {
  if (!edits.length) return edits;
  let state = perFile.get(root);
  if (!state) perFile.set(root, (state = { reproduces: new Map(), used: 0 }));
  const budget = ALIGN_BUDGET_MIN + ALIGN_BUDGET_FACTOR * text.length;
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const decls = named(root).filter((d) => d.type !== 'comment' && d.type !== 'package_clause');
  // Each edit's region; overlapping regions merge (then they are the declaration's).
  const regions: { r: Region; es: TextEdit[] }[] = [];
  for (const e of sorted) {
    const r = regionOf(text, root, decls, e.start, e.end);
    if (!r) continue; // between declarations: nothing gofmt aligns with code
    const last = regions[regions.length - 1];
    if (last && r.start < last.r.end) {
      if (r.start === last.r.start && r.end === last.r.end) last.es.push(e);
      else {
        const d = regionOf(text, root, decls, last.es[0].start, e.end);
        if (!d || d.prefix) return edits;
        regions[regions.length - 1] = { r: d, es: [...last.es, e] };
      }
    } else regions.push({ r, es: [e] });
  }
  let out = sorted;
  let realigned = false;
  for (const { r, es } of regions) {
    const { start: ws, end: we, prefix, suffix } = r;
    const orig = prefix + text.slice(ws, we) + suffix;
    let changed = prefix;
    let pos = ws;
    // Where each part of the edited region comes from: the original text or an edit's newText.
    const parts: { from: number; to: number; orig: number | null; edit: TextEdit | null }[] = [];
    for (const e of es) {
      if (e.start < pos || e.end > we) return edits; // overlapping edits: leave them alone
      parts.push({ from: changed.length, to: changed.length + (e.start - pos), orig: pos, edit: null });
      changed += text.slice(pos, e.start);
      parts.push({ from: changed.length, to: changed.length + e.newText.length, orig: null, edit: e });
      changed += e.newText;
      pos = e.end;
    }
    parts.push({ from: changed.length, to: changed.length + (we - pos), orig: pos, edit: null });
    changed += text.slice(pos, we) + suffix;
    if (!MAY_ALIGN.test(changed) && !MAY_ALIGN.test(orig)) continue;
    if (state.used + orig.length + changed.length > budget) continue;
    const key = `${ws}:${we}:${prefix.length}`;
    let reproduces = state.reproduces.get(key);
    if (reproduces === undefined) {
      state.used += orig.length;
      state.reproduces.set(key, (reproduces = alignText(orig) === orig));
    }
    if (!reproduces) continue;
    state.used += changed.length;
    const aligned = alignText(changed);
    if (aligned === null || aligned === changed) continue;
    const fixes = paddingChanges(changed, aligned);
    if (!fixes) continue;
    // Each changed run of padding becomes an edit of the original text, or a change of the newText
    // of the edit that wrote it.
    const newTexts = new Map<TextEdit, { at: number; end: number; text: string }[]>();
    const extra: TextEdit[] = [];
    for (const f of fixes) {
      const p = parts.find((x) => x.from <= f.start && f.end <= x.to && (x.to > x.from || f.start === f.end));
      if (!p) return edits;
      if (p.edit) {
        const list = newTexts.get(p.edit) ?? [];
        list.push({ at: f.start - p.from, end: f.end - p.from, text: f.text });
        newTexts.set(p.edit, list);
      } else extra.push({ start: p.orig! + (f.start - p.from), end: p.orig! + (f.end - p.from), newText: f.text });
    }
    out = out.map((e) => {
      const changes = newTexts.get(e);
      if (!changes) return e;
      let t = e.newText;
      for (const c of [...changes].sort((a, b) => b.at - a.at)) t = t.slice(0, c.at) + c.text + t.slice(c.end);
      return { ...e, newText: t };
    });
    out = [...out, ...extra];
    realigned = true;
  }
  // Untouched fixes keep their edits as the rule wrote them.
  return realigned ? out.sort((a, b) => a.start - b.start || a.end - b.end) : edits;
}

/** The runs of white space `to` re-pads in `from`, as replacements; null if they differ otherwise. */
function paddingChanges(from: string, to: string): { start: number; end: number; text: string }[] | null {
  const a = from.split('\n');
  const b = to.split('\n');
  if (a.length !== b.length) return null;
  const out: { start: number; end: number; text: string }[] = [];
  let offset = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] !== b[i]) {
      const ta = a[i].split(/([ \t]+)/);
      const tb = b[i].split(/([ \t]+)/);
      // Trailing white space gofmt drops: an empty last token.
      if (ta.length !== tb.length) return null;
      let col = 0;
      for (let k = 0; k < ta.length; k++) {
        if (k % 2 === 0) {
          if (ta[k] !== tb[k]) return null;
        } else if (ta[k] !== tb[k]) out.push({ start: offset + col, end: offset + col + ta[k].length, text: tb[k] });
        col += ta[k].length;
      }
    }
    offset += a[i].length + 1;
  }
  return out;
}
