// "Go Conn Doctor: Scan Workspace" (issue 4, item 1): fills Problems for files never opened, the
// same findings as `conndoctor ./...`, skipping vendor/, testdata/, files.exclude and
// conndoctor.exclude.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { ScanSummary } from '../../../src/vscode/scan';
import { api, cliFindings, closeAll, keyOfCli, keyOfDiag, removeScratch, writeScratch } from './editor-helpers';
import { extension, SOURCE, waitFor, workspaceRoot } from './helpers';

const LEAK = (pkg: string) => `package ${pkg}

import (
	"net"
)

func talk(addr string) error {
	conn, err := net.Dial("tcp", addr)
	if err != nil {
		return err
	}
	_, err = conn.Write([]byte("hi"))
	return err
}
`;

describe('editor: scan workspace', function () {
  before(async () => {
    await api();
    await closeAll();
  });
  after(() => removeScratch());

  it('fills the Problems panel with what `conndoctor ./...` finds, skipping vendor/, testdata/ and excludes', async function () {
    this.timeout(120_000);
    // Files the scan must skip, each with a finding the CLI would report if named explicitly.
    writeScratch('vendor/example.com/dep/dep.go', LEAK('dep'));
    writeScratch('internal/testdata/td.go', LEAK('td'));
    writeScratch('gen_excluded/gen.go', LEAK('gen'));
    writeScratch('conndoctor_excluded/x.go', LEAK('x'));
    // And one it must find, never opened.
    writeScratch('scanme/leak.go', LEAK('scanme'));

    const files = vscode.workspace.getConfiguration('files');
    const cd = vscode.workspace.getConfiguration('conndoctor');
    const canExclude = JSON.stringify(
      (extension().packageJSON as { contributes?: { configuration?: unknown } }).contributes?.configuration ?? '',
    ).includes('conndoctor.exclude');
    await files.update('exclude', { '**/gen_excluded': true }, vscode.ConfigurationTarget.Workspace);
    if (canExclude) await cd.update('exclude', ['conndoctor_excluded/**'], vscode.ConfigurationTarget.Workspace);
    try {
      const expected = cliFindings().filter(
        (f) => !f.file.startsWith('gen_excluded/') && (!canExclude || !f.file.startsWith('conndoctor_excluded/')),
      );
      assert.ok(
        expected.some((f) => f.file === 'scanme/leak.go'),
        'CLI finds the never-opened file',
      );
      const summary = await vscode.commands.executeCommand<ScanSummary | undefined>('conndoctor.scanWorkspace');
      assert.ok(summary, 'the scan ran');
      console.log(
        `    scan: ${summary.findings} finding(s) in ${summary.filesWithFindings}/${summary.files} files, ${summary.ms} ms, ${summary.threads ? `${summary.threads} worker(s)` : 'in-process'}`,
      );
      const root = workspaceRoot();
      const got = await waitFor(() => {
        const out: string[] = [];
        for (const [uri, ds] of vscode.languages.getDiagnostics()) {
          if (!uri.fsPath.startsWith(root.fsPath)) continue;
          const rel = vscode.workspace.asRelativePath(uri, false);
          if (rel.split('/').some((p) => p.startsWith('_'))) continue; // other tests' scratch files
          for (const d of ds) if (d.source === SOURCE) out.push(`${rel}:${keyOfDiag(d)}`);
        }
        return out.length ? out.sort() : undefined;
      }, 'scan diagnostics');
      assert.deepEqual(got, expected.map((f) => `${f.file}:${keyOfCli(f)}`).sort());
      for (const skipped of ['vendor/', 'internal/testdata/', 'gen_excluded/', ...(canExclude ? ['conndoctor_excluded/'] : [])]) {
        assert.ok(!got.some((g) => g.startsWith(skipped)), `${skipped} skipped`);
      }
      assert.equal(summary.findings, expected.length);
      // The number the command reports is what the Problems panel lists of ours (no hints), open files included.
      const listed = vscode.languages
        .getDiagnostics()
        .filter(([u]) => u.fsPath.startsWith(root.fsPath))
        .flatMap(([, ds]) => ds)
        .filter((d) => d.source === SOURCE && d.severity !== vscode.DiagnosticSeverity.Hint).length;
      assert.equal(summary.problems, listed);
    } finally {
      await files.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
      if (canExclude) await cd.update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
    }
  });
});
