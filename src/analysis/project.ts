// Analyzing files from disk, grouped by package directory: shared by the CLI, the worker threads
// and the benchmark.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { analyzeFiles, checkSource, InputError, siblingsOf, type AnalyzeOptions, type SourceFile } from './engine';
import type { Finding } from './model';
import { parseGo } from './parser';
import { FileFacts } from './facts/package';
import { declaredNames, isRelevantText, mentionsAny } from './relevance';

export interface DirResult {
  findings: Finding[];
  errors: string[];
  bytes: number;
  files: number;
  /** Bytes actually parsed (the rest was ruled out by the import pre-check). */
  parsedBytes?: number;
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

/** Analyzes the given files of one directory, with the directory's other files as facts. */
export function analyzeDir(files: string[], opts: AnalyzeOptions): DirResult {
  const res: DirResult = { findings: [], errors: [], bytes: 0, files: 0 };
  const targets: SourceFile[] = [];
  for (const p of files) {
    try {
      const text = readFileSync(p, 'utf8');
      checkSource(p, text);
      targets.push({ path: p, text });
      res.bytes += Buffer.byteLength(text);
      res.files++;
    } catch (e) {
      res.errors.push(
        e instanceof InputError
          ? e.message
          : `${p}: ${(e as NodeJS.ErrnoException).code === 'EACCES' ? 'permission denied' : (e as Error).message}`,
      );
    }
  }
  if (!targets.length) return res;
  const siblings = siblingsOf(files[0], new Set(files));
  try {
    const all = [...targets, ...siblings];
    const relevant = all.filter((s) => isRelevantText(s.text));
    if (!relevant.length) return res;
    // Files without networking imports matter only when they use names the relevant files declare.
    for (const s of relevant) s.tree = parseGo(s.text, null, { keepWasm: false });
    const names = declaredNames(relevant.map((s) => new FileFacts(s.path, s.text, s.tree!)));
    const rest = all.filter((s) => !relevant.includes(s) && mentionsAny(s.text, names));
    const picked = new Set([...relevant, ...rest]);
    const want = targets.filter((t) => picked.has(t));
    if (!want.length) return res;
    res.parsedBytes = [...picked].reduce((n, s) => n + Buffer.byteLength(s.text), 0);
    res.findings = analyzeFiles(
      want,
      [...picked].filter((s) => !want.includes(s)),
      opts,
    );
  } catch (e) {
    res.errors.push(`${dirname(files[0])}: analysis failed: ${(e as Error).message}`);
  }
  return res;
}
