// "Go Conn Doctor: Scan Workspace": every Go file of the workspace into the Problems panel, with a
// cancellable progress notification. Respects files.exclude (through findFiles), vendor/,
// testdata/, hidden and `_` folders (as `go build ./...` does) and conndoctor.exclude.
// Big workspaces go to worker threads (dist/worker.js); small ones run here in short slices so the
// extension host stays responsive.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AnalyzeOptions } from '../analysis/engine';
import type { Finding } from '../analysis/model';
import { groupByDir, type DirResult } from '../analysis/project';
import { analyzeOptions, type Settings } from './config';
import type { DiagnosticsManager } from './diagnostics';
import { inSkippedDir, matchesAny } from './glob';
import { info, warn } from './log';

export interface ScanSummary {
  files: number;
  packages: number;
  findings: number;
  filesWithFindings: number;
  ms: number;
  cancelled: boolean;
  threads: number;
  errors: number;
  /** Where the time went (ms): listing files, filtering them, analysis, filling Problems. */
  phases: { findFiles: number; filter: number; analyze: number; publish: number };
}

/** Workspaces with at least this many Go files are analyzed in worker threads. */
export const WORKER_MIN_FILES = 300;

let running: Promise<ScanSummary | undefined> | undefined;

export function scanWorkspace(mgr: DiagnosticsManager, settings: () => Settings, workerDir: string): Promise<ScanSummary | undefined> {
  // A second click while a scan runs joins the running one.
  running ??= Promise.resolve(
    vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Go Conn Doctor: scanning the workspace'), cancellable: true },
      (progress, token) => runScan(mgr, settings(), workerDir, progress, token),
    ),
  ).finally(() => {
    running = undefined;
  });
  return running;
}

