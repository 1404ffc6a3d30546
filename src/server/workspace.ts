// What the server shows for files that are not open: the results of "Scan Workspace" (kept fresh
// when scanned files change on disk), and an empty list for a file that was closed without a scan.
// Clients with pull diagnostics get them through `workspace/diagnostic`, held open until there is
// something new (the VS Code client asks again two seconds after each answer); clients without
// pull get `publishDiagnostics`.
import { relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  DocumentDiagnosticReportKind,
  type CancellationToken,
  type Diagnostic,
  type WorkspaceDiagnosticReport,
  type WorkspaceDocumentDiagnosticReport,
} from 'vscode-languageserver';
import { collectGoFiles } from '../analysis/files';
import type { Finding } from '../analysis/model';
import { matchesAny } from './glob';
import { resultIdOf, toDiagnostic } from './diagnostics';
import { currentLocale } from './l10n';

export interface Report {
  uri: string;
  findings: Finding[];
  items: Diagnostic[];
  resultId: string;
}

/** The file URI the client knows for an analyzer path. */
export function uriOfPath(path: string): string {
  return pathToFileURL(path).href;
}

/**
 * Go files of the workspace folders as `./...` lists them (no vendor/, testdata/, hidden or `_`
 * folders, no _test.go files), minus the exclude globs (relative to their folder).
 */
export function workspaceGoFiles(folders: string[], exclude: readonly string[]): { files: string[]; errors: string[] } {
  const files = new Set<string>();
  const errors: string[] = [];
  for (const folder of folders) {
    const walked = collectGoFiles([folder]);
    errors.push(...walked.warnings);
    for (const f of walked.files) {
      const rel = relative(folder, f).split('\\').join('/');
      if (!exclude.length || !matchesAny(rel, exclude)) files.add(f);
    }
  }
  return { files: [...files].sort(), errors };
}

export class WorkspaceReports {
  /** What the workspace view shows per URI (scanned files; closed files as empty). */
  private readonly reports = new Map<string, Report>();
  /** URIs whose report the client has not received yet. */
  private readonly pending = new Set<string>();
  private waiters: (() => void)[] = [];
  /** URIs a scan covered (kept fresh when they change on disk). */
  readonly scanned = new Set<string>();

  constructor(
    /** Push mode: the client has no pull diagnostics. */
    private readonly publish: ((uri: string, items: Diagnostic[]) => void) | null,
    /** True when the URI is open (its document report wins in the client). */
    private readonly isOpen: (uri: string) => boolean,
  ) {}

  get(uri: string): Report | undefined {
    return this.reports.get(uri);
  }

  /** Sets what the workspace view shows for `uri` (an empty list clears it in the client). */
  set(uri: string, findings: Finding[]): void {
    const items = findings.map((f) => toDiagnostic(f, uri, currentLocale()));
    const resultId = resultIdOf(items);
    const old = this.reports.get(uri);
    if (old && old.resultId === resultId) return;
    this.reports.set(uri, { uri, findings, items, resultId });
    if (this.publish) {
      if (!this.isOpen(uri)) this.publish(uri, items);
      return;
    }
    this.pending.add(uri);
    this.wake();
  }

  /** Forgets a URI that has nothing to show (after the client got the empty report). */
  private prune(uri: string): void {
    const r = this.reports.get(uri);
    if (r && !r.items.length && !this.scanned.has(uri)) this.reports.delete(uri);
  }

  /** A document closed: the workspace view takes over (its scan results, or nothing). */
  closed(uri: string): void {
    const r = this.reports.get(uri);
    if (r) {
      if (this.publish) this.publish(uri, r.items);
      else {
        this.pending.add(uri);
        this.wake();
      }
    } else this.set(uri, []);
  }

  /** Drops everything (settings turned the analyzer off): clears what the client shows. */
  clearAll(): void {
    this.scanned.clear();
    for (const uri of [...this.reports.keys()]) this.set(uri, []);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /**
   * Answers `workspace/diagnostic`: the reports the client has not seen, as soon as there are some
   * (the request is held until then, or until it is cancelled).
   */
  async pull(previous: { uri: string; value: string }[], token: CancellationToken): Promise<WorkspaceDiagnosticReport> {
    // A client that restarted (or lost state) tells us what it has: send what differs.
    for (const p of previous) {
      const r = this.reports.get(p.uri);
      if (r && r.resultId !== p.value) this.pending.add(p.uri);
    }
    while (!this.pending.size && !token.isCancellationRequested) {
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        const sub = token.onCancellationRequested(() => {
          sub.dispose();
          resolve();
        });
      });
    }
    if (token.isCancellationRequested) return { items: [] };
    const items: WorkspaceDocumentDiagnosticReport[] = [];
    for (const uri of this.pending) {
      const r = this.reports.get(uri);
      if (!r) continue;
      items.push({ kind: DocumentDiagnosticReportKind.Full, uri, version: null, resultId: r.resultId, items: r.items });
    }
    const sent = [...this.pending];
    this.pending.clear();
    for (const uri of sent) this.prune(uri);
    return { items };
  }

  /** Ends held requests (shutdown). */
  dispose(): void {
    this.wake();
  }
}
