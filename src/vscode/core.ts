// Everything behind the providers: settings, the diagnostics manager, code actions, hovers, the
// command handlers. extension.ts loads this module with a dynamic import() on first use, so the
// analyzer (rules, facts, the parser glue) is not evaluated during activation.
import * as vscode from 'vscode';
import { allRules } from '../analysis/rules/index';
import { CodeActionProvider } from './codeActions';
import { commandHandlers } from './commands';
import { parseSettings, type Settings } from './config';
import { DiagnosticsManager } from './diagnostics';
import { HoverProvider } from './hovers';
import { output, reportError, warn } from './log';

function readSettings(): Settings {
  const { settings, problems } = parseSettings(vscode.workspace.getConfiguration('conndoctor'), new Set(allRules.map((r) => r.meta.id)));
  for (const p of problems) warn(`settings: ${p}`);
  return settings;
}

export interface Core {
  mgr: DiagnosticsManager;
  settings(): Settings;
  codeActions: CodeActionProvider;
  hovers: HoverProvider;
  commands: ReturnType<typeof commandHandlers>;
}

/** Builds the core, listens to settings and starts analyzing the open Go documents. */
export function createCore(context: vscode.ExtensionContext, workerDir: string): Core {
  let settings = readSettings();
  const mgr = new DiagnosticsManager(settings);
  context.subscriptions.push(
    mgr,
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('conndoctor')) return;
      try {
        settings = readSettings();
        mgr.updateSettings(settings);
      } catch (err) {
        reportError('applying settings', err);
      }
    }),
  );
  output().info(
    `${allRules.length} rules; run ${settings.run}${settings.enable ? '' : '; conndoctor.enable is false: no analysis until it is turned on'}`,
  );
  mgr.start();
  return {
    mgr,
    settings: () => settings,
    codeActions: new CodeActionProvider(mgr),
    hovers: new HoverProvider(mgr),
    commands: commandHandlers(mgr, () => settings, workerDir),
  };
}
