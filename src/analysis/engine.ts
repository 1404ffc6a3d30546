// Runs rules over files and packages, applies suppressions and settings. Used by the CLI, the
// extension, the workers and the tests alike.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DEFAULT_MAX_FILE_BYTES, tooBigMessage } from './files';
import { initParser, parseGo, type SyntaxTree } from './parser';
import { FileFacts, PackageFacts } from './facts/package';
import { findGoMod } from './facts/gomod';
import { DEFAULT_FIX_SETTINGS, RuleContext, type FixSettings } from './context';
import type { AnalysisError, Finding, Rule, Severity, TextEdit } from './model';
import { allRules } from './rules/index';
import { flushSummaries } from './facts/summaries';
import { BudgetExceeded, InputError, overBudget, ParseTimeout, ruleBudgetFor, TooComplex, withBudget } from './limits';

export { InputError, ParseTimeout };

export interface AnalyzeOptions {
  /** Only these rule ids (default: all). */
  rules?: string[];
  disabled?: string[];
  severity?: Record<string, Severity | 'off'>;
  /** Overrides the go.mod `go` version. */
  goVersion?: string;
  fix?: Partial<FixSettings>;
  /** Files read from disk (analyzeDir): skip files over this many bytes (0 = no limit). */
  maxFileBytes?: number;
  /** Files read from disk (analyzeDir): also analyze files marked `// Code generated … DO NOT EDIT.` */
  includeGenerated?: boolean;
  /**
   * The ms of work the rules of one file may take; default `ruleBudgetFor(size)`, Infinity for none.
   * Past it the remaining rules are skipped and the file is listed in `Analysis.incomplete`.
   * (Parsing has its own deadline, see `parseGo`.)
   */
  budgetMs?: number;
  /** The rules to choose from (default: every rule); tests pass their own. */
  ruleSet?: readonly Rule[];
}

/** A target file some or all rules did not run on. */
export interface Incomplete {
  file: string;
  /**
   * `parse`: skipped whole, tree-sitter was cancelled; `budget`: the rules ran out of time;
   * `nesting`: some rules gave up on code nested too deeply for them.
   */
  reason: 'parse' | 'budget' | 'nesting';
  /** Rules that did not run (or were cut short); never empty. */
  skippedRules: string[];
  /** One line for people: `path: not fully analyzed: too complex, …` or `path: skipped, too complex to parse …`. */
  message: string;
}

export interface Analysis {
  findings: Finding[];
  /** Targets not fully analyzed: too complex to parse, or to finish within the budget. */
  incomplete: Incomplete[];
  /** Rules that threw (a bug of ours), one entry per rule and file: their findings there are missing. */
  errors: AnalysisError[];
}

/** Thrown by analyzeFiles when a rule fails (callers that can show partial results use analyze). */
export class AnalysisFailure extends Error {
  constructor(readonly errors: AnalysisError[]) {
    super(errors.map((e) => formatAnalysisError(e, true)).join('\n'));
    this.name = 'AnalysisFailure';
  }
}

/** `rule X failed on FILE: message` (with the stack below when `stack` is set). */
export function formatAnalysisError(e: AnalysisError, stack = false): string {
  const head = `${e.rule ? `rule ${e.rule}` : 'analysis'} failed on ${e.file}: ${e.message}`;
  return stack && e.stack ? `${head}\n${e.stack}` : head;
}

export interface SourceFile {
  path: string;
  text: string;
  /** A tree already parsed (incrementally) for exactly `text`. */
  tree?: SyntaxTree;
}

/** Thrown by `analyzeFiles` when its `stop` check says the result is no longer wanted (a newer edit). */
export class Cancelled extends Error {
  constructor() {
    super('analysis cancelled');
  }
}

/** Asked between rules: true when the analysis should give up (the language server's cancellation). */
export type StopCheck = () => boolean;

/** Rejects text that is not Go source we should parse (binary, huge). */
export function checkSource(path: string, text: string, maxBytes = DEFAULT_MAX_FILE_BYTES): void {
  // Characters, not bytes: a cheap bound here; callers reading from disk check the byte size first.
  if (maxBytes > 0 && text.length > maxBytes) throw new InputError(tooBigMessage(path, text.length, maxBytes), 'size');
  if (text.indexOf('\u0000') !== -1) throw new InputError(`${path}: skipped, looks like a binary file (NUL bytes)`, 'binary');
}

export function ensureReady(): Promise<unknown> {
  return initParser();
}

/** Facts for the sources that parse within their budget; the others go to `unparsed`. */
function buildFacts(sources: SourceFile[], unparsed: Map<SourceFile, InputError>): (FileFacts | null)[] {
  const facts = sources.map((s) => {
    try {
      return new FileFacts(s.path, s.text, s.tree ?? parseGo(s.text, null, { keepWasm: false, path: s.path }));
    } catch (e) {
      if (!(e instanceof ParseTimeout)) throw e;
      unparsed.set(s, e);
      return null;
    }
  });
  // One package per directory and package clause (`foo` and `foo_test` are separate packages).
  const groups = new Map<string, FileFacts[]>();
  for (const f of facts) {
    if (!f) continue;
    const key = `${dirname(f.path)}\u0000${f.packageName}`;
    let g = groups.get(key);
    if (!g) groups.set(key, (g = []));
    g.push(f);
  }
  for (const g of groups.values()) new PackageFacts(g);
  return facts;
}

