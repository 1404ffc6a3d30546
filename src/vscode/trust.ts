// Workspace Trust. Analysis, fixes and hovers only read files, so they run in Restricted Mode
// (package.json: capabilities.untrustedWorkspaces "limited"). Whatever inspects or connects to a
// running process (the socket view attaching to a PID, fetching /debug/pprof/goroutine, starting
// `go run`) calls requireTrust first: an untrusted folder must not be able to make us touch processes.
import * as vscode from 'vscode';

/**
 * True in a trusted workspace. Otherwise tells the user that `feature` needs trust, offers to
 * manage it, and returns false (also when the user then grants trust: they start the action again).
 */
export async function requireTrust(feature: string): Promise<boolean> {
  if (vscode.workspace.isTrusted) return true;
  const manage = vscode.l10n.t('Manage Workspace Trust');
  const pick = await vscode.window.showWarningMessage(
    vscode.l10n.t(
      '{0} needs a trusted workspace: it inspects running processes. In Restricted Mode Go Conn Doctor only reads files.',
      feature,
    ),
    manage,
  );
  if (pick === manage) await vscode.commands.executeCommand('workbench.trust.manage');
  return false;
}

/** Runs `fn` when the user grants trust later (e.g. to start the socket view that was refused). */
export function onTrustGranted(fn: () => void): vscode.Disposable {
  return vscode.workspace.onDidGrantWorkspaceTrust(fn);
}
