// Diagnostics in the real extension host (issue 4, item 1): what each file of the workspace
// reports matches the CLI, updates on typing (stale runs cancelled, incremental re-parse), clears on close,
// follows sibling files of the package (open buffers and disk), and steps aside for gopls.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api, cliFindings, closeAll, idle, keyOfCli, removeScratch, setText, waitForKeys, writeScratch } from './editor-helpers';
import { codeActions, codeOf, diagnostics, extension, revert, sleep, SOURCE, waitFor, workspaceRoot } from './helpers';

const DEFER_BEFORE_CHECK = `package change

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

const SIB_A = `package sib

import "net/http"

func fetch(c *http.Client, url string) error {
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	consume(resp)
	return nil
}
`;
const SIB_B_LEAKS = `package sib

import "net/http"

func consume(resp *http.Response) {
	_ = resp.StatusCode
}
`;
const SIB_B_CLOSES = SIB_B_LEAKS.replace('_ = resp.StatusCode', 'resp.Body.Close()');

const TIMEOUT_ASSERTION = `package gm

import (
	"net"
	"time"
)

func readLoop(conn net.Conn, out chan<- []byte) error {
	buf := make([]byte, 4096)
	for {
		conn.SetReadDeadline(time.Now().Add(time.Second))
		n, err := conn.Read(buf)
		if ne, ok := err.(net.Error); ok && ne.Timeout() {
			continue
		}
		if err != nil {
			return err
		}
		out <- buf[:n]
	}
}
`;

/** CLI keys for one workspace-relative file (named explicitly, so `_` folders are analyzed too). */
const cliKeys = (rel: string) => cliFindings([rel]).map(keyOfCli).sort();
/** CLI keys for `text` saved as a scratch file. */
const cliKeysOfText = (rel: string, text: string) => {
  writeScratch(rel, text);
  return cliKeys(rel);
};

describe('editor: diagnostics', function () {
  before(async () => {
    await api();
  });
  afterEach(async () => {
    await closeAll();
  });
  after(() => removeScratch());

  it('reports what `conndoctor` reports for every Go file of the workspace, with docs links', async function () {
    this.timeout(120_000);
    const expected = cliFindings();
    const byFile = new Map<string, string[]>();
    for (const f of expected) byFile.set(f.file, [...(byFile.get(f.file) ?? []), keyOfCli(f)]);
    const root = workspaceRoot();
    const uris = await vscode.workspace.findFiles(new vscode.RelativePattern(root, '**/*.go'), '**/{vendor,testdata}/**');
    const rels = uris
      .map((u) => vscode.workspace.asRelativePath(u, false))
      .filter((r) => !r.endsWith('_test.go') && !r.split('/').some((p) => p.startsWith('_') || p.startsWith('.')))
      .sort();
    assert.ok(rels.length > 0, 'the workspace has Go files');
    for (const f of byFile.keys()) assert.ok(rels.includes(f), `CLI file ${f} is a workspace file`);
    console.log(
      `    ${expected.length} finding(s) expected in ${byFile.size} of ${rels.length} file(s): ${[...new Set(expected.map((f) => f.rule))].sort().join(', ')}`,
    );
    for (const rel of rels) {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(root, rel));
      // Pull diagnostics are for documents shown in an editor (as when a user opens a file).
      await vscode.window.showTextDocument(doc, { preview: false });
      const ds = await waitForKeys(doc.uri, byFile.get(rel) ?? [], rel, 30_000);
      for (const d of ds) {
        assert.equal(d.source, SOURCE);
        const code = d.code as { value: string; target: vscode.Uri };
        assert.equal(typeof code, 'object', 'code carries a docs link');
        // the page bundled with the extension (opens offline)
        assert.match(code.target.toString(), new RegExp(`^file://.*/docs/rules/${code.value}\\.md$`));
        const cli = expected.find(
          (f) => f.file === rel && keyOfCli(f) === `${code.value}@${d.range.start.line + 1}:${d.range.start.character + 1}`,
        )!;
        assert.equal(d.message, cli.message);
        assert.equal(`${d.range.end.line + 1}:${d.range.end.character + 1}`, `${cli.endLine}:${cli.endColumn}`);
        const sev = {
          error: vscode.DiagnosticSeverity.Error,
          warning: vscode.DiagnosticSeverity.Warning,
          info: vscode.DiagnosticSeverity.Information,
          hint: vscode.DiagnosticSeverity.Hint,
        }[cli.severity];
        assert.equal(d.severity, sev);
      }
    }
    const t = await (await api()).timings();
    console.log(
      `    activation ${t.activateMs} ms (+ bundle ${t.bundleLoadMs} ms); parser init ${t.parserInitMs} ms; first open -> diagnostics ${t.firstOpenToDiagnosticsMs} ms ${JSON.stringify(t.firstOpen)}; open -> diagnostics ${JSON.stringify(t.openToDiagnosticsMs)}; client start ${t.clientStartMs} ms; last analysis ${JSON.stringify(t.last)}`,
    );
  });

  it('updates while typing (a newer edit cancels a stale run, incremental re-parse), clears when the document closes', async function () {
    this.timeout(60_000);
    const rel = '_conndoctor_it/change/main.go';
    const uri = writeScratch(rel, DEFER_BEFORE_CHECK);
    const before = cliKeys(rel);
    assert.ok(before.includes('defer-before-errcheck@10:2'), `CLI reports the planted bug: ${before}`);
    const doc = await vscode.workspace.openTextDocument(uri);
    const editor = await vscode.window.showTextDocument(doc);
    await waitForKeys(uri, before, 'initial findings');

    const a = await api();
    const t0 = await a.timings();
    // Type a comment on the blank line 7, one character at a time.
    for (const ch of '// typing') {
      const end = editor.document.lineAt(6).range.end;
      assert.ok(await editor.edit((b) => b.insert(end, ch), { undoStopBefore: false, undoStopAfter: false }));
      await sleep(15);
    }
    await idle();
    const t1 = await a.timings();
    const analyses = t1.analyses - t0.analyses;
    const cancelled = t1.cancelled - t0.cancelled;
    // The server analyzes each version the client asks for; a newer edit cancels a run for an older one.
    assert.ok(analyses >= 1 && analyses <= 9, `${analyses} analyses for 9 keystrokes`);
    console.log(`    9 keystrokes: ${analyses} analyses completed, ${cancelled} cancelled by a newer edit`);
    assert.ok(t1.incrementalParses > t0.incrementalParses, 'the re-parse was incremental');
    await waitForKeys(uri, before, 'the same findings after typing a comment');

    // Move the defer below the error check with two edits in one change event.
    const text = doc.getText();
    const deferLine = text.indexOf('\tdefer resp.Body.Close()\n');
    const checkEnd = text.indexOf('\t}\n', deferLine) + 3;
    const edit = new vscode.WorkspaceEdit();
    edit.insert(uri, doc.positionAt(checkEnd), '\tdefer resp.Body.Close()\n');
    edit.delete(uri, new vscode.Range(doc.positionAt(deferLine), doc.positionAt(deferLine + '\tdefer resp.Body.Close()\n'.length)));
    assert.ok(await vscode.workspace.applyEdit(edit));
    const fixed = cliKeysOfText('_conndoctor_it/expect-change/main.go', doc.getText());
    assert.ok(!fixed.some((k) => k.startsWith('defer-before-errcheck@')), `CLI: fixed text is clean of it: ${fixed}`);
    await waitForKeys(uri, fixed, 'finding gone after the edit');

    await revert(doc);
    await waitForKeys(uri, before, 'finding back after revert');
    // Closing: VS Code disposes a closed editor's document whenever it likes; switching the
    // language away from Go fires the same onDidCloseTextDocument at once.
    const closed = new Promise<void>((r) => vscode.workspace.onDidCloseTextDocument((d) => d.uri.toString() === uri.toString() && r()));
    await vscode.languages.setTextDocumentLanguage(doc, 'plaintext');
    await closed;
    await waitFor(() => diagnostics(uri).length === 0, 'diagnostics cleared on close');
  });

  it('keeps package facts fresh: a sibling edited in an editor, then on disk', async function () {
    this.timeout(60_000);
    const a = writeScratch('_conndoctor_it/sib/a.go', SIB_A);
    const b = writeScratch('_conndoctor_it/sib/b.go', SIB_B_LEAKS);
    const leaking = cliKeys('_conndoctor_it/sib/a.go');
    assert.ok(
      leaking.some((k) => k.startsWith('body-not-closed@6:')),
      `CLI: body-not-closed while consume() leaks: ${leaking}`,
    );
    const docA = await vscode.workspace.openTextDocument(a);
    await vscode.window.showTextDocument(docA);
    await waitForKeys(a, leaking, 'a.go with the leaking helper');

    // Edit b.go in an editor, unsaved: the open buffer wins over the disk copy.
    const docB = await vscode.workspace.openTextDocument(b);
    await vscode.window.showTextDocument(docB, { preview: false });
    await setText(docB, SIB_B_CLOSES);
    const closed = leaking.filter((k) => !k.startsWith('body-not-closed@'));
    await waitForKeys(a, closed, 'a.go after b.go closes the body (unsaved buffer)');
    await revert(docB);
    await waitForKeys(a, leaking, 'a.go after b.go is reverted');
    await closeAll();

    // Change b.go on disk only.
    await sleep(50);
    fs.writeFileSync(b.fsPath, SIB_B_CLOSES);
    const docA2 = await vscode.workspace.openTextDocument(a);
    await vscode.window.showTextDocument(docA2);
    await waitForKeys(a, closed, 'a.go after b.go changed on disk');
  });

  it('does not duplicate a problem gopls already reports, and puts our fix on its diagnostic', async function () {
    this.timeout(60_000);
    const rel = '_conndoctor_it/gopls/main.go';
    const uri = writeScratch(rel, DEFER_BEFORE_CHECK.replace('package change', 'package gopls'));
    const all = cliKeys(rel);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitForKeys(uri, all, 'initial findings');
    // What gopls' httpresponse analyzer publishes: source = analyzer name, an empty range at `resp`.
    const fake = vscode.languages.createDiagnosticCollection('fake-gopls');
    try {
      const at = new vscode.Position(9, 7);
      const g = new vscode.Diagnostic(new vscode.Range(at, at), 'using resp before checking for errors', vscode.DiagnosticSeverity.Warning);
      g.source = 'httpresponse';
      g.code = 'default';
      fake.set(uri, [g]);
      await waitForKeys(
        uri,
        all.filter((k) => !k.startsWith('defer-before-errcheck@')),
        'ours hidden behind gopls',
      );
      const actions = await codeActions(uri, new vscode.Range(at, at), vscode.CodeActionKind.QuickFix);
      const fix = actions.find((x) => x.title.startsWith('Move defer resp.Body.Close()'));
      // Ours is hidden, so gopls' diagnostic is the only one there: the fix can only come through it.
      assert.ok(!diagnostics(uri).some((d) => d.range.contains(at)), 'no diagnostic of ours at that spot');
      assert.ok(fix, `our fix is offered on gopls' diagnostic: ${actions.map((x) => x.title).join(' | ')}`);
      assert.ok(fix.isPreferred);
      fake.clear();
      await waitForKeys(uri, all, 'ours back when gopls no longer reports it');
    } finally {
      fake.dispose();
    }
  });

  it('survives broken Go, binary and huge files (no diagnostics for them, the next file still works)', async function () {
    this.timeout(60_000);
    const broken = writeScratch(
      '_conndoctor_it/robust/broken.go',
      'package robust\n\nfunc f( {\n\tresp, err := http.Get(\n\tdefer resp.Body.Close()\n}}}\n\x60unterminated\n',
    );
    const binary = writeScratch('_conndoctor_it/robust/bin.go', 'package robust\n\x00\x01\x02\x00garbage\n');
    const huge = writeScratch('_conndoctor_it/robust/huge.go', `package robust\n\n// ${'x'.repeat(3 * 1024 * 1024)}\n`);
    // VS Code refuses to open the binary one as text: it is a sibling on disk of the others.
    for (const u of [broken, huge]) {
      const d = await vscode.workspace.openTextDocument(u);
      await vscode.window.showTextDocument(d, { preview: false });
    }
    await idle();
    assert.deepEqual(diagnostics(binary), []);
    assert.deepEqual(diagnostics(huge), []);
    assert.ok(diagnostics(broken).every((d) => d.source === SOURCE));
    // The extension is still working: a fresh file gets its findings.
    const ok = writeScratch('_conndoctor_it/robust2/main.go', DEFER_BEFORE_CHECK.replace('package change', 'package robust2'));
    const doc = await vscode.workspace.openTextDocument(ok);
    await vscode.window.showTextDocument(doc);
    await waitForKeys(ok, cliKeys('_conndoctor_it/robust2/main.go'), 'a healthy file after the broken ones');
  });

  it('with conndoctor.run = onSave, waits for the save', async function () {
    this.timeout(60_000);
    const contributes = (extension().packageJSON as { contributes?: { configuration?: unknown } }).contributes;
    if (!JSON.stringify(contributes?.configuration ?? '').includes('conndoctor.run')) this.skip();
    const rel = '_conndoctor_it/onsave/main.go';
    const uri = writeScratch(rel, DEFER_BEFORE_CHECK.replace('package change', 'package onsave'));
    const all = cliKeys(rel);
    const cfg = () => vscode.workspace.getConfiguration('conndoctor');
    await cfg().update('run', 'onSave', vscode.ConfigurationTarget.Workspace);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      await vscode.window.showTextDocument(doc);
      await waitForKeys(uri, all, 'findings on open');
      const fixed = DEFER_BEFORE_CHECK.replace('package change', 'package onsave')
        .replace('\tdefer resp.Body.Close()\n', '')
        .replace('return nil, err\n\t}\n', 'return nil, err\n\t}\n\tdefer resp.Body.Close()\n');
      const after = cliKeysOfText('_conndoctor_it/expect-onsave/main.go', fixed);
      await setText(doc, fixed);
      await sleep(1000);
      await idle();
      assert.deepEqual(
        diagnostics(uri)
          .map((d) => `${codeOf(d)}@${d.range.start.line + 1}:${d.range.start.character + 1}`)
          .sort(),
        all,
        'unchanged while typing',
      );
      assert.ok(await doc.save());
      await waitForKeys(uri, after, 'updated on save');
    } finally {
      await cfg().update('run', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });

  it('re-checks open files when their go.mod changes (the Go version decides some findings)', async function () {
    this.timeout(60_000);
    // timeout-error-assertion only applies from Go 1.15 (os.ErrDeadlineExceeded); the module says 1.14.
    const mod = writeScratch('_conndoctor_it/gomod/go.mod', 'module gm\n\ngo 1.14\n');
    const uri = writeScratch('_conndoctor_it/gomod/a.go', TIMEOUT_ASSERTION);
    const old = cliKeys('_conndoctor_it/gomod/a.go');
    assert.ok(!old.some((k) => k.startsWith('timeout-error-assertion@')), `CLI, go 1.14: ${old}`);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitForKeys(uri, old, 'findings under go 1.14');
    await sleep(50);
    fs.writeFileSync(mod.fsPath, 'module gm\n\ngo 1.22\n');
    const now = cliKeys('_conndoctor_it/gomod/a.go');
    assert.ok(
      now.some((k) => k.startsWith('timeout-error-assertion@')),
      `CLI, go 1.22: ${now}`,
    );
    await waitForKeys(uri, now, 'findings after go.mod says 1.22');
  });

  it('follows the settings: rule severity, rule off, enable', async function () {
    this.timeout(60_000);
    const contributes = (extension().packageJSON as { contributes?: { configuration?: unknown } }).contributes;
    if (!JSON.stringify(contributes?.configuration ?? '').includes('conndoctor.rules')) this.skip();
    const rel = '_conndoctor_it/settings/main.go';
    const uri = writeScratch(rel, DEFER_BEFORE_CHECK.replace('package change', 'package settings'));
    const all = cliKeys(rel);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitForKeys(uri, all, 'initial findings');
    const cfg = () => vscode.workspace.getConfiguration('conndoctor');
    try {
      await cfg().update('rules', { 'defer-before-errcheck': 'error' }, vscode.ConfigurationTarget.Workspace);
      await waitFor(() => diagnostics(uri).find((d) => d.severity === vscode.DiagnosticSeverity.Error), 'severity error');
      await cfg().update('rules', { 'defer-before-errcheck': 'off' }, vscode.ConfigurationTarget.Workspace);
      await waitForKeys(
        uri,
        all.filter((k) => !k.startsWith('defer-before-errcheck@')),
        'rule off',
      );
      await cfg().update('enable', false, vscode.ConfigurationTarget.Workspace);
      await waitForKeys(uri, [], 'disabled');
    } finally {
      await cfg().update('rules', undefined, vscode.ConfigurationTarget.Workspace);
      await cfg().update('enable', undefined, vscode.ConfigurationTarget.Workspace);
    }
    await waitForKeys(uri, all, 'back to defaults');
  });
});