/**
 * Analyzes `targets` with `siblings` (the other files of their packages) providing facts.
 * Findings are returned only for targets. A rule that throws is reported in `errors` and the
 * file's other rules still run. Parser must be initialised (`ensureReady`).
 */
/** Findings only, for callers with no way to show partial results (tests, benchmarks): a rule that throws throws. */
export function analyzeFiles(targets: SourceFile[], siblings: SourceFile[] = [], opts: AnalyzeOptions = {}, stop?: StopCheck): Finding[] {
  const res = analyze(targets, siblings, opts, stop);
  if (res.errors.length) throw new AnalysisFailure(res.errors);
  return res.findings;
}

/** The findings, the targets too complex to analyze fully, and the rules that threw. */
export function analyze(targets: SourceFile[], siblings: SourceFile[] = [], opts: AnalyzeOptions = {}, stop?: StopCheck): Analysis {
  if (stop?.()) throw new Cancelled();
  const unparsed = new Map<SourceFile, InputError>();
  const all = buildFacts([...targets, ...siblings], unparsed);
  const out: Analysis = { findings: [], incomplete: [], errors: [] };
  const fix = { ...DEFAULT_FIX_SETTINGS, ...opts.fix };
  const rules = enabledRules(opts);
  targets.forEach((t, i) => {
    const file = all[i];
    if (!file) {
      const message = unparsed.get(t)!.message;
      if (rules.length) out.incomplete.push({ file: t.path, reason: 'parse', skippedRules: rules.map((r) => r.meta.id), message });
      return;
    }
    const goVersion = opts.goVersion ?? findGoMod(dirname(file.path))?.go;
    const budget = opts.budgetMs ?? ruleBudgetFor(file.text.length);
    const res = runRules(file, rules, goVersion, fix, opts, budget, stop);
    out.findings.push(...res.findings);
    out.errors.push(...res.errors);
    const skipped = [...res.tooDeep, ...res.skipped];
    if (skipped.length) {
      const names = `${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', …' : ''}`;
      const why = res.skipped.length ? `after ${Math.round(budget)} ms` : 'as it nests too deeply';
      out.incomplete.push({
        file: file.path,
        reason: res.skipped.length ? 'budget' : 'nesting',
        skippedRules: skipped,
        message: `${file.path}: not fully analyzed: too complex, ${skipped.length} of ${rules.length} rules skipped ${why} (${names})`,
      });
    }
  });
  // What was learned about other packages' functions is kept for the next run.
  flushSummaries();
  return out;
}

function enabledRules(opts: AnalyzeOptions): readonly Rule[] {
  return (opts.ruleSet ?? allRules).filter((r) => {
    if (opts.rules && opts.rules.length && !opts.rules.includes(r.meta.id)) return false;
    if (opts.disabled?.includes(r.meta.id)) return false;
    if (opts.severity?.[r.meta.id] === 'off') return false;
    return true;
  });
}

function runRules(
  file: FileFacts,
  rules: readonly Rule[],
  goVersion: string | undefined,
  fix: FixSettings,
  opts: AnalyzeOptions,
  budgetMs: number,
  stop?: StopCheck,
): { findings: Finding[]; skipped: string[]; tooDeep: string[]; errors: AnalysisError[] } {
  const findings: Finding[] = [];
  const errors: AnalysisError[] = [];
  const suppress = suppressions(file.text);
  let skipped: string[] = [];
  const tooDeep: string[] = [];
  // The budget is checked between rules and, through `tick()`, inside the walks a rule makes; a
  // rule cut short reports nothing (half a search can look like a leak).
  withBudget(budgetMs, () => {
    for (let i = 0; i < rules.length; i++) {
      const rule = rules[i];
      if (stop?.()) throw new Cancelled();
      if (overBudget()) {
        skipped = rules.slice(i).map((r) => r.meta.id);
        return;
      }
      const ctx = new RuleContext(file, goVersion, fix);
      ctx.meta = rule.meta;
      const sev = opts.severity?.[rule.meta.id];
      ctx.severity = sev && sev !== 'off' ? sev : rule.meta.severity;
      try {
        rule.check(ctx);
      } catch (e) {
        if (e instanceof BudgetExceeded) {
          skipped = rules.slice(i).map((r) => r.meta.id);
          return;
        }
        // Code nested deeper than a rule follows (or than the stack allows, should a recursion
        // remain: the fuzz tests, in debug mode, see those) is input we cannot handle: that rule
        // is skipped for the file, which is reported.
        const overflow = e instanceof RangeError && /call stack/.test(e.message) && !process.env.CONNDOCTOR_DEBUG;
        if (e instanceof TooComplex || overflow) {
          tooDeep.push(rule.meta.id);
          continue;
        }
        // A rule bug must not take down the editor or the CLI run, nor hide: the other rules go on
        // and the caller shows the error (rule, file, stack). What it reported before is kept.
        const err = e instanceof Error ? e : new Error(String(e));
        errors.push({ rule: rule.meta.id, file: file.path, message: err.message, stack: err.stack });
      }
      for (const f of ctx.findings) if (!isSuppressed(suppress, f)) findings.push(f);
    }
  });
  findings.sort((a, b) => a.startOffset - b.startOffset || a.rule.localeCompare(b.rule));
  return { findings, skipped, tooDeep, errors };
}

