// The extension loads in a real VS Code and activates for Go. Runs in both modes:
// development (the repo as extensionDevelopmentPath) and installed (from the packaged VSIX).
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnDoctorApi } from '../../../src/vscode/extension';
import { codeOf, extension, runContext, waitFor, waitForDiagnostics, workspaceRoot } from './helpers';

describe('extension host', () => {
  it('is a real VS Code extension host with the vscode API', () => {
    assert.match(vscode.version, /^1\.\d+\.\d+/);
    assert.equal(typeof vscode.languages.createDiagnosticCollection, 'function');
    console.log(
      `    vscode ${vscode.version} (${vscode.env.appName}), node ${process.versions.node}, uiKind=${vscode.UIKind[vscode.env.uiKind]}, remote=${vscode.env.remoteName ?? '-'}`,
    );
  });
});

describe('activation', () => {
  const ctx = runContext();

  it(`loads the extension from the ${ctx.extensionMode} copy`, () => {
    const ext = extension();
    if (ctx.expectedExtensionPath) assert.equal(path.resolve(ext.extensionPath), path.resolve(ctx.expectedExtensionPath));
    if (ctx.extensionMode === 'installed') {
      assert.ok(
        !ctx.repoRoot || path.relative(ctx.repoRoot, ext.extensionPath).startsWith('..'),
        `installed copy must not be the development tree: ${ext.extensionPath}`,
      );
    }
    const pkg = ext.packageJSON as { activationEvents?: string[]; main?: string };
    assert.deepEqual([...(pkg.activationEvents ?? [])].sort(), ['onLanguage:go', 'workspaceContains:**/go.mod']);
    assert.equal(ext.extensionKind, vscode.ExtensionKind.Workspace);
  });

  it('activates when a Go file is opened', async () => {
    const [uri] = await vscode.workspace.findFiles(new vscode.RelativePattern(workspaceRoot(), '**/*.go'), '**/{vendor,testdata}/**', 1);
    assert.ok(uri, 'the workspace has a .go file');
    const ext = extension();
    const wasActive = ext.isActive;
    const t0 = Date.now();
    const doc = await vscode.workspace.openTextDocument(uri);
    await vscode.window.showTextDocument(doc);
    assert.equal(doc.languageId, 'go');
    await waitFor(() => ext.isActive, 'the extension to activate');
    console.log(
      `    active ${wasActive ? 'already (workspaceContains:**/go.mod at start-up)' : `${Date.now() - t0} ms after opening ${path.basename(uri.path)}`}`,
    );
  });

  it('starts the language server from this copy, in a process of its own, and a Go file gets diagnostics', async function () {
    this.timeout(60_000);
    const ext = extension();
    const api = (ext.isActive ? ext.exports : await ext.activate()) as ConnDoctorApi;
    const st = await api.status();
    assert.ok(st.pid > 0 && st.pid !== process.pid, `server pid ${st.pid}, extension host pid ${process.pid}`);
    const [uri] = await vscode.workspace.findFiles(new vscode.RelativePattern(workspaceRoot(), 'httpclient/inventory.go'), undefined, 1);
    assert.ok(uri, 'the example workspace has httpclient/inventory.go');
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri));
    const ds = await waitForDiagnostics(uri, (d) => d.length > 0, 'diagnostics from the server', 30_000);
    console.log(`    server pid ${st.pid}: ${ds.map(codeOf).join(', ')}`);
  });
});
