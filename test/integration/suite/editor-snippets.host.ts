// Snippets in the real editor: the language server offers snippets/go.json as completion items
// that add the imports they need (a VS Code snippet contribution cannot), so typing a plain word
// and accepting the suggestion inserts the body and the imports.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, closeAll, removeScratch, writeScratch } from './editor-helpers';
import { extension, sleep, waitFor } from './helpers';

const SRC = 'package snip\n\nimport "fmt"\n\nvar _ = fmt.Sprint\n\n';

describe('editor: snippets', function () {
  after(async () => {
    await removeScratch();
    await closeAll();
  });

  it('no static snippet contribution: each snippet is listed once, by the language server', () => {
    const pkg = extension().packageJSON as { contributes?: { snippets?: unknown } };
    assert.equal(pkg.contributes?.snippets, undefined);
  });

  it('typing httpclient and accepting the suggestion inserts the body and the "net/http", "time" and "context" imports', async function () {
    this.timeout(90_000);
    await api();
    const uri = writeScratch('_conndoctor_it/snippets/main.go', SRC);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    const end = doc.positionAt(SRC.length);
    editor.selection = new vscode.Selection(end, end);
    await vscode.commands.executeCommand('type', { text: 'httpclient' });
    // The provider answers through the language server: its items carry the import edit. With
    // labelDetails (the snippet's name beside the prefix) the client gives a CompletionItemLabel.
    const labelOf = (i: vscode.CompletionItem) => (typeof i.label === 'string' ? i.label : i.label.label);
    const list = await waitFor(async () => {
      const l = await vscode.commands.executeCommand<vscode.CompletionList>(
        'vscode.executeCompletionItemProvider',
        uri,
        editor.selection.active,
      );
      return l.items.some((i) => labelOf(i) === 'httpclient' && i.kind === vscode.CompletionItemKind.Snippet) ? l : undefined;
    }, 'the httpclient completion item');
    const item = list.items.find((i) => labelOf(i) === 'httpclient')!;
    assert.ok(item.additionalTextEdits?.length, 'the item adds imports');
    // As a user does it: open the suggestions and press Enter on the first (accepting the selected one).
    const inserted = await waitFor(
      async () => {
        await vscode.commands.executeCommand('editor.action.triggerSuggest');
        await sleep(700);
        await vscode.commands.executeCommand('acceptSelectedSuggestion');
        await sleep(300);
        const t = doc.getText();
        if (t.includes('&http.Client{Timeout: 30 * time.Second}')) return t;
        if (!t.endsWith('httpclient')) await vscode.commands.executeCommand('undo');
        return undefined;
      },
      'the snippet inserted on Enter',
      45_000,
    );
    await vscode.commands.executeCommand('leaveSnippet');
    assert.match(inserted, /^package snip\n\nimport \(\n\t"context"\n\t"fmt"\n\t"io"\n\t"net\/http"\n\t"time"\n\)\n/, inserted);
    assert.match(inserted, /\nvar httpClient = &http\.Client\{Timeout: 30 \* time\.Second\}\n/);
    assert.match(inserted, /func fetch\(ctx context\.Context, url string\) \(\[\]byte, error\) \{/);
    assert.ok(!inserted.includes('httpclient\n') && !/\nhttpclient/.test(inserted), 'the typed word was replaced');
  });
});