interface Suppression {
  line: number;
  rules: Set<string> | 'all';
}

const IGNORE_RE = /\/\/\s*conndoctor:ignore\s+([\w,-]+)/g;
const NOLINT_RE = /\/\/\s*nolint(?::([\w,-]+))?/g;

function suppressions(text: string): Suppression[] {
  const out: Suppression[] = [];
  if (text.indexOf('conndoctor:ignore') === -1 && text.indexOf('nolint') === -1) return out;
  const lines = text.split('\n');
  lines.forEach((l, i) => {
    for (const m of l.matchAll(IGNORE_RE)) out.push({ line: i, rules: m[1] === 'all' ? 'all' : new Set(m[1].split(',')) });
    for (const m of l.matchAll(NOLINT_RE)) {
      // golangci-lint's names: bodyclose is the linter users already silence for unclosed bodies.
      if (!m[1]) out.push({ line: i, rules: new Set(['body-not-closed']) });
      else if (m[1].split(',').includes('bodyclose')) out.push({ line: i, rules: new Set(['body-not-closed']) });
    }
  });
  return out;
}

function isSuppressed(sup: Suppression[], f: Finding): boolean {
  const line = f.range.start.line;
  return sup.some((s) => (s.line === line || s.line === line - 1) && (s.rules === 'all' || s.rules.has(f.rule)));
}

/** Applies non-overlapping edits (later ones that overlap an earlier one are dropped). */
export function applyEdits(text: string, edits: TextEdit[]): string {
  const sorted = [...edits].sort((a, b) => a.start - b.start || a.end - b.end);
  const kept: TextEdit[] = [];
  let lastEnd = -1;
  for (const e of sorted) {
    if (e.start < lastEnd) continue;
    kept.push(e);
    lastEnd = Math.max(e.end, e.start);
  }
  let out = '';
  let pos = 0;
  for (const e of kept) {
    out += text.slice(pos, e.start) + e.newText;
    pos = e.end;
  }
  return out + text.slice(pos);
}

/** Applies the preferred fix of each finding in one pass; overlapping fixes wait for a later pass. */
export function applyPreferredFixes(text: string, findings: Finding[]): { text: string; applied: number } {
  const edits: TextEdit[] = [];
  const taken: TextEdit[] = [];
  let applied = 0;
  for (const f of findings) {
    // Only fixes a rule marks preferred are safe to apply unseen (--fix, fix-all on save).
    const fix = f.fixes.find((x) => x.preferred);
    if (!fix) continue;
    // Import edits from several fixes often coincide: keep one of identical edits.
    const own = fix.edits.filter((e) => !taken.some((t) => t.start === e.start && t.end === e.end && t.newText === e.newText));
    if (
      own.some(
        (e) =>
          edits.some((o) => e.start < o.end && o.start < e.end) ||
          edits.some((o) => o.start === e.start && o.end === e.end && e.start === e.end),
      )
    )
      continue;
    edits.push(...own);
    taken.push(...fix.edits);
    applied++;
  }
  return { text: applyEdits(text, edits), applied };
}

/**
 * Whether `name` can be a sibling of `target` in one package: a test file's declarations exist
 * only in the test build, so files that are not tests never see them.
 */
export function isSiblingFile(name: string, target: string): boolean {
  return name.endsWith('.go') && (target.endsWith('_test.go') || !name.endsWith('_test.go'));
}

/** Reads the other .go files of a file's directory, for package facts (test files only for test targets). */
export function siblingsOf(
  path: string,
  exclude: Set<string> = new Set(),
  maxBytes = DEFAULT_MAX_FILE_BYTES,
  targets: string[] = [path],
): SourceFile[] {
  const dir = dirname(path);
  const out: SourceFile[] = [];
  let names: string[] = [];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  const tests = targets.some((t) => t.endsWith('_test.go'));
  for (const n of names) {
    const p = join(dir, n);
    if (!isSiblingFile(n, tests ? '_test.go' : '') || p === path || exclude.has(p)) continue;
    try {
      // Only regular files (through links too) of a sane size: reading a FIFO blocks, a huge file costs memory.
      const st = statSync(p);
      if (!st.isFile() || (maxBytes > 0 && st.size > maxBytes)) continue;
      const text = readFileSync(p, 'utf8');
      checkSource(p, text, maxBytes);
      out.push({ path: p, text });
    } catch {
      /* unreadable or binary sibling: facts from it are simply missing */
    }
  }
  return out;
}
