// Hovers in the real extension host (issue 4, item 3): the pitfall card on lifecycle APIs, and the
// rule explanation over a finding.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { api, removeScratch, writeScratch } from './editor-helpers';
import { codeOf, hoverText, positionOf, waitForDiagnostics } from './helpers';

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

  it('shows the pitfall card on lifecycle APIs (http.Get, SetReadDeadline)', async () => {
    const get = await hoverText(uri, positionOf(doc, 'http.Get(url)', 0, 6));
    assert.match(get, /```go/, `card with a Go code block:\n${get}`);
    assert.match(get, /http\.Get/);
    assert.match(get, /pkg\.go\.dev|go\.dev/, 'a link to the Go docs');
    const dl = await hoverText(uri, positionOf(doc, 'SetReadDeadline', 0, 3));
    assert.match(dl, /```go/, `card:\n${dl}`);
    assert.match(dl, /SetReadDeadline/);
    // Not on an unrelated identifier.
    const none = await hoverText(uri, positionOf(doc, 'ReadAll', 0, 2));
    assert.doesNotMatch(none, /```go/);
  });

  it('explains the rule when hovering a finding', async () => {
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'defer-before-errcheck'));
    const d = ds.find((x) => codeOf(x) === 'defer-before-errcheck')!;
    const text = await hoverText(uri, d.range.start.translate(0, 2));
    assert.match(text, /Close deferred before the error check/, text);
    assert.match(text, /defer-before-errcheck/);
    assert.match(text, /\/docs\/rules\/defer-before-errcheck\.md/);
  });
});
