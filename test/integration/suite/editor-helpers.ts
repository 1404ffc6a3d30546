// Helpers for the editor-side in-host tests (editor-*.host.ts): the extension's API, the CLI as
// the reference for what each file must report, and scratch Go files in the workspace.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConnDoctorApi } from '../../../src/vscode/extension';
import { codeOf, diagnostics, extension, waitFor, workspaceRoot } from './helpers';

/** The extension's API (activate()'s return value), activating it if needed. */
export async function api(): Promise<ConnDoctorApi> {
  const ext = extension();
  const a = (ext.isActive ? ext.exports : await ext.activate()) as ConnDoctorApi;
  assert.ok(a && typeof a.whenIdle === 'function', 'activate() returns the ConnDoctorApi');
  return a;
}

/** Waits until the extension has no analysis running or scheduled. */
export async function idle(): Promise<void> {
  await (await api()).whenIdle();
}

export interface CliFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  rule: string;
  severity: string;
  message: string;
}

/** The bundled CLI of the extension under test. */
export function cliPath(): string {
  return path.join(extension().extensionPath, 'dist', 'cli.js');
}

/** Runs `conndoctor` (the same analyzer, from disk) in `cwd`; exit code 1 only means "findings". */
export function runCli(args: string[], cwd = workspaceRoot().fsPath): string {
  try {
    return execFileSync(process.execPath, [cliPath(), ...args], {
      cwd,
      encoding: 'utf8',
      // desktop VS Code's execPath is Electron: make it behave as Node
      env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    if (err.status === 1 && err.stdout !== undefined) return err.stdout;
    throw new Error(`conndoctor ${args.join(' ')} failed (${err.status}): ${err.stderr}`);
  }
}

/** What the CLI reports for the workspace (`./...`: no vendor/, testdata/, _dirs, _test.go). */
export function cliFindings(args: string[] = ['./...']): CliFinding[] {
  return JSON.parse(runCli(['--format', 'json', ...args])) as CliFinding[];
}

/** A diagnostic or a CLI finding as `rule@line:col` (1-based), for set comparisons. */
export const keyOfCli = (f: CliFinding): string => `${f.rule}@${f.line}:${f.column}`;
export const keyOfDiag = (d: vscode.Diagnostic): string => `${codeOf(d)}@${d.range.start.line + 1}:${d.range.start.character + 1}`;

export const sortedKeys = (ds: vscode.Diagnostic[]): string[] => ds.map(keyOfDiag).sort();

/**
 * Writes a scratch file under the workspace (folders starting with `_` are skipped by
 * `./...` and Scan Workspace, so these never disturb the workspace-wide comparisons).
 */
export function writeScratch(rel: string, text: string): vscode.Uri {
  const uri = vscode.Uri.joinPath(workspaceRoot(), rel);
  const top = rel.split('/')[0];
  if (!fs.existsSync(path.join(workspaceRoot().fsPath, top))) created.add(top);
  fs.mkdirSync(path.dirname(uri.fsPath), { recursive: true });
  fs.writeFileSync(uri.fsPath, text);
  written.add(uri.fsPath);
  return uri;
}

const written = new Set<string>();
const created = new Set<string>();

/** Removes the scratch files and the top folders writeScratch created (the UI scenarios share the workspace). */
export async function removeScratch(): Promise<void> {
  // Revert dirty scratch documents BEFORE closing editors: closing a dirty editor asks "Save?" in
  // a dialog nothing answers, and code-server's hot exit then restores the dirty file into the next
  // window (the UI suite's), where it takes the editor the UI tests expect.
  for (const d of vscode.workspace.textDocuments) {
    if (d.isDirty && written.has(d.uri.fsPath)) {
      await vscode.window.showTextDocument(d);
      await vscode.commands.executeCommand('workbench.action.revertAndCloseActiveEditor');
    }
  }
  await closeAll();
  for (const f of written) fs.rmSync(f, { force: true });
  for (const d of created) fs.rmSync(path.join(workspaceRoot().fsPath, d), { recursive: true, force: true });
  written.clear();
  created.clear();
}

/** Waits until our diagnostics on `uri` are exactly `keys` (rule@line:col), after the extension went idle. */
export async function waitForKeys(uri: vscode.Uri, keys: string[], what: string, timeoutMs = 15_000): Promise<vscode.Diagnostic[]> {
  const want = [...keys].sort();
  let last: string[] = [];
  try {
    return await waitFor(
      async () => {
        await idle();
        const d = diagnostics(uri);
        last = sortedKeys(d);
        return JSON.stringify(last) === JSON.stringify(want) ? d : undefined;
      },
      what,
      timeoutMs,
    );
  } catch (e) {
    throw new Error(`${(e as Error).message}\n  want ${JSON.stringify(want)}\n  got  ${JSON.stringify(last)}`);
  }
}

/** Closes every editor and waits until the given documents are closed by VS Code. */
export async function closeAll(): Promise<void> {
  await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Replaces the whole text of a document (an edit in the editor, not on disk). */
export async function setText(doc: vscode.TextDocument, text: string): Promise<void> {
  const edit = new vscode.WorkspaceEdit();
  edit.replace(doc.uri, new vscode.Range(0, 0, doc.lineCount, 0), text);
  assert.ok(await vscode.workspace.applyEdit(edit), 'edit applied');
}
