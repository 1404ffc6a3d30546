// Extension entry point. Activation stays cheap: it registers providers and commands backed by a
// core module that is loaded (dynamic import: the analyzer's code is not even evaluated before)
// right after activate() returns; the parser's WASM loads on the first analysis.
import { LOAD_START } from './clock';
import * as vscode from 'vscode';
import type { Core } from './core';
import type { Timings } from './diagnostics';
import { COMMANDS, SOCKETS_VIEW } from './ids';
import { disposeLog, info, reportError } from './log';
import type { ScanSummary } from './scan';
import { registerSocketView, type SocketViewApi } from './socketView';

const GO: vscode.DocumentSelector = [
  { language: 'go', scheme: 'file' },
  { language: 'go', scheme: 'untitled' },
];

/** What activate() returns: used by the in-host tests and for measurements. */
export interface ConnDoctorApi {
  timings(): Promise<Timings & { bundleLoadMs: number; activateMs: number; coreLoadMs?: number }>;
  /** Resolves when no analysis is running or scheduled. */
  whenIdle(): Promise<void>;
  scanWorkspace(): Promise<ScanSummary | undefined>;
  /** The Live Sockets view's session: status, watched pid, last counts, active symptoms. */
  sockets: SocketViewApi;
}

export function activate(context: vscode.ExtensionContext): ConnDoctorApi {
  const t0 = performance.now();
  const workerDir = __dirname; // dist/: worker.js sits next to extension.js
  let corePromise: Promise<Core> | undefined;
  let coreLoadMs: number | undefined;
  const core = (): Promise<Core> =>
    (corePromise ??= (async () => {
      const t = performance.now();
      const m = await import('./core');
      const c = m.createCore(context, workerDir);
      coreLoadMs = Math.round((performance.now() - t) * 10) / 10;
      info(`core loaded in ${coreLoadMs} ms`);
      return c;
    })());

  const sockets = registerSocketView(context);
  context.subscriptions.push(
    vscode.languages.registerCodeActionsProvider(
      GO,
      {
        provideCodeActions: async (doc, range, ctx) => (await core()).codeActions.provideCodeActions(doc, range, ctx),
        resolveCodeAction: async (action) => (await core()).codeActions.resolveCodeAction(action),
      },
      { providedCodeActionKinds: [vscode.CodeActionKind.QuickFix, vscode.CodeActionKind.SourceFixAll.append('conndoctor')] },
    ),
    vscode.languages.registerHoverProvider(GO, { provideHover: async (doc, pos) => (await core()).hovers.provideHover(doc, pos) }),
    vscode.commands.registerCommand(COMMANDS.scanWorkspace, async () => (await core()).commands.scanWorkspace()),
    vscode.commands.registerCommand(COMMANDS.fixAll, async () => (await core()).commands.fixAll()),
    vscode.commands.registerCommand(COMMANDS.showSockets, () => vscode.commands.executeCommand(`${SOCKETS_VIEW}.focus`)),
    sockets.disposable,
    { dispose: disposeLog },
  );
  // Load the core and analyze the open documents after activation has returned.
  const startTimer = setTimeout(() => core().catch((err) => reportError('starting', err)), 0);
  context.subscriptions.push({ dispose: () => clearTimeout(startTimer) });

  const activateMs = Math.round((performance.now() - t0) * 10) / 10;
  const bundleLoadMs = Math.round((t0 - LOAD_START) * 10) / 10;
  info(`activated in ${activateMs} ms (bundle evaluated in ${bundleLoadMs} ms before that)`);

  return {
    timings: async () => ({ ...(await core()).mgr.timings, bundleLoadMs, activateMs, coreLoadMs }),
    whenIdle: async () => (await core()).mgr.whenIdle(),
    scanWorkspace: async () => (await core()).commands.scanWorkspace(),
    sockets: sockets.api,
  };
}

export function deactivate(): void {}
