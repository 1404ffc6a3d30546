// Hovers in the real extension host (issue 4, item 3): the pitfall card on lifecycle APIs, and the
// rule explanation over a finding.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, removeScratch, writeScratch } from './editor-helpers';
import { codeOf, hoverText, positionOf, waitFor, waitForDiagnostics } from './helpers';

const SRC = `package hovers

import (
	"io"
	"net"
	"net/http"
	"time"
)

func fetch(url string) ([]byte, error) {
	resp, err := http.Get(url)
	defer resp.Body.Close()
	if err != nil {
		return nil, err
	}
	return io.ReadAll(resp.Body)
}

func read(c net.Conn, buf []byte) (int, error) {
	if err := c.SetReadDeadline(time.Now().Add(time.Second)); err != nil {
		return 0, err
	}
	return c.Read(buf)
}
`;

describe('editor: hovers', function () {
  let uri: vscode.Uri;
  let doc: vscode.TextDocument;
  before(async () => {
    await api();
    uri = writeScratch('_conndoctor_it/hovers/main.go', SRC);
    doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
  });
  after(() => removeScratch());

  it('shows the pitfall card on lifecycle APIs (http.Get, SetReadDeadline): compact by default, full on request', async () => {
    const get = await hoverText(uri, positionOf(doc, 'http.Get(url)', 0, 6));
    assert.match(get, /\*\*Do this:\*\*/, `compact card:\n${get}`);
    assert.doesNotMatch(get, /```go/, 'compact: no code block');
    assert.match(get, /pkg\.go\.dev|go\.dev/, 'a link to the Go docs');
    const dl = await hoverText(uri, positionOf(doc, 'SetReadDeadline', 0, 3));
    assert.match(dl, /deadline/i, `card:\n${dl}`);
    // Not on an unrelated identifier.
    const none = await hoverText(uri, positionOf(doc, 'ReadAll', 0, 2));
    assert.doesNotMatch(none, /Do this:/);
    const cfg = vscode.workspace.getConfiguration('conndoctor');
    await cfg.update('hover', 'full', vscode.ConfigurationTarget.Workspace);
    try {
      const full = await waitFor(async () => {
        const h = await hoverText(uri, positionOf(doc, 'http.Get(url)', 0, 6));
        return /```go/.test(h) ? h : undefined;
      }, 'the full card');
      assert.match(full, /http\.Get/);
      await cfg.update('hover', 'off', vscode.ConfigurationTarget.Workspace);
      await waitFor(async () => !/Do this:|```go/.test(await hoverText(uri, positionOf(doc, 'http.Get(url)', 0, 6))), 'no card');
    } finally {
      await cfg.update('hover', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('explains the rule when hovering a finding', async () => {
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'defer-before-errcheck'));
    const d = ds.find((x) => codeOf(x) === 'defer-before-errcheck')!;
    const text = await hoverText(uri, d.range.start.translate(0, 2));
    assert.match(text, /Close deferred before the error check/, text);
    assert.match(text, /defer-before-errcheck/);
    // "Learn more" opens the bundled page (a command link the hover trusts for this command only).
    assert.match(text, /\(command:conndoctor\.openRuleDoc\?%5B%22defer-before-errcheck%22%5D\)/, text);
    // The editor shows the finding's message above the hover: ours does not repeat it.
    assert.ok(!text.includes(d.message), `the message is not repeated:\n${text}`);
  });
});
