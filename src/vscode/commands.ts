// Commands: Scan Workspace, Fix All (active editor). Show Live Sockets is in extension.ts.
import * as vscode from 'vscode';
import { fixAllEdit } from './codeActions';
import type { Settings } from './config';
import type { DiagnosticsManager } from './diagnostics';
import { guardAsync, info } from './log';
import { scanWorkspace, type ScanSummary } from './scan';

/** Command handlers (registered by extension.ts, which loads this module on first use). */
export function commandHandlers(mgr: DiagnosticsManager, settings: () => Settings, workerDir: string) {
  return {
    scanWorkspace: (): Promise<ScanSummary | undefined> => guardAsync('Scan Workspace', () => scanWorkspace(mgr, settings, workerDir)),
    fixAll: (): Promise<number | undefined> => guardAsync('Fix All', () => fixAllInEditor(mgr)),
  };
}

/** Applies every preferred fix in the active Go editor. Returns the number of fixes applied. */
async function fixAllInEditor(mgr: DiagnosticsManager): Promise<number> {
  const editor = vscode.window.activeTextEditor;
  const doc = editor?.document;
  if (!doc || !mgr.wanted(doc)) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Go Conn Doctor: open a Go file to fix its problems.'));
    return 0;
  }
  if (!(await mgr.ready())) return 0;
  const r = fixAllEdit(mgr, doc);
  if (!r) {
    void vscode.window.showInformationMessage(vscode.l10n.t('Go Conn Doctor: nothing to fix automatically in this file.'));
    return 0;
  }
  const ok = await vscode.workspace.applyEdit(r.edit);
  if (!ok) return 0;
  info(`fix all: applied ${r.applied} fix(es) to ${vscode.workspace.asRelativePath(doc.uri)}${r.remaining ? `, ${r.remaining} left` : ''}`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Go Conn Doctor: applied {0} fix(es)', r.applied), 5000);
  return r.applied;
}
