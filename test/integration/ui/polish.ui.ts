// UI scenarios: editor polish as a user meets it (issue 11 item 13). The settings sit under
// "Go Conn Doctor" in sections (Analysis, Quick Fixes, Live Sockets), each labelled by itself
// ("Enable", "Dial Timeout"), not "Conndoctor: Enable"; typing a plain word ("httpclient") offers
// our snippet.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { UiContext } from '../harness';

export default function polish(ctx: UiContext): void {
  it('shows the settings under "Go Conn Doctor" in sections, labelled without a "Conndoctor" prefix (table of contents)', async () => {
    const page = ctx.wb.page;
    await ctx.wb.command('Preferences: Open Settings (UI)');
    const toc = page.locator('.settings-editor .settings-toc-container');
    await toc.waitFor({ timeout: 30_000 });
    const row = (label: string) => toc.locator('.monaco-list-row', { hasText: new RegExp(`^${label}`) }).first();
    await row('Extensions').click();
    if (!(await row('Go Conn Doctor').isVisible())) await page.keyboard.press('ArrowRight');
    await row('Go Conn Doctor').click({ timeout: 30_000 });
    const tocText = await toc.innerText();
    for (const section of ['Analysis', 'Quick Fixes', 'Live Sockets']) assert.match(tocText, new RegExp(section));
    // Our setting rows carry their key (data-key); read their labels as shown, scrolling the list.
    const items = page.locator('.settings-editor .settings-tree-container [data-key^="conndoctor."]');
    await items.first().waitFor({ timeout: 30_000 });
    await page.locator('.settings-editor .settings-tree-container').hover();
    const seen = new Map<string, string>();
    for (let idle = 0; idle < 3;) {
      const rows = await items.evaluateAll((els) =>
        els.map((e) => ({
          key: e.getAttribute('data-key') ?? '',
          shown:
            `${(e.querySelector('.setting-item-category') as HTMLElement | null)?.innerText ?? ''}${(e.querySelector('.setting-item-label') as HTMLElement | null)?.innerText ?? ''}`.trim(),
        })),
      );
      let added = 0;
      for (const r of rows)
        if (r.shown && !seen.has(r.key)) {
          seen.set(r.key, r.shown);
          added++;
        }
      idle = added ? 0 : idle + 1;
      await page.mouse.wheel(0, 300);
      await page.waitForTimeout(150);
    }
    await ctx.wb.screenshot('settings');
    const shown = [...seen.entries()].map(([k, v]) => `${k}=${v}`);
    ctx.record('settings shown (UI)', seen.size);
    assert.ok(seen.size >= 8, `settings shown: ${shown.join(' | ')}`);
    assert.ok(![...seen.values()].some((l) => /conndoctor/i.test(l)), `a label still says Conndoctor: ${shown.join(' | ')}`);
    assert.equal(seen.get('conndoctor.enable'), 'Enable');
    assert.equal(seen.get('conndoctor.fix.dialTimeout'), 'Dial Timeout');
    assert.equal(seen.get('conndoctor.sockets.interval'), 'Interval');
    await ctx.wb.command('View: Close Editor');
  });

  it('typing the plain word "httpclient" offers the snippet; Enter inserts it', async () => {
    const page = ctx.wb.page;
    const file = ctx.workspace.goFiles.find((f) => /^import \(/m.test(fs.readFileSync(path.join(ctx.workspace.dir, f), 'utf8')));
    assert.ok(file, 'a workspace Go file');
    await ctx.wb.openFile(file);
    await page.locator('.monaco-editor .view-lines').first().click();
    await page.keyboard.press('Control+End');
    await page.keyboard.press('Enter');
    await page.keyboard.type('httpclient');
    await page.keyboard.press('Control+Space');
    const rows = page.locator('.editor-widget.suggest-widget .monaco-list-row');
    try {
      await rows.first().waitFor({ timeout: 30_000 });
      const labels = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? (e as HTMLElement).innerText));
      await ctx.wb.screenshot('snippet-httpclient');
      // Word completions may list the same word first (a package is named httpclient): pick the snippet row.
      const at = labels.findIndex((l) => /^httpclient\b/.test(l) && /HTTP client with timeout/.test(l));
      assert.ok(at >= 0, `the snippet among the suggestions for "httpclient": ${labels.join(' | ')}`);
      for (let i = 0; i < at; i++) await page.keyboard.press('ArrowDown');
      await page.keyboard.press('Enter');
      await ctx.wb.waitForEditorText((t) => t.includes('Timeout:'), 'the snippet at the end of the file');
      await ctx.wb.screenshot('snippet-httpclient-inserted');
      // The language server's item also added the import the file lacked ("io"), in gofmt's order.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+Home');
      await ctx.wb.waitForEditorText((t) => /"fmt"\s*"io"\s*"net"/.test(t), 'the "io" import added by the snippet');
      await ctx.wb.screenshot('snippet-httpclient-imports');
    } finally {
      await page.keyboard.press('Escape');
      await ctx.wb.command('File: Revert File');
    }
  });
}
