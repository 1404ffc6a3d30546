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

/** A message template in English and Simplified Chinese, with `{name}` placeholders. */
export interface MessageText {
  en: string;
  zh: string;
}

/** A place related to a finding: the leaking return, the loop, the acquisition. */
export interface RelatedInfo {
  range: Range;
  startOffset: number;
  endOffset: number;
  /** English text (rendered from `messageId`). */
  message: string;
  messageId: string;
  args?: Record<string, string>;
}

export interface Finding {
  rule: string;
  severity: Severity;
  /** The headline in English: one short line (at most 100 characters), like go vet's. */
  message: string;
  /** `<rule>/<id>` of the message template (RuleMeta.messages); editors render it in their language. */
  messageId?: string;
  /** The template's placeholder values (code: names, expressions; never translated). */
  args?: Record<string, string>;
  /** Where the details are (editors show them as related information). */
  related?: RelatedInfo[];
  file: string;
  range: Range;
  startOffset: number;
  endOffset: number;
  fixes: Fix[];
}

/**
 * A rule that threw while checking a file (or, without `rule`, parsing or package facts that
 * failed for a file or directory). The file's other rules still ran; what failed has no findings
 * there, so callers must show the error (CLI stderr, the editor's log, the server's `errors`),
 * never drop it.
 */
export interface AnalysisError {
  rule?: string;
  file: string;
  message: string;
  stack?: string;
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
  /**
   * The rule's messages by id: one short headline each (at most 100 characters once the
   * placeholders are filled; the detail belongs in related locations, the hover and the docs),
   * English and Simplified Chinese. Related-location texts are messages too.
   */
  messages?: Record<string, MessageText>;
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
