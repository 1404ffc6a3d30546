// UI scenario: the workbench opens the workspace with the extension loaded, a Go file opens, the
// extension shows up as activated, and the Problems panel can be read.
import * as assert from 'node:assert/strict';
import type { UiContext } from '../harness';

export default function basics(ctx: UiContext): void {
  it('opens a Go file of the workspace in an editor', async () => {
    const file = ctx.workspace.goFiles.find((f) => f.endsWith('main.go')) ?? ctx.workspace.goFiles[0];
    assert.ok(file, 'workspace has a Go file');
    await ctx.wb.openFile(file);
    const text = await ctx.wb.waitForEditorText((t) => /^package \w+/m.test(t), 'the Go source in the editor');
    assert.match(text, /^package \w+/m);
    await ctx.wb.screenshot('editor');
  });

  it('lists the extension as activated (Developer: Show Running Extensions)', async () => {
    const exts = await ctx.wb.runningExtensions();
    const ours = exts.find((e) => e.id === 'go-conn-doctor' || /go-conn-doctor|Go Conn Doctor/.test(e.text));
    assert.ok(ours, `go-conn-doctor not among running extensions: ${exts.map((e) => e.id).join(', ')}`);
    assert.ok(ours.activationMs !== undefined, `no activation time shown: ${ours.text}`);
    ctx.record('activation ms (Running Extensions, dev copy)', ours.activationMs);
  });

  it('reads the Problems panel', async () => {
    const rows = await ctx.wb.problems();
    const counts = await ctx.wb.problemCounts();
    ctx.record('problems rows (UI)', rows.length);
    assert.ok(Array.isArray(rows));
    assert.ok(counts.errors >= 0 && counts.warnings >= 0);
    await ctx.wb.screenshot('problems');
  });
}
