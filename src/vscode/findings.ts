// The one door through which the socket view asks for the workspace's findings ("Find the cause"). It speaks the
// agreed `conndoctor/findings` request shape; today it answers by running the analyzer in worker threads of the
// extension host. When the language server (`conndoctor lsp`) serves the request, `requestFindings` becomes
// `return client.sendRequest(FINDINGS_REQUEST, params)`: one line.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, relative } from 'node:path';
import type { Severity } from '../analysis/model';
import { matchesAny } from './glob';

export const FINDINGS_REQUEST = 'conndoctor/findings';

/** `conndoctor/findings` params: no uris = the whole workspace. */
export interface FindingsParams {
  rules?: string[];
  uris?: string[];
}

export interface FindingsResult {
  findings: Array<{
    uri: string;
    range: { start: { line: number; character: number }; end: { line: number; character: number } };
    rule: string;
    severity: string;
    message: string;
  }>;
  analyzedFiles: number;
  errors: string[];
}

export function requestFindings(params: FindingsParams, workerDir: string, token?: vscode.CancellationToken): Promise<FindingsResult> {
  return analyzeInExtension(params, workerDir, token);
}

/** Walks the workspace folders like `conndoctor ./...` (no vendor/, testdata/, hidden or _test.go), in workers. */
async function analyzeInExtension(params: FindingsParams, workerDir: string, token?: vscode.CancellationToken): Promise<FindingsResult> {
  // the analyzer is loaded on first use only (the socket view must not pull it into activation)
  const [{ collectGoFiles }, { groupByDir }, { analyzeDirs }, { allRules }, { parseSettings }] = await Promise.all([
    import('../analysis/files'),
    import('../analysis/project'),
    import('../analysis/pool'),
    import('../analysis/rules/index'),
    import('./config'),
  ]);
  const { settings } = parseSettings(vscode.workspace.getConfiguration('conndoctor'), new Set(allRules.map((r) => r.meta.id)));
  const errors: string[] = [];
  if (!settings.enable) return { findings: [], analyzedFiles: 0, errors: ['conndoctor.enable is false'] };
  const rules = (params.rules ?? allRules.map((r) => r.meta.id)).filter((r) => settings.rules[r] !== 'off');
  let files: string[] = [];
  if (params.uris?.length) files = params.uris.map((u) => vscode.Uri.parse(u).fsPath);
  else {
    for (const f of vscode.workspace.workspaceFolders ?? []) {
      if (f.uri.scheme !== 'file') continue;
      const walk = collectGoFiles([f.uri.fsPath]);
      errors.push(...walk.warnings);
      for (const p of walk.files) {
        if (!matchesAny(relative(f.uri.fsPath, p).split('\\').join('/'), settings.exclude)) files.push(p);
      }
    }
  }
  files = [...new Set(files)].sort();
  if (token?.isCancellationRequested || !rules.length) return { findings: [], analyzedFiles: 0, errors };
  const workerPath = join(workerDir, 'worker.js');
  const groups = groupByDir(files);
  const res = await analyzeDirs(
    groups,
    { rules, severity: { ...settings.rules } as Record<string, Severity | 'off'>, fix: { ...settings.fix } },
    { workerPath: existsSync(workerPath) ? workerPath : undefined, threads: Math.max(1, Math.min(availableParallelism() - 1, 4)) },
  );
  const findings: FindingsResult['findings'] = [];
  for (const r of res) {
    errors.push(...r.errors);
    for (const f of r.findings)
      findings.push({ uri: vscode.Uri.file(f.file).toString(), range: f.range, rule: f.rule, severity: f.severity, message: f.message });
  }
  findings.sort((a, b) => a.uri.localeCompare(b.uri) || a.range.start.line - b.range.start.line);
  return { findings, analyzedFiles: res.reduce((n, r) => n + r.files, 0), errors };
}
