// Shared vocabulary of the analyzer. Offsets are JavaScript string indices (UTF-16 code units),
// which is what web-tree-sitter reports and what VS Code positions use.

export type Severity = 'error' | 'warning' | 'info' | 'hint';

export interface Position {
  /** 0-based line. */
  line: number;
  /** 0-based column in UTF-16 code units. */
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

export interface TextEdit {
  /** Start offset (UTF-16 index into the file text). */
  start: number;
  /** End offset, exclusive. */
  end: number;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** The fix `--fix` and "fix all" apply. At most one per finding. */
  preferred?: boolean;
}

export interface Finding {
  rule: string;
  severity: Severity;
  message: string;
  file: string;
  range: Range;
  startOffset: number;
  endOffset: number;
  fixes: Fix[];
}

export type RuleCategory = 'close' | 'timeout' | 'deadline' | 'shutdown' | 'raw-socket' | 'errors';

export interface RuleMeta {
  /** Fixed by the issues; used in settings, suppressions, SARIF and docs anchors. */
  id: string;
  title: string;
  severity: Severity;
  category: RuleCategory;
  /** Minimum Go version (e.g. "1.16") for the rule or its preferred fix to apply, if any. */
  minGo?: string;
  /** One or two sentences: what goes wrong at run time and what to do. */
  description: string;
  /** Simplified Chinese version of title and description. */
  zh?: { title: string; description: string };
  /** Page name under docs/rules/ (normally the id: docs/rules/<id>.md). */
  docs: string;
}

import type { RuleContext } from './context';

export interface Rule {
  meta: RuleMeta;
  check(ctx: RuleContext): void;
}

export const DOCS_BASE = 'https://github.com/go-conn-doctor/go-conn-doctor/blob/main/docs/rules';

export function docsUrl(meta: RuleMeta): string {
  return `${DOCS_BASE}/${meta.docs}.md`;
}
