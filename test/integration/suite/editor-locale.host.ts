// Simplified Chinese in the editor (issue 4, items 3 and 5): runs only when VS Code's display
// language is Chinese (a code-server started with ['--locale', 'zh-cn']); skipped otherwise.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, removeScratch, writeScratch } from './editor-helpers';
import { codeActions, codeOf, hoverText, waitForDiagnostics } from './helpers';

const SRC = `package zh

import (
	"io"
	"net/http"
)

func fetch(c *http.Client, url string) ([]byte, error) {
	resp, err := c.Get(url)
	defer resp.Body.Close()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}
`;

describe('editor: Simplified Chinese', function () {
  before(function () {
    if (!vscode.env.language.toLowerCase().startsWith('zh')) {
      console.log(
        `    display language is ${vscode.env.language}: skipped (start code-server with --locale zh-cn and a Chinese language pack)`,
      );
      this.skip();
    }
  });
  after(() => removeScratch());

  it('explains the rule in Chinese and offers the Chinese action titles', async function () {
    this.timeout(60_000);
    await api();
    const uri = writeScratch('_conndoctor_it/zh/main.go', SRC);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'defer-before-errcheck'));
    const d = ds.find((x) => codeOf(x) === 'defer-before-errcheck')!;
    const hover = await hoverText(uri, d.range.start.translate(0, 2));
    assert.match(hover, /在错误检查之前 defer Close/, hover);
    const titles = (await codeActions(uri, d.range)).map((a) => a.title);
    assert.ok(titles.includes('在此行忽略 defer-before-errcheck'), titles.join(' | '));
  });
});
