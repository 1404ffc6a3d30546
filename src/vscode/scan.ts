// "Go Conn Doctor: Scan Workspace": the server analyzes every Go file of the workspace and sends
// the findings as workspace diagnostics; this shows the progress (cancellable) and then counts
// what the Problems panel shows: our diagnostics after the gopls dedupe, without hints (the panel
// does not list hints), so the number in the message is the number the user sees there.
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { WorkDoneProgress, type WorkDoneProgressBegin, type WorkDoneProgressReport } from 'vscode-languageclient/node';
import { SCAN_REQUEST, type ScanParams, type ScanResult } from '../server/protocol';
import type { DedupedCollection } from './dedupedCollection';
import { OUR_SOURCE } from './dedupe';

export interface ScanSummary extends ScanResult {
  /** Rows the Problems panel lists for our diagnostics (errors, warnings, infos) in the workspace. */
  problems: number;
  /** Of those, the files. */
  problemFiles: number;
  /** Hints (not listed in the Problems panel) and findings gopls already reports. */
  hints: number;
  hiddenByGopls: number;
}

let running: Promise<ScanSummary | undefined> | undefined;

/**
 * Globs the server's walk leaves out: VS Code's `files.exclude` (on), and `conndoctor.exclude` as
 * it is now (the server may not have received a change made a moment ago).
 */
function excludes(): string[] {
  const ex = vscode.workspace.getConfiguration('files').get<Record<string, unknown>>('exclude') ?? {};
  const ours = vscode.workspace.getConfiguration('conndoctor').get<unknown>('exclude');
  return [
    ...Object.entries(ex)
      .filter(([, on]) => on === true)
      .map(([g]) => g),
    ...(Array.isArray(ours) ? ours.filter((g): g is string => typeof g === 'string') : []),
  ];
}

/** What the Problems panel shows of ours under the workspace folders. */
export function problemCounts(collection: DedupedCollection | undefined): {
  problems: number;
  files: number;
  hints: number;
  hidden: number;
} {
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.toString().replace(/\/?$/, '/'));
  const inWorkspace = (u: vscode.Uri) => !folders.length || folders.some((f) => u.toString().startsWith(f));
  let problems = 0;
  let files = 0;
  let hints = 0;
  let hidden = 0;
  for (const [uri, diags] of vscode.languages.getDiagnostics()) {
    if (!inWorkspace(uri)) continue;
    const ours = diags.filter((d) => d.source === OUR_SOURCE);
    const listed = ours.filter((d) => d.severity !== vscode.DiagnosticSeverity.Hint).length;
    problems += listed;
    hints += ours.length - listed;
    if (listed) files++;
    if (collection) hidden += collection.allOf(uri).length - ours.length;
  }
  return { problems, files, hints, hidden };
}

export function scanWorkspace(
  client: LanguageClient,
  collection: () => DedupedCollection | undefined,
  log: vscode.LogOutputChannel,
): Promise<ScanSummary | undefined> {
  // A second click while a scan runs joins the running one.
  running ??= Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Go Conn Doctor: scanning the workspace'), cancellable: true },
      (progress, token) => runScan(client, collection, log, progress, token),
    ),
  ).finally(() => {
    running = undefined;
  });
  return running;
}

async function runScan(
  client: LanguageClient,
  collection: () => DedupedCollection | undefined,
  log: vscode.LogOutputChannel,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<ScanSummary | undefined> {
  if (!vscode.workspace.getConfiguration('conndoctor').get<boolean>('enable', true)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Go Conn Doctor is disabled (conndoctor.enable).'));
    return undefined;
  }
  const workDoneToken = `conndoctor-scan-${Date.now()}`;
  let last = 0;
  const sub = client.onProgress(WorkDoneProgress.type, workDoneToken, (p) => {
    if (p.kind === 'end') return;
    const v = p as WorkDoneProgressBegin | WorkDoneProgressReport;
    const pct = v.percentage ?? last;
    progress.report({ message: v.message, increment: pct - last });
    last = pct;
  });
  const seen = new Set<string>();
  const coll = collection();
  const before = coll?.onChange;
  if (coll) coll.onChange = (uri) => seen.add(uri.toString());
  try {
    const params: ScanParams = { exclude: excludes(), workDoneToken };
    const r = await client.sendRequest<ScanResult>(SCAN_REQUEST, params, token);
    // The findings travel as workspace diagnostics: wait until the files with findings are in.
    const want = Object.keys(r.perFile);
    const t0 = Date.now();
    while (Date.now() - t0 < 10_000 && !token.isCancellationRequested) {
      const c = collection();
      if (want.every((u) => seen.has(u) || (c?.allOf(vscode.Uri.parse(u)).length ?? 0) === r.perFile[u])) break;
      await new Promise((res) => setTimeout(res, 50));
    }
    const counts = problemCounts(collection());
    const summary: ScanSummary = {
      ...r,
      problems: counts.problems,
      problemFiles: counts.files,
      hints: counts.hints,
      hiddenByGopls: counts.hidden,
    };
    log.info(
      `workspace scan: ${r.findings} finding(s) in ${r.filesWithFindings} file(s) of ${r.files} (${r.packages} folders, ${r.ms} ms${r.threads ? `, ${r.threads} worker thread(s)` : ''}); the Problems panel lists ${counts.problems} in ${counts.files} file(s)${counts.hints ? ` (+${counts.hints} hints)` : ''}${counts.hidden ? `, ${counts.hidden} shown by gopls instead` : ''}`,
    );
    const msg = r.cancelled
      ? vscode.l10n.t('Go Conn Doctor: scan cancelled; {0} problem(s) so far.', counts.problems)
      : vscode.l10n.t('Go Conn Doctor: {0} problem(s) in {1} file(s) ({2} Go files scanned).', counts.problems, counts.files, r.files);
    const show = vscode.l10n.t('Show Problems');
    void vscode.window.showInformationMessage(msg, show).then((p) => {
      if (p === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
    });
    return summary;
  } finally {
    sub.dispose();
    if (coll) coll.onChange = before;
  }
}
