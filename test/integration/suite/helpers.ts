// Helpers for in-host tests (they run inside the extension host with the real `vscode` API).
// Import from './helpers'; files named *.host.ts in this folder are picked up automatically
// (not *.test.ts: the root .mocharc.json would load those in plain Node, where 'vscode' does not exist).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

/** publisher.name from package.json. */
export const EXTENSION_ID = 'go-conn-doctor.go-conn-doctor';
/** Diagnostic `source` of our findings. */
export const SOURCE = 'conndoctor';

/** Facts the outer harness passes in (options.json `context`); see harness/inhost.ts RunContext. */
export interface RunContext {
  extensionMode: 'development' | 'installed';
  expectedExtensionPath?: string;
  repoRoot: string;
  [k: string]: unknown;
}

export function runContext(): RunContext {
  try {
    const o = JSON.parse(fs.readFileSync(path.join(__dirname, 'options.json'), 'utf8')) as { context?: RunContext };
    if (o.context) return o.context;
  } catch {
    // run without the harness (e.g. plain test-electron): assume development mode
  }
  return { extensionMode: 'development', repoRoot: process.env.CONNDOCTOR_REPO ?? '' };
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Poll until `fn` returns something truthy (default 15 s). */
export async function waitFor<T>(fn: () => T | Promise<T>, what: string, timeoutMs = 15_000): Promise<NonNullable<T>> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v as NonNullable<T>;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(50);
  }
}

export function extension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext;
}

/** The first (only) workspace folder: a fresh copy of examples/ (or a generated Go module). */
export function workspaceRoot(): vscode.Uri {
  const f = vscode.workspace.workspaceFolders?.[0];
  assert.ok(f, 'no workspace folder open');
  return f.uri;
}

/** Open a workspace file (path relative to the workspace root) in an editor. */
export async function openFile(rel: string): Promise<{ doc: vscode.TextDocument; editor: vscode.TextEditor }> {
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), rel));
  const editor = await vscode.window.showTextDocument(doc);
  return { doc, editor };
}

/** Our diagnostics for a document. */
export function diagnostics(uri: vscode.Uri, source = SOURCE): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === source);
}

/** The rule id of a diagnostic (`code` may be a string or { value, target }). */
export function codeOf(d: vscode.Diagnostic): string {
  const c = d.code;
  return typeof c === 'object' && c !== null ? String(c.value) : String(c ?? '');
}

/** Wait until our diagnostics for `uri` satisfy `ok` (default: at least one). */
export function waitForDiagnostics(
  uri: vscode.Uri,
  ok: (d: vscode.Diagnostic[]) => boolean = (d) => d.length > 0,
  what = 'diagnostics',
  timeoutMs = 15_000,
): Promise<vscode.Diagnostic[]> {
  return waitFor(
    () => {
      const d = diagnostics(uri);
      return ok(d) ? d : undefined;
    },
    `${what} on ${path.basename(uri.path)}`,
    timeoutMs,
  );
}

/** Code actions at `range` through the real provider pipeline. */
export async function codeActions(uri: vscode.Uri, range: vscode.Range, kind?: vscode.CodeActionKind): Promise<vscode.CodeAction[]> {
  return (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', uri, range, kind?.value)) ?? [];
}

/** All hover text at `position` (every provider), markdown joined by blank lines. */
export async function hoverText(uri: vscode.Uri, position: vscode.Position): Promise<string> {
  const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', uri, position)) ?? [];
  return hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : c.value))).join('\n\n');
}

/** Position of the `nth` occurrence of `needle` in the document (plus `offset` characters). */
export function positionOf(doc: vscode.TextDocument, needle: string, nth = 0, offset = 0): vscode.Position {
  let i = -1;
  for (let k = 0; k <= nth; k++) {
    i = doc.getText().indexOf(needle, i + 1);
    assert.ok(i >= 0, `"${needle}" #${nth} not found in ${doc.uri.path}`);
  }
  return doc.positionAt(i + offset);
}

/** Apply a code action's edit and/or command. */
export async function applyAction(action: vscode.CodeAction): Promise<void> {
  if (action.edit) assert.ok(await vscode.workspace.applyEdit(action.edit), `edit of "${action.title}" was not applied`);
  if (action.command) await vscode.commands.executeCommand(action.command.command, ...(action.command.arguments ?? []));
}

/** Throw away unsaved changes of a document (tests share one workspace; leave it as found). */
export async function revert(doc: vscode.TextDocument): Promise<void> {
  if (!doc.isDirty) return;
  await vscode.window.showTextDocument(doc);
  await vscode.commands.executeCommand('workbench.action.files.revert');
  await waitFor(() => !doc.isDirty, `revert of ${doc.uri.path}`);
}