async function runScan(
  mgr: DiagnosticsManager,
  settings: Settings,
  workerDir: string,
  progress: vscode.Progress<{ message?: string; increment?: number }>,
  token: vscode.CancellationToken,
): Promise<ScanSummary | undefined> {
  const t0 = performance.now();
  if (!settings.enable) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Go Conn Doctor is disabled (conndoctor.enable).'));
    return undefined;
  }
  if (!(await mgr.ready())) return undefined;
  progress.report({ message: vscode.l10n.t('finding Go files…') });
  // `undefined` as exclude = files.exclude applies.
  const tf = performance.now();
  const uris = await vscode.workspace.findFiles('**/*.go', undefined, undefined, token);
  const tFilter = performance.now();
  const byPath = new Map<string, vscode.Uri>();
  // Relative paths by prefix (asRelativePath costs ~50 µs a call: 0.2 s of blocked host for 4000 files).
  const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.path.replace(/\/?$/, '/')).sort((a, b) => b.length - a.length);
  const relOf = (u: vscode.Uri) => {
    const f = folders.find((x) => u.path.startsWith(x));
    return f ? u.path.slice(f.length) : u.path;
  };
  let slice = performance.now();
  for (const u of uris) {
    if (u.scheme !== 'file') continue;
    const rel = relOf(u);
    // Like `conndoctor ./...`: test files only when opened (leaks in tests die with the test binary).
    if (rel.endsWith('_test.go') || inSkippedDir(rel) || matchesAny(rel, settings.exclude)) continue;
    byPath.set(u.fsPath, u);
    if (performance.now() - slice > 20) {
      await new Promise((r) => setImmediate(r));
      slice = performance.now();
    }
  }
  const paths = [...byPath.keys()].sort();
  const groups = groupByDir(paths);
  const results = new Map<string, { uri: vscode.Uri; findings: Finding[] }>();
  for (const u of byPath.values()) results.set(u.toString(), { uri: u, findings: [] });
  const add = (fs: Finding[]) => {
    for (const f of fs) {
      const u = byPath.get(f.file);
      if (u) results.get(u.toString())!.findings.push(f);
    }
  };
  let done = 0;
  const step = groups.length ? 100 / groups.length : 100;
  const tick = () => {
    done++;
    progress.report({ increment: step, message: vscode.l10n.t('{0}/{1} packages', done, groups.length) });
  };

  const tAnalyze = performance.now();
  const workerPath = join(workerDir, 'worker.js');
  const useWorkers = paths.length >= WORKER_MIN_FILES && existsSync(workerPath);
  const threads = useWorkers ? Math.max(1, Math.min(availableParallelism() - 1, 4, groups.length)) : 0;
  let errors = 0;
  let cancelled = false;
  if (useWorkers) {
    const r = await runWorkers(workerPath, threads, groups, analyzeOptions(settings), token, (res) => {
      add(res.findings);
      errors += res.errors.length;
      for (const e of res.errors) warn(e);
      tick();
    });
    cancelled = r === 'cancelled';
  } else {
    slice = performance.now();
    for (const g of groups) {
      if (token.isCancellationRequested) {
        cancelled = true;
        break;
      }
      for (const fs of mgr.analyzeDiskFiles(g).values()) add(fs);
      tick();
      // Yield to the extension host every ~20 ms.
      if (performance.now() - slice > 20) {
        await new Promise((r) => setImmediate(r));
        slice = performance.now();
      }
    }
  }
  if (token.isCancellationRequested) cancelled = true;
  const tPublish = performance.now();
  mgr.setScanResults(results, !cancelled);
  const tEnd = performance.now();
  const r1 = (x: number) => Math.round(x);

  const ms = Math.round(performance.now() - t0);
  const all = [...results.values()];
  const summary: ScanSummary = {
    files: paths.length,
    packages: groups.length,
    findings: all.reduce((n, r) => n + r.findings.length, 0),
    filesWithFindings: all.filter((r) => r.findings.length).length,
    ms,
    cancelled,
    threads,
    errors,
    phases: { findFiles: r1(tFilter - tf), filter: r1(tAnalyze - tFilter), analyze: r1(tPublish - tAnalyze), publish: r1(tEnd - tPublish) },
  };
  info(
    `workspace scan: ${summary.findings} finding(s) in ${summary.filesWithFindings} file(s); ${summary.files} Go files in ${summary.packages} folders, ${ms} ms${threads ? `, ${threads} worker thread(s)` : ' in-process'}${cancelled ? ' (cancelled)' : ''}`,
  );
  const msg = cancelled
    ? vscode.l10n.t('Go Conn Doctor: scan cancelled; {0} finding(s) so far.', summary.findings)
    : vscode.l10n.t(
        'Go Conn Doctor: {0} finding(s) in {1} file(s) ({2} Go files scanned).',
        summary.findings,
        summary.filesWithFindings,
        summary.files,
      );
  const show = vscode.l10n.t('Show Problems');
  void vscode.window.showInformationMessage(msg, show).then((p) => {
    if (p === show) void vscode.commands.executeCommand('workbench.actions.view.problems');
  });
  return summary;
}

/** Feeds package directories to worker threads (dist/worker.js protocol: {id, files, opts} -> DirResult). */
function runWorkers(
  workerPath: string,
  threads: number,
  groups: string[][],
  opts: AnalyzeOptions,
  token: vscode.CancellationToken,
  onResult: (r: DirResult) => void,
): Promise<'done' | 'cancelled'> {
  // Biggest directories first so no worker ends alone with a huge one.
  const order = [...groups].sort((a, b) => b.length - a.length);
  let next = 0;
  const workers: Worker[] = [];
  return new Promise((resolve, reject) => {
    let finished = 0;
    let settled = false;
    const end = (how: 'done' | 'cancelled' | Error) => {
      if (settled) return;
      settled = true;
      sub.dispose();
      for (const w of workers) void w.terminate();
      if (how instanceof Error) reject(how);
      else resolve(how);
    };
    const sub = token.onCancellationRequested(() => end('cancelled'));
    for (let i = 0; i < threads; i++) {
      const w = new Worker(workerPath);
      workers.push(w);
      const feed = () => {
        if (settled) return;
        if (next >= order.length) {
          if (++finished === threads) end('done');
          return;
        }
        const files = order[next++];
        w.postMessage({ id: next, files, opts });
      };
      w.on('message', (m: DirResult) => {
        if (settled) return;
        onResult(m);
        feed();
      });
      w.on('error', (e) => end(e));
      feed();
    }
  });
}
