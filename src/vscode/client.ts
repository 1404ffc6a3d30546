// The language client: starts `node dist/cli.js lsp --stdio` (the same server Neovim, Helix and
// Zed run) and adds what only VS Code can do: gopls dedupe (our diagnostics go through a
// collection that hides what gopls already reports, and our fixes still reach gopls' diagnostic),
// "Learn more" as a Markdown preview of the rule page bundled in the extension, and "Disable the
// rule" written into the workspace settings. No analysis runs in the extension host.
import * as vscode from 'vscode';
import {
  LanguageClient,
  TransportKind,
  type CodeActionMiddleware,
  type LanguageClientOptions,
  type Middleware,
  type ServerOptions,
} from 'vscode-languageclient/node';
import { DedupedCollection } from './dedupedCollection';
import { OUR_SOURCE } from './dedupe';

export const CLIENT_ID = 'conndoctor';
/** Commands the server offers that the client runs itself. */
const DISABLE_RULE = 'conndoctor.disableRule';
const OPEN_RULE_DOC = 'conndoctor.openRuleDoc';

const GO: LanguageClientOptions['documentSelector'] = [
  { scheme: 'file', language: 'go' },
  { scheme: 'untitled', language: 'go' },
];

export interface ClientParts {
  client: LanguageClient;
  /** Our diagnostics (all the server sent; the shown ones are in `vscode.languages`). */
  collection: () => DedupedCollection | undefined;
}

/** The bundled page of a rule, opened as a Markdown preview (offline). */
async function openRuleDoc(context: vscode.ExtensionContext, rule: string): Promise<void> {
  const uri = vscode.Uri.joinPath(context.extensionUri, 'docs', 'rules', `${rule}.md`);
  try {
    await vscode.workspace.fs.stat(uri);
  } catch {
    void vscode.window.showWarningMessage(vscode.l10n.t('Go Conn Doctor: no documentation for {0}.', rule));
    return;
  }
  try {
    await vscode.commands.executeCommand('markdown.showPreview', uri);
  } catch {
    await vscode.window.showTextDocument(uri);
  }
}

/** `file://…/docs/rules/<id>.md` links (the server's "Learn more") as a command that opens the preview. */
function withDocCommands(md: vscode.MarkdownString): vscode.MarkdownString {
  const value = md.value.replace(/\]\((file:\/\/[^)\s]*\/docs\/rules\/([\w-]+)\.md)\)/g, (_m, _url: string, id: string) => {
    return `](command:${OPEN_RULE_DOC}?${encodeURIComponent(JSON.stringify([id]))})`;
  });
  if (value === md.value) return md;
  const out = new vscode.MarkdownString(value);
  out.isTrusted = { enabledCommands: [OPEN_RULE_DOC] };
  out.supportThemeIcons = md.supportThemeIcons;
  return out;
}

export function createClient(context: vscode.ExtensionContext, output: vscode.LogOutputChannel): ClientParts {
  const serverModule = context.asAbsolutePath('dist/cli.js');
  const serverOptions: ServerOptions = {
    run: { module: serverModule, args: ['lsp'], transport: TransportKind.stdio },
    debug: { module: serverModule, args: ['lsp'], transport: TransportKind.stdio, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  let collection: DedupedCollection | undefined;

  const codeActions: CodeActionMiddleware['provideCodeActions'] = (document, range, context, token, next) => {
    // Ours hidden behind gopls' equivalent diagnostic: ask the server for their fixes too.
    const extra = collection?.hiddenFor(document.uri, context.diagnostics) ?? [];
    if (!extra.length) return next(document, range, context, token);
    return next(document, range, { ...context, diagnostics: [...context.diagnostics, ...extra] }, token);
  };

  const middleware: Middleware = {
    provideCodeActions: codeActions,
    provideHover: async (document, position, token, next) => {
      const h = await next(document, position, token);
      if (!h) return h;
      return new vscode.Hover(
        h.contents.map((c) => (c instanceof vscode.MarkdownString ? withDocCommands(c) : c)),
        h.range,
      );
    },
    executeCommand: async (command, args, next) => {
      if (command === DISABLE_RULE) {
        const rule = String(args[0]);
        const cfg = vscode.workspace.getConfiguration('conndoctor');
        const rules = { ...(cfg.get<Record<string, string>>('rules') ?? {}), [rule]: 'off' };
        await cfg.update(
          'rules',
          rules,
          vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global,
        );
        output.info(`${rule} turned off in the workspace settings (conndoctor.rules)`);
        return undefined;
      }
      if (command === OPEN_RULE_DOC) return openRuleDoc(context, String(args[0]));
      return next(command, args);
    },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: GO,
    outputChannel: output,
    synchronize: { configurationSection: 'conndoctor' },
    diagnosticPullOptions: { onChange: true, onSave: true },
    markdown: { isTrusted: { enabledCommands: [OPEN_RULE_DOC] } },
    diagnosticCollectionProvider: {
      create: (name) => {
        collection = new DedupedCollection(vscode.languages.createDiagnosticCollection(name ?? OUR_SOURCE), (m) => output.debug(m));
        return collection;
      },
      dispose: (c) => {
        c.dispose();
        if (c === collection) collection = undefined;
      },
    },
    middleware,
  };
  const client = new LanguageClient(CLIENT_ID, 'Go Conn Doctor', serverOptions, clientOptions);
  return { client, collection: () => collection };
}
