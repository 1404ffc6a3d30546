// Text computations behind the code actions: "fix all" with re-analysis between rounds, the
// smallest single edit between two texts, and the `//conndoctor:ignore` directive.
// Pure: no 'vscode' import (unit-tested).
import { applyPreferredFixes } from '../analysis/engine';
import type { Finding } from '../analysis/model';

export interface FixAllResult {
  text: string;
  /** Fixes applied over all rounds. */
  applied: number;
  rounds: number;
  /** Findings left with a preferred fix that could not be applied (overlaps that never resolved). */
  remaining: number;
}

/**
 * Applies the preferred fix of every finding, the way `conndoctor --fix` does: fixes that overlap
 * wait for the next round, and each round re-analyzes the text it produced (offsets and findings
 * change after a fix). Stops when a round applies nothing, or after `maxRounds`.
 */
export function fixAllText(text: string, analyze: (text: string) => Finding[], maxRounds = 5, first?: Finding[]): FixAllResult {
  let current = first ?? analyze(text);
  let applied = 0;
  let rounds = 0;
  const seen = new Set<string>([text]);
  while (rounds < maxRounds) {
    const fixable = current.filter(hasAutoFix);
    if (!fixable.length) break;
    const r = applyPreferredFixes(text, fixable);
    if (!r.applied || r.text === text) break;
    rounds++;
    applied += r.applied;
    text = r.text;
    if (seen.has(text)) break; // a fix that undoes another: stop rather than loop
    seen.add(text);
    current = analyze(text);
  }
  return { text, applied, rounds, remaining: current.filter(hasAutoFix).length };
}

/** The fix "fix all" applies to a finding: its preferred fix (a rule leaves uncertain fixes unmarked). */
export function autoFix(f: Finding) {
  return f.fixes.find((x) => x.preferred);
}

export function hasAutoFix(f: Finding): boolean {
  return !!autoFix(f);
}

/** One replacement turning `a` into `b` (common prefix and suffix kept), or null when equal. */
export function minimalEdit(a: string, b: string): { start: number; end: number; newText: string } | null {
  if (a === b) return null;
  let p = 0;
  const max = Math.min(a.length, b.length);
  while (p < max && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  // Don't split a surrogate pair.
  if (p > 0 && isHighSurrogate(a.charCodeAt(p - 1))) p--;
  let s = 0;
  while (s < max - p && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  if (s > 0 && isHighSurrogate(a.charCodeAt(a.length - s - 1)) && a.length - s - 1 >= p) s--;
  return { start: p, end: a.length - s, newText: b.slice(p, b.length - s) };
}

function isHighSurrogate(c: number): boolean {
  return c >= 0xd800 && c <= 0xdbff;
}

export interface IgnoreEdit {
  /** Offset to insert at (a line start) or, when extending an existing directive, to replace from. */
  start: number;
  end: number;
  /** Text before the reason placeholder. */
  before: string;
  /** Default reason (the placeholder's text); empty when the existing directive keeps its reason. */
  reason: string;
  /** Text after the reason. */
  after: string;
}

const DIRECTIVE_RE = /\/\/\s*conndoctor:ignore\s+([\w,-]+)/;

/**
 * The edit that silences `rule` on the line `line` (0-based): `//conndoctor:ignore <rule> <reason>`
 * on its own line just above, indented like the flagged line. When the line above already holds a
 * conndoctor:ignore directive, the rule is added to its list instead.
 */
export function ignoreEdit(text: string, line: number, rule: string, reason = 'reason'): IgnoreEdit | null {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  if (line < 0 || line >= starts.length) return null;
  const ls = starts[line];
  const le = line + 1 < starts.length ? starts[line + 1] - 1 : text.length;
  const lineText = text.slice(ls, le).replace(/\r$/, '');
  if (line > 0) {
    const ps = starts[line - 1];
    const prev = text.slice(ps, ls - 1).replace(/\r$/, '');
    const m = DIRECTIVE_RE.exec(prev);
    if (m) {
      // A directive applies to its own line and the next one, trailing or alone: extend its list.
      const ids = m[1].split(',');
      if (ids.includes(rule) || ids.includes('all')) return null;
      const at = ps + m.index + m[0].length;
      return { start: at, end: at, before: `,${rule}`, reason: '', after: '' };
    }
  }
  const indent = /^[ \t]*/.exec(lineText)![0];
  const eol = text.slice(ls, le).endsWith('\r') ? '\r\n' : '\n';
  return { start: ls, end: ls, before: `${indent}//conndoctor:ignore ${rule} `, reason, after: eol };
}
