// Quick fixes through the real provider pipeline (issue 4, item 2): each fix of a finding as a
// quickfix (preferred marked), "Fix all" as source.fixAll.conndoctor (also on save), "Ignore <rule>
// on this line", "Learn more".
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import { api, cliFindings, closeAll, keyOfCli, removeScratch, runCli, waitForKeys, writeScratch } from './editor-helpers';
import { applyAction, codeActions, codeOf, diagnostics, extension, revert, waitFor, waitForDiagnostics } from './helpers';

const SRC = `package fixes

import (
	"io"
	"net"
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

func both(c *http.Client, url, addr string) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	resp, err := c.Get(url)
	if err != nil {
		return err
	}
	_, err = io.Copy(conn, resp.Body)
	return err
}
`;

/** The file as `conndoctor --fix` leaves it (run on a scratch copy). */
function cliFixed(rel: string, text: string): string {
  const uri = writeScratch(rel, text);
  runCli(['--fix', rel]);
  return fs.readFileSync(uri.fsPath, 'utf8');
}

describe('editor: code actions', function () {
  before(async () => {
    await api();
  });
  afterEach(async () => {
    for (const d of vscode.workspace.textDocuments) if (d.isDirty) await revert(d);
    await closeAll();
  });
  after(() => removeScratch());

  it('offers every fix of a finding as a quickfix; the preferred one fixes it', async function () {
    this.timeout(60_000);
    const rel = '_conndoctor_it/fixes/one.go';
    const uri = writeScratch(rel, SRC);
    const keys = cliFindings([rel]).map(keyOfCli);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForKeys(uri, keys, 'initial findings');
    const diag = ds.find((d) => codeOf(d) === 'defer-before-errcheck');
    assert.ok(diag, 'defer-before-errcheck reported');
    // (vscode.executeCodeActionProvider returns actions without their `diagnostics`.)
    const actions = await codeActions(uri, diag.range);
    const quick = actions.filter((a) => a.kind && vscode.CodeActionKind.QuickFix.contains(a.kind));
    const titles = quick.map((a) => a.title);
    const fix = quick.find((a) => a.isPreferred);
    assert.ok(fix, `a preferred fix: ${titles.join(' | ')}`);
    assert.equal(fix.kind?.value, 'quickfix');
    assert.equal(fix.title, 'Move defer resp.Body.Close() after the error check');
    assert.ok(titles.includes('Ignore defer-before-errcheck on this line'), titles.join(' | '));
    assert.ok(titles.includes('Learn more about defer-before-errcheck'), titles.join(' | '));
    await applyAction(fix);
    assert.match(doc.getText(), /if err != nil \{\n\t\treturn nil, err\n\t\}\n\tdefer resp\.Body\.Close\(\)\n\treturn io\.ReadAll/);
    await waitFor(() => !diagnostics(uri).some((d) => codeOf(d) === 'defer-before-errcheck'), 'the finding disappears');
  });

  it('offers source.fixAll.conndoctor, which gives the same file as `conndoctor --fix`', async function () {
    this.timeout(60_000);
    const rel = '_conndoctor_it/fixes/all.go';
    const expected = cliFixed('_conndoctor_it/fixes-expected/all.go', SRC.replace('package fixes', 'package expected'));
    const uri = writeScratch(rel, SRC);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    await waitForDiagnostics(uri, (d) => d.length >= 3);
    const actions =
      (await vscode.commands.executeCommand<vscode.CodeAction[]>(
        'vscode.executeCodeActionProvider',
        uri,
        new vscode.Range(0, 0, 0, 0),
        'source.fixAll',
        5,
      )) ?? [];
    const all = actions.find((a) => a.kind?.value === 'source.fixAll.conndoctor');
    assert.ok(all, `fix-all action: ${actions.map((a) => `${a.title} (${a.kind?.value})`).join(' | ')}`);
    assert.equal(all.title, 'Fix all Go Conn Doctor problems in this file');
    assert.ok(all.edit, 'resolved with an edit');
    await applyAction(all);
    assert.equal(doc.getText(), expected.replace('package expected', 'package fixes'));
    await waitFor(
      () => diagnostics(uri).every((d) => !['defer-before-errcheck', 'conn-not-closed', 'body-not-closed'].includes(codeOf(d))),
      'fixed findings gone',
    );
  });

  it('runs fix-all on save through editor.codeActionsOnSave', async function () {
    this.timeout(60_000);
    const rel = '_conndoctor_it/fixes/save.go';
    // Saving needs a dirty document: the edit below appends a newline.
    const expected = cliFixed('_conndoctor_it/fixes-expected/save.go', `${SRC.replace('package fixes', 'package expected')}\n`);
    const uri = writeScratch(rel, SRC);
    const editorCfg = vscode.workspace.getConfiguration('editor', { languageId: 'go' });
    await editorCfg.update('codeActionsOnSave', { 'source.fixAll.conndoctor': 'explicit' }, vscode.ConfigurationTarget.Workspace, true);
    try {
      const doc = await vscode.workspace.openTextDocument(uri);
      const editor = await vscode.window.showTextDocument(doc);
      await waitForDiagnostics(uri, (d) => d.length >= 3);
      assert.ok(await editor.edit((b) => b.insert(doc.lineAt(doc.lineCount - 1).range.end, '\n')));
      assert.ok(await doc.save(), 'saved');
      await waitFor(() => doc.getText() === expected.replace('package expected', 'package fixes'), 'fixed on save');
      assert.equal(fs.readFileSync(uri.fsPath, 'utf8'), doc.getText());
    } finally {
      await editorCfg.update('codeActionsOnSave', undefined, vscode.ConfigurationTarget.Workspace, true);
    }
  });

  it('"Ignore <rule> on this line" inserts the directive, indented, and silences the finding', async function () {
    this.timeout(60_000);
    const rel = '_conndoctor_it/fixes/ignore.go';
    const uri = writeScratch(rel, SRC);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'defer-before-errcheck'));
    const diag = ds.find((d) => codeOf(d) === 'defer-before-errcheck')!;
    const ignore = (await codeActions(uri, diag.range)).find((a) => a.title === 'Ignore defer-before-errcheck on this line');
    assert.ok(ignore?.edit, 'ignore action with an edit');
    await applyAction(ignore);
    assert.match(
      doc.getText(),
      /\n\tresp, err := c\.Get\(url\)\n\t\/\/conndoctor:ignore defer-before-errcheck reason\n\tdefer resp\.Body\.Close\(\)\n/,
    );
    await waitFor(() => !diagnostics(uri).some((d) => codeOf(d) === 'defer-before-errcheck'), 'the finding is suppressed');
    assert.ok(diagnostics(uri).length > 0, 'other findings stay');
  });

  it('"Learn more" opens the rule page bundled with the extension (offline)', async function () {
    this.timeout(30_000);
    const rel = '_conndoctor_it/fixes/learn.go';
    const uri = writeScratch(rel, SRC);
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    const ds = await waitForDiagnostics(uri, (d) => d.some((x) => codeOf(x) === 'defer-before-errcheck'));
    const diag = ds.find((d) => codeOf(d) === 'defer-before-errcheck')!;
    const learn = (await codeActions(uri, diag.range)).find((a) => a.title === 'Learn more about defer-before-errcheck');
    assert.ok(learn?.command, 'learn-more action with a command');
    assert.equal(learn.command.command, 'conndoctor.openRuleDoc');
    assert.deepEqual(learn.command.arguments, ['defer-before-errcheck']);
    // The diagnostic's code links to the same bundled page.
    const target = (diag.code as { target: vscode.Uri }).target;
    assert.equal(target.scheme, 'file');
    assert.match(target.path, /\/docs\/rules\/defer-before-errcheck\.md$/);
    assert.ok(target.path.startsWith(extension().extensionUri.path), `inside the extension: ${target.path}`);
    await vscode.commands.executeCommand(learn.command.command, ...(learn.command.arguments ?? []));
    // A Markdown preview (or, without the Markdown extension, an editor) of the page opens.
    const tab = await waitFor(
      () =>
        vscode.window.tabGroups.all
          .flatMap((g) => g.tabs)
          .find(
            (t) =>
              /defer-before-errcheck/.test(t.label) ||
              (t.input instanceof vscode.TabInputText && /defer-before-errcheck\.md$/.test(t.input.uri.path)),
          ),
      'the rule page in a tab',
    );
    console.log(`    opened: ${tab.label}`);
  });
});
