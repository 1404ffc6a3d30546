// Analyzing files from disk, grouped by package directory: shared by the CLI, the worker threads
// and the benchmark.
import { readFileSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyze, checkSource, InputError, ParseTimeout, siblingsOf, type AnalyzeOptions, type SourceFile } from './engine';
import { DEFAULT_MAX_FILE_BYTES, isGenerated, tooBigMessage } from './files';
import type { AnalysisError, Finding } from './model';
import { firstSyntaxError, parseGo, type SyntaxTree } from './parser';
import { FileFacts } from './facts/package';
import { declaredNames, isRelevantText, mentionsAny } from './relevance';
import { recordInputs, takeInputs } from './facts/summaries';

export interface DirResult {
  findings: Finding[];
  /** Files that could not be read or analyzed, one message each. */
  errors: string[];
  /** Files left out on purpose: over the size limit, binary, generated, too complex to parse in time. */
  skipped?: { file: string; reason: 'size' | 'binary' | 'generated' | 'too-complex'; message: string }[];
  /** Files some rules did not finish on (time budget, nesting): their findings may be missing. */
  incomplete?: { file: string; message: string }[];
  /** The first syntax error of each parsed file with one (1-based line, 1-based UTF-8 byte column). */
  syntax?: { file: string; line: number; column: number; message: string }[];
  /** Rules that threw, or parsing/facts that failed: what failed has no findings there. */
  failures: AnalysisError[];
  bytes: number;
  /** Files read and analyzed (the import pre-check may have found nothing to look at in some). */
  files: number;
  /** Bytes actually parsed (the rest was ruled out by the import pre-check). */
  parsedBytes?: number;
  /** Files outside the directory the result depends on (cross-package facts): the result cache checks them. */
  inputs?: string[];
}

/** Groups file paths by directory (one Go package per directory, modulo _test packages). */
export function groupByDir(files: string[]): string[][] {
  const m = new Map<string, string[]>();
  for (const f of files) {
    const d = dirname(f);
    let g = m.get(d);
    if (!g) m.set(d, (g = []));
    g.push(f);
  }
  return [...m.values()];
}

/**
 * The files of one package the rules need: those with networking imports, and those that mention
 * a name the first ones declare. Parses (with `parse`, when a file has no tree yet) only what it
 * must to find the names; the rest are parsed by the engine if picked.
 */
export function pickFiles(
  all: SourceFile[],
  parse: (s: SourceFile) => SyntaxTree,
  tooComplex?: (s: SourceFile, e: ParseTimeout) => void,
): SourceFile[] {
  // A file tree-sitter gives up on is left out (and passed to `tooComplex`): for a sibling that
  // only costs its facts.
  const failed = new Set<SourceFile>();
  const relevant = all.filter((s) => {
    if (!isRelevantText(s.text)) return false;
    try {
      s.tree ??= parse(s);
      return true;
    } catch (e) {
      if (!(e instanceof ParseTimeout)) throw e;
      failed.add(s);
      tooComplex?.(s, e);
      return false;
    }
  });
  if (!relevant.length) return [];
  const names = declaredNames(relevant.map((s) => new FileFacts(s.path, s.text, s.tree!)));
  return [...relevant, ...all.filter((s) => !relevant.includes(s) && !failed.has(s) && mentionsAny(s.text, names))];
}

/** Analyzes the given files of one directory, with the directory's other files as facts. */
export function analyzeDir(files: string[], opts: AnalyzeOptions): DirResult {
  const res: DirResult = { findings: [], errors: [], skipped: [], syntax: [], incomplete: [], failures: [], bytes: 0, files: 0 };
  const limit = opts.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
  const targets: SourceFile[] = [];
  for (const p of files) {
    try {
      // The size before reading: a 1 GB file is skipped without loading it.
      const size = statSync(p).size;
      if (limit > 0 && size > limit) {
        res.skipped!.push({ file: p, reason: 'size', message: tooBigMessage(p, size, limit) });
        continue;
      }
      const text = readFileSync(p, 'utf8');
      checkSource(p, text, 0);
      if (!opts.includeGenerated && isGenerated(text)) {
        res.skipped!.push({ file: p, reason: 'generated', message: `${p}: skipped, generated (Code generated … DO NOT EDIT.)` });
        continue;
      }
      targets.push({ path: p, text });
      res.bytes += Buffer.byteLength(text);
      res.files++;
    } catch (e) {
      if (e instanceof InputError) res.skipped!.push({ file: p, reason: e.reason, message: e.message });
      else {
        const code = (e as NodeJS.ErrnoException).code;
        res.errors.push(`${p}: ${code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (e as Error).message}`);
      }
    }
  }
  if (!targets.length) return res;
  // Generated siblings still count as facts: they declare what the hand-written files call.
  const siblings = siblingsOf(files[0], new Set(files), limit, files);
  try {
    // A target too complex to parse in time counts as skipped, not analyzed.
    const skip = (t: SourceFile, message: string) => {
      res.skipped!.push({ file: t.path, reason: 'too-complex', message });
      res.files--;
      res.bytes -= Buffer.byteLength(t.text);
    };
    const picked = new Set(
      pickFiles(
        [...targets, ...siblings],
        (s) => parseGo(s.text, null, { keepWasm: false, path: s.path }),
        (s, e) => targets.includes(s) && skip(s, e.message),
      ),
    );
    const want = targets.filter((t) => picked.has(t));
    for (const t of want) {
      const err = t.tree && firstSyntaxError(t.tree);
      if (!err) continue;
      const before = t.text.slice(0, err.offset);
      const lineStart = before.lastIndexOf('\n') + 1;
      res.syntax!.push({
        file: t.path,
        line: before.split('\n').length,
        column: Buffer.byteLength(before.slice(lineStart)) + 1,
        message: err.message,
      });
    }
    if (!want.length) return res;
    res.parsedBytes = [...picked].reduce((n, s) => n + Buffer.byteLength(s.text), 0);
    recordInputs();
    let out: ReturnType<typeof analyze>;
    try {
      out = analyze(
        want,
        [...picked].filter((s) => !want.includes(s)),
        opts,
      );
    } finally {
      const inputs = takeInputs();
      if (inputs.length) res.inputs = inputs;
    }
    res.findings = out.findings;
    for (const i of out.incomplete) {
      // Files the engine parsed itself (those only mentioning relevant names) can time out there.
      if (i.reason === 'parse')
        skip(
          want.find((t) => t.path === i.file)!,
          i.message,
        );
      else res.incomplete!.push({ file: i.file, message: i.message });
    }
    res.failures = out.errors;
  } catch (e) {
    // Parsing or package facts failed: nothing of this directory was analyzed.
    const err = e instanceof Error ? e : new Error(String(e));
    res.failures.push({ file: dirname(files[0]), message: err.message, stack: err.stack });
  }
  return res;
}
