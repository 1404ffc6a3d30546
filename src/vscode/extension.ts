// Extension entry point: a language client for `conndoctor lsp` (the analysis runs in that
// process, never in the extension host), the commands, and the Live Sockets view (whose "Find the
// cause" asks the server for findings).
import { LOAD_START } from './clock';
import * as vscode from 'vscode';
import { ExecuteCommandRequest, State } from 'vscode-languageclient/node';
import { STATUS_REQUEST, type StatusResult } from '../server/protocol';
import { createClient } from './client';
import { COMMANDS, SOCKETS_VIEW } from './ids';
import { disposeLog, guardAsync, info, output } from './log';
import { scanWorkspace, type ScanSummary } from './scan';
import { setFindingsClient } from './findings';
import { registerSocketView, type SocketViewApi } from './socketView';

/** What activate() returns: used by the in-host tests and for measurements. */
export interface ConnDoctorApi {
  timings(): Promise<StatusResult['timings'] & { bundleLoadMs: number; activateMs: number; clientStartMs?: number }>;
  /** Resolves when the server has no analysis running or scheduled. */
  whenIdle(): Promise<void>;
  scanWorkspace(): Promise<ScanSummary | undefined>;
  /** The server's figures: timings, memory, process id. */
  status(): Promise<StatusResult>;
  /** Stops / starts the language server (measurements compare the editor with and without it). */
  stopServer(): Promise<void>;
  startServer(): Promise<void>;
  /** The Live Sockets view's session: status, watched pid, last counts, active symptoms. */
  sockets: SocketViewApi;
}

export function activate(context: vscode.ExtensionContext): ConnDoctorApi {
  const t0 = performance.now();
  const log = output();
  const { client, collection } = createClient(context, log);
  let clientStartMs: number | undefined;
  const started = client.start().then(
    () => {
      clientStartMs = Math.round((performance.now() - t0) * 10) / 10;
      info(`language server started in ${clientStartMs} ms`);
    },
    (e: Error) => log.error(`starting the language server: ${e.stack ?? e.message}`),
  );
  const ready = async () => {
    await started;
    if (client.state !== State.Running) throw new Error('the Go Conn Doctor language server is not running (see the log)');
  };
  setFindingsClient(client, ready);
  const sockets = registerSocketView(context);

  context.subscriptions.push(
    vscode.commands.registerCommand(COMMANDS.scanWorkspace, () =>
      guardAsync('Scan Workspace', async () => {
        await ready();
        return scanWorkspace(client, collection, log);
      }),
    ),
    vscode.commands.registerCommand(COMMANDS.fixAll, () => guardAsync('Fix All', () => fixAllInEditor())),
    vscode.commands.registerCommand(COMMANDS.showSockets, () => vscode.commands.executeCommand(`${SOCKETS_VIEW}.focus`)),
    vscode.commands.registerCommand(COMMANDS.showLog, () => log.show(true)),
    sockets.disposable,
    { dispose: () => void client.stop() },
    { dispose: disposeLog },
  );

  /** Applies every preferred fix in the active Go editor (the server computes and applies the edit). */
  async function fixAllInEditor(): Promise<number> {
    const doc = vscode.window.activeTextEditor?.document;
    if (!doc || doc.languageId !== 'go') {
      void vscode.window.showInformationMessage(vscode.l10n.t('Go Conn Doctor: open a Go file to fix its problems.'));
      return 0;
    }
    await ready();
    const r = (await client.sendRequest(ExecuteCommandRequest.type, {
      command: 'conndoctor.applyFixAll',
      arguments: [client.code2ProtocolConverter.asUri(doc.uri)],
    })) as { applied: number; remaining: number } | null;
    if (!r?.applied) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Go Conn Doctor: nothing to fix automatically in this file.'));
      return 0;
    }
    info(
      `fix all: applied ${r.applied} fix(es) to ${vscode.workspace.asRelativePath(doc.uri)}${r.remaining ? `, ${r.remaining} left` : ''}`,
    );
    vscode.window.setStatusBarMessage(vscode.l10n.t('Go Conn Doctor: applied {0} fix(es)', r.applied), 5000);
    return r.applied;
  }

  const activateMs = Math.round((performance.now() - t0) * 10) / 10;
  const bundleLoadMs = Math.round((t0 - LOAD_START) * 10) / 10;
  info(`activated in ${activateMs} ms (bundle evaluated in ${bundleLoadMs} ms before that)`);

  const status = async () => {
    await ready();
    return client.sendRequest<StatusResult>(STATUS_REQUEST);
  };
  return {
    timings: async () => ({ ...(await status()).timings, bundleLoadMs, activateMs, clientStartMs }),
    whenIdle: async () => {
      await status();
    },
    scanWorkspace: async () => (await vscode.commands.executeCommand<ScanSummary | undefined>(COMMANDS.scanWorkspace)) ?? undefined,
    status,
    stopServer: () => client.stop(),
    startServer: () => client.start(),
    sockets: sockets.api,
  };
}

export function deactivate(): void {}
