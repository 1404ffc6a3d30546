// Snippets contributed for Go insert through VS Code's own snippet machinery (issue 4, item 4;
// gofmt/go vet of the expansions is tested outside the editor).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { closeAll } from './editor-helpers';
import { extension } from './helpers';

interface SnippetDef {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

describe('editor: snippets', function () {
  after(() => closeAll());

  it('inserts every contributed Go snippet by name', async function () {
    this.timeout(60_000);
    const ext = extension();
    const contributed = (
      (ext.packageJSON as { contributes?: { snippets?: { language: string; path: string }[] } }).contributes?.snippets ?? []
    ).filter((s) => s.language === 'go');
    if (!contributed.length) this.skip();
    for (const c of contributed) {
      const defs = JSON.parse(fs.readFileSync(path.join(ext.extensionPath, c.path), 'utf8')) as Record<string, SnippetDef>;
      assert.ok(Object.keys(defs).length > 0, `${c.path} has snippets`);
      for (const [name, def] of Object.entries(defs)) {
        const doc = await vscode.workspace.openTextDocument({ language: 'go', content: 'package main\n\n' });
        const editor = await vscode.window.showTextDocument(doc);
        editor.selection = new vscode.Selection(2, 0, 2, 0);
        await vscode.commands.executeCommand('editor.action.insertSnippet', { langId: 'go', name });
        const body = (Array.isArray(def.body) ? def.body : [def.body]).join('\n');
        // The first literal word of the body (before any placeholder) must be in the document.
        const literal =
          body
            .replace(/\$\{\d+:([^}]*)\}/g, '$1')
            .replace(/\$\{?\d+\}?/g, '')
            .split('\n')
            .map((l) => l.trim())
            .find((l) => l.length > 3) ?? '';
        assert.ok(doc.getText().length > 'package main\n\n'.length, `snippet "${name}" inserted something`);
        assert.ok(
          doc.getText().includes(literal.slice(0, 20)),
          `snippet "${name}" inserted its body (looked for ${JSON.stringify(literal.slice(0, 20))})`,
        );
        await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
      }
    }
  });
});
