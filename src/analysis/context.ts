// What a rule sees while it checks one file, and how it reports.
import type { SyntaxNode, SyntaxTree } from './parser';
import type { FileFacts, PackageFacts } from './facts/package';
import { alignEdits } from './fixes/align';
import { addImportsEdit } from './fixes/imports';
import { goAtLeast } from './facts/gomod';
import type { Finding, Fix, RelatedInfo, RuleMeta, Severity, TextEdit } from './model';
import { argStrings, renderMessage, type MessageRef } from './messages';

/** Values quick-fixes insert where a timeout must be chosen (settings `conndoctor.fix.*Timeout`). */
export interface FixSettings {
  dialTimeout: string;
  httpClientTimeout: string;
  readTimeout: string;
  readHeaderTimeout: string;
  shutdownTimeout: string;
}

export const DEFAULT_FIX_SETTINGS: FixSettings = {
  dialTimeout: '5 * time.Second',
  httpClientTimeout: '30 * time.Second',
  readTimeout: '30 * time.Second',
  readHeaderTimeout: '10 * time.Second',
  shutdownTimeout: '10 * time.Second',
};

export class LineIndex {
  private readonly starts: number[] = [0];
  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }
  position(offset: number): { line: number; character: number } {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - this.starts[lo] };
  }
  offset(line: number, character: number): number {
    return (this.starts[Math.min(line, this.starts.length - 1)] ?? 0) + character;
  }
  get lineCount(): number {
    return this.starts.length;
  }
}

export class RuleContext {
  readonly findings: Finding[] = [];
  meta!: RuleMeta;
  severity: Severity = 'warning';
  private lines?: LineIndex;

  constructor(
    readonly file: FileFacts,
    readonly goVersion: string | undefined,
    readonly fix: FixSettings = DEFAULT_FIX_SETTINGS,
  ) {}

  get text(): string {
    return this.file.text;
  }
  get tree(): SyntaxTree {
    return this.file.tree;
  }
  get pkg(): PackageFacts {
    return this.file.pkg;
  }
  get path(): string {
    return this.file.path;
  }

  lineIndex(): LineIndex {
    return (this.lines ??= new LineIndex(this.file.text));
  }

  /** True when the module's Go version (go.mod `go` line, or override) is at least `v`. */
  goAtLeast(v: string): boolean {
    return goAtLeast(this.goVersion, v);
  }

  /** An edit adding the given imports (gofmt-style), or null when they are all present. */
  importEdit(paths: string[]): TextEdit | null {
    return addImportsEdit(this.file.text, this.file.tree, this.file.imports, paths);
  }

  /** The name to write for an import path in a fix (`net`, an alias, or '' for dot imports). */
  pkgName(path: string): string {
    const n = this.file.imports.nameFor(path);
    if (n === null) return path.slice(path.lastIndexOf('/') + 1);
    return n;
  }

  /** `pkg.Name` as the file spells it (handles aliases and dot imports). */
  ref(path: string, name: string): string {
    const n = this.pkgName(path);
    return n ? `${n}.${name}` : name;
  }

  /**
   * Reports a finding at `at`. `message`: `{ id, args }` naming one of the rule's `meta.messages`
   * (a short headline, rendered in the reader's language); a plain string is the old form (English
   * only). `related`: places that explain it (the leaking return, the loop, the acquisition), each
   * with a message id of its own.
   */
  report(
    at: SyntaxNode | { start: number; end: number },
    message: string | MessageRef,
    fixes: Fix[] = [],
    extra: { related?: RelatedRef[] } = {},
  ): void {
    const start = 'startIndex' in at ? at.startIndex : at.start;
    const end = 'endIndex' in at ? at.endIndex : at.end;
    const li = this.lineIndex();
    const ref = typeof message === 'string' ? null : message;
    const args = argStrings(ref?.args);
    const related: RelatedInfo[] = (extra.related ?? []).map((r) => {
      const rs = 'startIndex' in r.at ? r.at.startIndex : r.at.start;
      const re = 'endIndex' in r.at ? r.at.endIndex : r.at.end;
      const rargs = argStrings(r.args);
      return {
        range: { start: li.position(rs), end: li.position(re) },
        startOffset: rs,
        endOffset: re,
        message: renderMessage(this.meta, r.id, rargs),
        messageId: `${this.meta.id}/${r.id}`,
        ...(rargs ? { args: rargs } : {}),
      };
    });
    this.findings.push({
      rule: this.meta.id,
      severity: this.severity,
      message: ref ? renderMessage(this.meta, ref.id, args) : (message as string),
      ...(ref ? { messageId: `${this.meta.id}/${ref.id}` } : {}),
      ...(args ? { args } : {}),
      ...(related.length ? { related } : {}),
      file: this.file.path,
      range: { start: li.position(start), end: li.position(end) },
      startOffset: start,
      endOffset: end,
      // gofmt re-pads aligned neighbours (trailing comments, fields, keys) of what a fix changes.
      fixes: fixes
        .filter((f) => f.edits.length > 0)
        .map((f) => ({ ...f, edits: alignEdits(this.file.text, this.file.tree.rootNode, f.edits) })),
    });
  }
}

/** A related location for `ctx.report`. */
export interface RelatedRef {
  at: SyntaxNode | { start: number; end: number };
  id: string;
  args?: Record<string, string | number>;
}
