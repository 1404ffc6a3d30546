// The project's own CLI (dist/cli.js, the same analyzer) as the reference for what the editor must
// show: UI scenarios ask it which findings a workspace has and what a preferred fix produces.
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { REPO_ROOT } from './util';

export interface CliEdit {
  start: number;
  end: number;
  newText: string;
}
export interface CliFix {
  title: string;
  preferred?: boolean;
  edits: CliEdit[];
}
export interface CliFinding {
  /** Relative to the analyzed folder, '/'-separated. */
  file: string;
  /** 1-based, like the Problems panel. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
  fixes?: CliFix[];
}

/** `conndoctor --format json ./...` in `dir` (exit code 1 only means "there are findings"). */
export function cliFindings(dir: string): CliFinding[] {
  let out: string;
  try {
    out = execFileSync(process.execPath, [path.join(REPO_ROOT, 'dist', 'cli.js'), '--format', 'json', './...'], {
      cwd: dir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
      timeout: 60_000,
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    if (err.status !== 1 || !err.stdout) throw new Error(`conndoctor failed (exit ${err.status}): ${err.stderr ?? e}`);
    out = err.stdout;
  }
  return JSON.parse(out) as CliFinding[];
}

/** Apply a fix's edits (offsets into `text`; the examples are ASCII, so bytes = UTF-16 units). */
export function applyEdits(text: string, edits: CliEdit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.newText + out.slice(e.end);
  return out;
}

/**
 * A search string that lands on the finding's start through the editor's Find widget, and which
 * occurrence it is (Find is case-insensitive and counts from the top): the finding's own text
 * when it is on one line, else the rest of its first line.
 */
export function findingAnchor(text: string, f: CliFinding): { token: string; nth: number } {
  const lines = text.split('\n');
  const lineText = lines[f.line - 1] ?? '';
  const token = (f.endLine === f.line ? lineText.slice(f.column - 1, f.endColumn - 1) : lineText.slice(f.column - 1)).trimEnd();
  const offset = lines.slice(0, f.line - 1).reduce((n, l) => n + l.length + 1, 0) + f.column - 1;
  const hay = text.toLowerCase();
  const needle = token.toLowerCase();
  let nth = 0;
  for (let i = hay.indexOf(needle); i >= 0 && i < offset; i = hay.indexOf(needle, i + needle.length)) nth++;
  return { token, nth };
}
