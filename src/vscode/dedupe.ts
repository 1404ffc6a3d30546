// Working with gopls instead of against it: when gopls (go vet's analyzers, or staticcheck when the
// user enabled it in gopls) already reports the same problem on the same code, we don't show a
// second diagnostic; our fixes are attached to gopls' diagnostic instead (see codeActions.ts).
// Pure: no 'vscode' import, so the matching is unit-tested with plain objects.
//
// How gopls labels analyzer diagnostics (gopls/internal/cache/analysis.go, toGobDiagnostic):
// `source` = the analyzer's name ("httpresponse", "SA5001" for staticcheck's checks),
// `code` = the diagnostic's category or "default". An analyzer that reports only a position gets
// an empty range there (httpresponse reports at `resp` in `defer resp.Body.Close()`;
// staticcheck's SA5001 reports the whole defer statement).
import type { Range } from '../analysis/model';

export interface DiagLike {
  source?: string;
  code?: string | number | { value: string | number };
  range: Range;
  message: string;
}

export interface FindingLike {
  rule: string;
  range: Range;
}

interface Equivalence {
  /** What the other tool calls it (matched against `source`, or `code` for linters that put it there). */
  names: string[];
  /** Our rule ids that report the same problem. */
  rules: string[];
}

/**
 * Other tools' checks that say what one of our rules says. Only exact equivalents: a related but
 * different check (e.g. bodyclose vs a read-deadline rule) must not hide our diagnostic.
 */
export const EQUIVALENTS: Equivalence[] = [
  // go vet httpresponse: "using resp before checking for errors" (defer resp.Body.Close() before err check).
  { names: ['httpresponse'], rules: ['defer-before-errcheck'] },
  // staticcheck SA5001: "should check error returned from ... before deferring x.Close()".
  { names: ['SA5001'], rules: ['defer-before-errcheck'] },
];

export const OUR_SOURCE = 'conndoctor';

function codeOf(d: DiagLike): string | undefined {
  const c = d.code;
  if (c === undefined || c === null) return undefined;
  return String(typeof c === 'object' ? c.value : c);
}

/** Our rule ids that diagnostic `d` (from another tool) stands for; empty when none. */
export function equivalentRules(d: DiagLike): string[] {
  if (d.source === OUR_SOURCE) return [];
  const names = [d.source, codeOf(d)].filter((x): x is string => !!x);
  const out: string[] = [];
  for (const e of EQUIVALENTS) if (e.names.some((n) => names.includes(n))) out.push(...e.rules);
  return out;
}

const before = (a: { line: number; character: number }, b: { line: number; character: number }) =>
  a.line < b.line || (a.line === b.line && a.character < b.character);

/**
 * True when the other tool's range points into our finding: its start lies inside our range
 * (ends inclusive). Both report the same statement; gopls may narrow it to one identifier.
 */
export function sameSpot(ours: Range, theirs: Range): boolean {
  return !before(theirs.start, ours.start) && !before(ours.end, theirs.start);
}

/** The other tool's diagnostic that already reports `f`, if any. */
export function coveredBy(f: FindingLike, others: readonly DiagLike[]): DiagLike | undefined {
  return others.find((d) => equivalentRules(d).includes(f.rule) && sameSpot(f.range, d.range));
}

/** Splits findings into those we show and those another tool already shows. */
export function partition<F extends FindingLike>(
  findings: readonly F[],
  others: readonly DiagLike[],
): { shown: F[]; covered: { finding: F; by: DiagLike }[] } {
  const relevant = others.filter((d) => equivalentRules(d).length > 0);
  const shown: F[] = [];
  const covered: { finding: F; by: DiagLike }[] = [];
  for (const f of findings) {
    const by = relevant.length ? coveredBy(f, relevant) : undefined;
    if (by) covered.push({ finding: f, by });
    else shown.push(f);
  }
  return { shown, covered };
}

/** Our hidden findings that a diagnostic of another tool (e.g. in a code action context) stands for. */
export function findingsFor<F extends FindingLike>(d: DiagLike, findings: readonly F[]): F[] {
  const rules = equivalentRules(d);
  if (!rules.length) return [];
  return findings.filter((f) => rules.includes(f.rule) && sameSpot(f.range, d.range));
}
