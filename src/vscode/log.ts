// The "Go Conn Doctor" output channel: the language client writes the server's log and traces
// into it ("Go Conn Doctor: Show Log"), the extension its own lines. Errors surface once per
// session as a notification, later ones only in the status bar. Nothing thrown from a handler may
// reach the extension host.
import * as vscode from 'vscode';

let channel: vscode.LogOutputChannel | undefined;
let warned = false;

export function output(): vscode.LogOutputChannel {
  return (channel ??= vscode.window.createOutputChannel('Go Conn Doctor', { log: true }));
}

export function info(msg: string): void {
  output().info(msg);
}

export function warn(msg: string): void {
  output().warn(msg);
}

/** Logs an error with its stack; tells the user once per session, then only in the status bar. */
export function reportError(what: string, e: unknown): void {
  const err = e instanceof Error ? e : new Error(String(e));
  try {
    output().error(`${what}: ${err.stack ?? err.message}`);
    if (!warned) {
      warned = true;
      const show = vscode.l10n.t('Show Log');
      void vscode.window
        .showWarningMessage(
          vscode.l10n.t('Go Conn Doctor: {0} failed ({1}). Details are in the "Go Conn Doctor" output.', what, err.message),
          show,
        )
        .then((pick) => {
          if (pick === show) output().show(true);
        });
    } else {
      vscode.window.setStatusBarMessage(vscode.l10n.t('$(warning) Go Conn Doctor: {0} failed, see Output', what), 5000);
    }
  } catch {
    /* reporting must never throw */
  }
}

export async function guardAsync<T>(what: string, fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (e) {
    reportError(what, e);
    return undefined;
  }
}

export function disposeLog(): void {
  channel?.dispose();
  channel = undefined;
  warned = false;
}
