// The Live Sockets webview in headless Chromium, under the real CSP, fed the messages the extension host builds
// from socket sequences recorded on real Go processes (test/ui/fixtures, see record.ts) through the real sampler,
// guidance and ViewFeed. Asserts what a user sees (chips, chart series, table rows, guidance cards, states) and
// what the view sends back on clicks and keys; saves screenshots to test-results/ui/.
import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { analyzeFiles, ensureReady } from '../../src/analysis/engine';
import { CHIP_STATES, type FindingsMessage, type HostMessage, type ViewFinding } from '../../src/sockets/viewProtocol';
import { launchChromium, type Chromium } from '../integration/harness/browser';
import { ROW_H } from '../../media/table';
import { fixture, hello, REPO, replay, ViewPage, ViewServer, type OpenOptions, type Replay, type ThemeId } from './harness';

const SAMPLING: HostMessage = { type: 'sampling', paused: false, intervalMs: 1000 };

/** Findings of the real analyzer for these rules, as the host sends them (1-based, workspace-relative labels). */
async function findingsOf(files: string[], rules: string[]): Promise<ViewFinding[]> {
  await ensureReady();
  const abs = files.map((f) => join(REPO, f));
  return analyzeFiles(
    abs.map((path) => ({ path, text: readFileSync(path, 'utf8') })),
    [],
    { rules },
  ).map((f) => ({
    file: f.file,
    label: relative(REPO, f.file),
    line: f.range.start.line + 1,
    column: f.range.start.character + 1,
    rule: f.rule,
    severity: f.severity,
    message: f.message,
  }));
}

describe('webview (headless Chromium)', function () {
  this.timeout(120_000);
  let server: ViewServer;
  let browser: Chromium;
  let leak: Replay;
  const pages: ViewPage[] = [];

  before(async () => {
    server = await ViewServer.start();
    browser = await launchChromium();
    leak = replay(fixture('leak'));
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  async function open(o: OpenOptions = {}): Promise<ViewPage> {
    const v = await ViewPage.open(browser, server, o);
    pages.push(v);
    return v;
  }

  afterEach(async () => {
    // every page: no script errors, no CSP violation, nothing loaded from anywhere but the extension's files
    for (const v of pages.splice(0)) {
      assert.deepEqual(await v.cspViolations(), [], 'CSP violations');
      assert.deepEqual(v.errors, [], 'page errors and console errors/warnings');
      assert.deepEqual(v.foreignRequests(), [], 'requests outside the extension');
      await v.close();
    }
  });

  /** Hello, attach, sampling, then the first `n` samples of a replay. */
  async function play(v: ViewPage, r: Replay, n = r.steps.length, locale: 'en' | 'zh-cn' = 'en'): Promise<void> {
    await v.post(hello(locale), r.attached, SAMPLING);
    for (const s of r.steps.slice(0, n)) await v.post(...s);
  }

  const text = (v: ViewPage, sel: string) => v.page.locator(sel).first().innerText();

  it('replays a real CLOSE_WAIT leak: chips with their change, chart series, table rows, the guidance card', async () => {
    const v = await open();
    // sample 10: the load client is still connecting and hanging up
    await play(v, leak, 10);
    const h = leak.histories[9];
    const cw = h.samples.at(-1)!.counts.CLOSE_WAIT;
    const prev = h.samples.at(-2)!.counts.CLOSE_WAIT;
    assert.ok(cw > prev && prev > 0, `CLOSE_WAIT grows in the recording (${prev} -> ${cw})`);
    assert.equal(await text(v, '.chip[data-state="CLOSE_WAIT"] .chip-value'), String(cw));
    assert.equal(await text(v, '.chip[data-state="CLOSE_WAIT"] .chip-delta'), `▲${cw - prev}`);
    assert.equal(await text(v, '.chip[data-state="LISTEN"] .chip-value'), '1');
    assert.match(
      (await v.page.locator('.chip[data-state="CLOSE_WAIT"]').getAttribute('aria-label')) ?? '',
      new RegExp(`CLOSE_WAIT: ${cw} sockets \\(\\+${cw - prev}`),
    );

    // the chart holds one point per sample: every chip state, and fds against the limit
    const charts = await v.page.evaluate(() => (window as unknown as { conndoctorView: { charts(): unknown } }).conndoctorView.charts());
    const { states, fds } = charts as { states: { labels: string[]; data: number[][] }; fds: { labels: string[]; data: number[][] } };
    assert.deepEqual(states.labels.slice(1), [...CHIP_STATES]);
    assert.deepEqual(
      states.data[0],
      h.samples.map((s) => s.time / 1000),
    );
    assert.deepEqual(
      states.data[1 + CHIP_STATES.indexOf('CLOSE_WAIT')],
      h.samples.map((s) => s.counts.CLOSE_WAIT),
    );
    assert.deepEqual(
      fds.data[1],
      h.samples.map((s) => s.fds!.open),
    );
    assert.deepEqual(
      fds.data[2],
      h.samples.map((s) => s.fds!.softLimit),
    );

    // the table: every socket of the sample, trouble first (CLOSE_WAIT, oldest first)
    const total = h.latest!.sockets.length;
    assert.equal(await text(v, '.table-tools .count'), `${total} of ${total} sockets`);
    assert.equal(await v.page.locator('.sock-table').getAttribute('aria-rowcount'), String(total + 1 + h.diff!.closed.length));
    assert.equal(await text(v, '#row-0 .col-state'), 'CLOSE_WAIT');
    // ties (sockets first seen in the same sample) are ordered by key
    const oldestCw = h
      .latest!.sockets.filter((s) => s.state === 'CLOSE_WAIT')
      .sort((a, b) => a.firstSeen - b.firstSeen || (a.key < b.key ? -1 : 1))[0];
    assert.equal(await text(v, '#row-0 .col-remote'), `${oldestCw.remoteAddress}:${oldestCw.remotePort}`);
    // sockets opened since the last sample are marked, and say so (title); newest first to have them in view
    const opened = h.diff!.opened.length;
    assert.ok(opened > 0);
    await v.page.locator('.th.col-seenFor .sort').click();
    await v.page.locator('.th.col-seenFor .sort').click();
    assert.equal(await v.page.locator('.th.col-seenFor').getAttribute('aria-sort'), 'ascending');
    assert.equal(await v.page.locator('.tr.opened:not([hidden])').count(), opened);
    assert.match((await v.page.locator('.tr.opened').first().getAttribute('title')) ?? '', /opened since the last sample/);

    // the guidance card of the engine, with its evidence
    const card = v.page.locator('.card[data-symptom="close-wait"]');
    assert.equal(await card.locator('.card-title').innerText(), 'CLOSE_WAIT sockets are growing: connections are leaking');
    assert.match(await card.locator('.evidence').innerText(), new RegExp(`^${cw} CLOSE_WAIT socket\\(s\\); grew from \\d+ to ${cw} in`));
    assert.ok(await card.evaluate((e) => e.classList.contains('sev-error')));

    // the rest of the recording: the load stops (CLOSE_WAIT stays flat), then the process exits
    for (const s of leak.steps.slice(10)) await v.post(...s);
    const last = leak.histories.at(-2)!;
    assert.equal(await text(v, '.chip[data-state="CLOSE_WAIT"] .chip-value'), String(last.samples.at(-1)!.counts.CLOSE_WAIT));
    assert.equal(await text(v, '.chip[data-state="CLOSE_WAIT"] .chip-delta'), '');
    assert.equal(await v.page.locator('.state-panel').getAttribute('data-state'), 'exited');
    assert.match(await text(v, '.state-title'), new RegExp(`Process ${leak.rec.pid} exited`));
    // the data stays on screen, dimmed, while the host waits for a restart
    assert.ok(await v.page.locator('.content.stale').isVisible());
    await v.clearSent();
    await v.page.locator('vscode-button[data-action="retry"]').click();
    await v.waitForSent((m) => m.type === 'discover');
  });

  it('Find the cause: asks the host, lists the real findings as file:line links, says what to look for when none match', async () => {
    const v = await open();
    await play(v, leak, 14);
    await v.clearSent();
    const card = v.page.locator('.card[data-symptom="close-wait"]');
    await card.locator('vscode-button.find').click();
    const ask = await v.waitForSent((m) => m.type === 'findCause');
    assert.deepEqual(ask, { type: 'findCause', symptom: 'close-wait' });
    const scope = { kind: 'program' as const, module: 'example.com/conndemo', label: 'leakyserver', packages: 1 };
    await v.post({ type: 'findings', symptom: 'close-wait', status: 'running', findings: [], analyzedFiles: 0, errors: [], scope });
    assert.equal(await text(v, '.card[data-symptom="close-wait"] .running'), 'Analyzing the attached program (leakyserver)…');
    assert.equal(await card.locator('vscode-button.find').getAttribute('disabled'), '');

    // the leaky server's real findings for the symptom's rules
    const rules = leak.steps[13].find((m) => m.type === 'guidance')!;
    const cwRules = rules.type === 'guidance' ? rules.items.find((g) => g.id === 'close-wait')!.rules : [];
    const found = await findingsOf(leak.rec.sources!, cwRules);
    assert.ok(
      found.some((f) => f.rule === 'read-no-deadline'),
      JSON.stringify(found),
    );
    const done: FindingsMessage = {
      type: 'findings',
      symptom: 'close-wait',
      status: 'done',
      findings: found,
      analyzedFiles: 1,
      errors: [],
      scope,
    };
    await v.post(done);
    // which code was searched: the attached program's
    assert.equal(
      (await text(v, '.card[data-symptom="close-wait"] .scope')).trim(),
      'Searched the attached program: package leakyserver (it imports no other package of module example.com/conndemo).',
    );
    const links = card.locator('.finding-list .loc');
    assert.equal(await links.count(), found.length);
    assert.equal(await links.first().innerText(), `${found[0].label}:${found[0].line}`);
    assert.match(await card.locator('.finding-list li').first().innerText(), new RegExp(found[0].rule));
    await v.clearSent();
    await links.first().click();
    const openMsg = await v.waitForSent((m) => m.type === 'openLocation');
    assert.deepEqual(openMsg, { type: 'openLocation', file: found[0].file, line: found[0].line, column: found[0].column });
    // the registry hint stays one click away
    await card.locator('.look-for-more summary').click();
    assert.match(await card.locator('.look-for-more p').innerText(), /map, slice or struct field/);

    // nothing found: say what to look for instead of leading nowhere
    await v.post({ ...done, findings: [], analyzedFiles: 3 });
    assert.equal(await card.locator('.finding-list').count(), 0);
    assert.match(await card.locator('.findings').innerText(), /No finding of conn-not-closed, read-no-deadline.* in 3 analyzed file/);
    assert.match(await card.locator('.look-for').innerText(), /What to look for\s+A connection registry that never closes its entries/);
    await v.post({ ...done, findings: [], analyzedFiles: 3, scope: { ...scope, label: 'cmd/srv', packages: 3 } });
    assert.match(
      await card.locator('.scope').innerText(),
      /package cmd\/srv and the 2 package\(s\) of module example\.com\/conndemo it imports/,
    );
    await v.post({ ...done, findings: [], analyzedFiles: 40, scope: { kind: 'module', module: 'example.com/conndemo', label: '' } });
    assert.match(await card.locator('.scope').innerText(), /^\s*Searched module example\.com\/conndemo \(the attached program’s\)\.$/);
    await v.post({ ...done, findings: [], analyzedFiles: 40, scope: { kind: 'workspace', why: 'no-module' } });
    assert.match(await card.locator('.scope').innerText(), /Searched the whole workspace: the attached program’s module is not in it\./);
    // findings survive the guidance that comes with the next sample
    await v.post(...leak.steps[14]);
    assert.ok(await card.locator('.look-for').isVisible());
  });

  it('groups goroutines blocked in network I/O by their frame in the program, frames clickable', async () => {
    const r = replay(fixture('goroutines'));
    const v = await open();
    await play(v, r);
    const groups = v.page.locator('.gor-groups > li');
    const read = r.rec.goroutines!.netBlocked[0];
    assert.equal(read.count, 17);
    assert.equal(await groups.count(), r.rec.goroutines!.netBlocked.length);
    assert.equal(await groups.first().locator('summary').innerText(), `17 goroutines blocked in Read at main.go:${read.userFrame!.line}`);
    await v.clearSent();
    await groups.first().locator('summary .loc').click();
    assert.deepEqual(await v.waitForSent((m) => m.type === 'openLocation'), {
      type: 'openLocation',
      file: read.userFrame!.file,
      line: read.userFrame!.line,
    });
    // clicking the link does not fold the stack open; the summary does
    assert.equal(await groups.first().locator('details').getAttribute('open'), null);
    await groups.first().locator('summary .gor-count').click();
    const frames = groups.first().locator('.frames li');
    assert.equal(await frames.count(), read.frames.length);
    await v.clearSent();
    await frames.nth(0).locator('.loc').click();
    assert.deepEqual(await v.waitForSent((m) => m.type === 'openLocation'), {
      type: 'openLocation',
      file: read.frames[0].file,
      line: read.frames[0].line,
    });
    await v.page.locator('.goroutines').scrollIntoViewIfNeeded();
    await v.screenshot('goroutines-dark');
    // the same report with goroutines off: only the hint
    await v.post({ type: 'goroutines', status: 'off', groups: [] });
    assert.match(await text(v, '.goroutines'), /conndoctor\.goroutines\.enabled/);
    await v.post({ type: 'goroutines', status: 'no-pprof', groups: [] });
    assert.match(await text(v, '.goroutines'), /net\/http\/pprof/);
  });

  it('shows each state with its action, and the actions send their messages', async () => {
    const v = await open({ theme: 'light' });
    await v.post(hello(), { type: 'attach', status: { kind: 'discovering' }, actions: [], candidates: [] });
    assert.equal(await v.page.locator('.state-panel').getAttribute('data-state'), 'discovering');
    // nothing to sample yet: no sampling controls, no "Paused"
    assert.ok(await v.page.locator('.toolbar').isHidden());

    await v.post({
      type: 'attach',
      status: { kind: 'no-process', workspace: '/w/app' },
      actions: ['runGo', 'pick', 'manualPid'],
      candidates: [],
    });
    assert.equal(await text(v, '.state-title'), 'No Go program of this workspace is running');
    const actions = v.page.locator('.state-actions vscode-button');
    assert.deepEqual(await actions.evaluateAll((bs) => bs.map((b) => b.getAttribute('data-action'))), ['runGo', 'pick', 'manualPid']);
    assert.equal(await actions.first().getAttribute('secondary'), null, 'the first action is the primary button');
    await v.screenshot('state-no-process-light');
    await v.clearSent();
    await v.page.locator('vscode-button[data-action="runGo"]').click();
    await v.waitForSent((m) => m.type === 'runGo');

    // manual PID: rejects junk, sends a typed PID
    await v.page.locator('vscode-button[data-action="manualPid"]').click();
    await v.waitForSent((m) => m.type === 'discover');
    const field = v.page.locator('#pid-field input');
    await field.fill('12a');
    await field.press('Enter');
    assert.ok(await v.page.locator('.picker [role="alert"]').isVisible());
    await field.fill('4242');
    await field.press('Enter');
    assert.deepEqual(await v.waitForSent((m) => m.type === 'attach'), { type: 'attach', pid: 4242, manual: true });

    // several candidates: the picker, with why each matched
    const cands = [leak.attached.candidates[0], { ...leak.attached.candidates[0], pid: 777, name: 'worker', kind: 'go-run' as const }];
    await v.post({ type: 'attach', status: { kind: 'choose' }, actions: ['manualPid'], candidates: cands });
    assert.equal(await v.page.locator('.cand').count(), 2);
    assert.match(await v.page.locator('.cand').first().innerText(), /working directory .* is inside the workspace/);
    await v.clearSent();
    await v.page.locator('.cand[data-pid="777"] vscode-button').click();
    assert.deepEqual(await v.waitForSent((m) => m.type === 'attach'), { type: 'attach', pid: 777, manual: false });

    await v.post({
      type: 'attach',
      status: { kind: 'denied', pid: 1, owner: 'root', message: 'EACCES reading /proc/1/fd' },
      actions: ['pick'],
      candidates: [],
    });
    assert.equal(await text(v, '.state-title'), 'Not permitted to read the sockets of process 1');
    assert.match(await text(v, '.state-detail'), /It runs as root/);
    await v.clearSent();
    await v.page.locator('vscode-button[data-action="pick"]').click();
    await v.waitForSent((m) => m.type === 'discover');
    assert.ok(await v.page.locator('.picker').isVisible());
    await v.page.locator('.picker-close').click();
    assert.equal(await v.page.locator('.picker').count(), 0);

    await v.post({
      type: 'attach',
      status: { kind: 'unsupported', platform: 'freebsd', message: 'no collector' },
      actions: ['learnMore'],
      candidates: [],
    });
    assert.equal(await text(v, '.state-title'), 'Live sockets are not available on freebsd');
    await v.clearSent();
    await v.page.locator('vscode-button[data-action="learnMore"]').click();
    await v.waitForSent((m) => m.type === 'learnMore');

    // Restricted Mode: no process is looked at; the one action opens the Workspace Trust editor
    await v.post({ type: 'attach', status: { kind: 'untrusted' }, actions: ['manageTrust'], candidates: [] });
    assert.equal(await text(v, '.state-title'), 'Live Sockets needs a trusted workspace');
    assert.match(await text(v, '.state-detail'), /In Restricted Mode Go Conn Doctor only reads files/);
    assert.ok(await v.page.locator('.toolbar').isHidden());
    await v.screenshot('state-untrusted-light');
    await v.clearSent();
    await v.page.locator('vscode-button[data-action="manageTrust"]').click();
    await v.waitForSent((m) => m.type === 'manageTrust');
  });

  it('toolbar: pause and resume, the interval, export by mouse and by keyboard', async () => {
    const v = await open();
    await play(v, leak, 3);
    await v.clearSent();
    await v.page.locator('vscode-toolbar-button.pause').click();
    await v.waitForSent((m) => m.type === 'pause');
    await v.post({ type: 'sampling', paused: true, intervalMs: 1000 });
    assert.ok(await v.page.locator('.paused-tag').isVisible());
    assert.equal(await v.page.locator('vscode-toolbar-button.pause').getAttribute('label'), 'Resume sampling');
    await v.page.locator('vscode-toolbar-button.pause').click();
    await v.waitForSent((m) => m.type === 'resume');

    await v.page.locator('vscode-single-select.interval').click();
    await v.page.locator('vscode-single-select.interval').getByRole('option', { name: '5 s', exact: true }).click();
    assert.deepEqual(await v.waitForSent((m) => m.type === 'setInterval'), { type: 'setInterval', ms: 5000 });
    // an interval from the settings that is not in the list is shown too
    await v.post({ type: 'sampling', paused: false, intervalMs: 1500 });
    assert.equal(
      await v.page.locator('vscode-single-select.interval').evaluate((e) => (e as HTMLElement & { value: string }).value),
      '1500',
    );

    await v.page.locator('vscode-toolbar-button.export').click();
    assert.ok(await v.page.locator('.menu').isVisible());
    await v.page.locator('.menu-item[data-format="csv"]').click();
    assert.deepEqual(await v.waitForSent((m) => m.type === 'export'), { type: 'export', format: 'csv' });
    assert.ok(await v.page.locator('.menu').isHidden());
    await v.clearSent();
    await v.page.locator('vscode-toolbar-button.export').click();
    await v.page.keyboard.press('ArrowDown');
    await v.page.keyboard.press('ArrowDown');
    await v.page.keyboard.press('Enter');
    assert.deepEqual(await v.waitForSent((m) => m.type === 'export'), { type: 'export', format: 'markdown' });
    await v.page.locator('vscode-toolbar-button.export').click();
    await v.page.keyboard.press('Escape');
    assert.ok(await v.page.locator('.menu').isHidden());
  });

  it('table: sorts, filters, filters by chip and by a symptom, groups, and moves by keyboard', async () => {
    const v = await open({ width: 700, height: 1100 });
    await play(v, leak, 22);
    const h = leak.histories[21];
    const socks = h.latest!.sockets;
    const total = socks.length;
    const countText = () => text(v, '.table-tools .count');

    await v.page.locator('.th.col-seenFor .sort').click();
    assert.equal(await v.page.locator('.th.col-seenFor').getAttribute('aria-sort'), 'descending');
    // the first-sample sockets were open before sampling began: "≥"
    assert.match(await text(v, '#row-0 .col-seenFor'), /^≥ /);
    await v.page.locator('.th.col-seenFor .sort').click();
    assert.equal(await v.page.locator('.th.col-seenFor').getAttribute('aria-sort'), 'ascending');
    assert.doesNotMatch(await text(v, '#row-0 .col-seenFor'), /≥/);

    const est = socks.filter((s) => s.state === 'ESTABLISHED').length;
    await v.page.locator('vscode-textfield.filter input').fill('estab');
    await v.page.waitForFunction((want) => document.querySelector('.table-tools .count')?.textContent?.startsWith(want), `${est} of`);
    assert.equal(await countText(), `${est} of ${total} sockets`);
    await v.page.locator('vscode-textfield.filter input').fill('');
    await v.page.waitForFunction(
      (want) => document.querySelector('.table-tools .count')?.textContent === want,
      `${total} of ${total} sockets`,
    );

    const chip = v.page.locator('.chip[data-state="CLOSE_WAIT"]');
    await chip.click();
    assert.equal(await chip.getAttribute('aria-pressed'), 'true');
    const cw = socks.filter((s) => s.state === 'CLOSE_WAIT').length;
    assert.equal(await countText(), `${cw} of ${total} sockets`);
    await chip.click();
    assert.equal(await countText(), `${total} of ${total} sockets`);

    // "Show these sockets" on the card filters to its evidence
    await v.page.locator('.card[data-symptom="close-wait"] button.show').click();
    assert.ok(await v.page.locator('.filter-note').isVisible());
    const keys = leak.steps[21].find((m) => m.type === 'guidance');
    const evidence = keys?.type === 'guidance' ? keys.items.find((g) => g.id === 'close-wait')!.evidence.keys.length : -1;
    assert.equal(await countText(), `${evidence} of ${total} sockets`);
    await v.page.locator('.filter-note button.link').click();
    assert.equal(await countText(), `${total} of ${total} sockets`);

    // grouped by remote peer: one group per peer address, collapsible by mouse and keyboard
    await v.page.locator('vscode-single-select.group-by').click();
    await v.page.locator('vscode-single-select.group-by').getByRole('option', { name: 'Remote peer' }).click();
    const group = v.page.locator('.tr.group:not([hidden])').first();
    await group.waitFor();
    assert.match(await group.innerText(), new RegExp(`127\\.0\\.0\\.1\\s+${total - 1} sockets`));
    assert.equal(await group.getAttribute('aria-expanded'), 'true');
    await group.click();
    assert.equal(await v.page.locator('.tr.group:not([hidden])').first().getAttribute('aria-expanded'), 'false');
    assert.equal(
      await v.page.locator('.sock-table').getAttribute('aria-rowcount'),
      String(1 + (await v.page.locator('.tr:not([hidden])').count())),
    );
    await v.page.locator('.sock-table').focus();
    await v.page.keyboard.press('Home');
    await v.page.keyboard.press('ArrowRight');
    assert.equal(await v.page.locator('.tr.group:not([hidden])').first().getAttribute('aria-expanded'), 'true');

    // keyboard: the active row follows the keys, is always rendered and named by aria-activedescendant
    const grid = v.page.locator('.sock-table');
    await v.page.keyboard.press('End');
    const rows = Number(await grid.getAttribute('aria-rowcount')) - 1;
    assert.equal(await grid.getAttribute('aria-activedescendant'), `row-${rows - 1}`);
    assert.ok(await v.page.locator(`#row-${rows - 1}`).isVisible());
    await v.page.keyboard.press('PageUp');
    const afterPageUp = Number((await grid.getAttribute('aria-activedescendant'))!.slice(4));
    assert.ok(afterPageUp < rows - 5, `PageUp moved to ${afterPageUp}`);
    await v.page.keyboard.press('ArrowLeft'); // to the row's group
    assert.equal(await grid.getAttribute('aria-activedescendant'), 'row-0');
    await v.page.keyboard.press('Enter');
    assert.equal(await v.page.locator('.tr.group:not([hidden])').first().getAttribute('aria-expanded'), 'false');
  });

  it('table: a group expanded and End pressed within one frame leave no blank rows and the active row named', async () => {
    // A fast machine delivers the keys between two frames: the table grows before its ResizeObserver reports the new
    // height, and the scroll that End causes must not render the rows of the old, shorter box.
    const v = await open({ width: 700, height: 1100 });
    await play(v, leak, 22);
    await v.page.locator('vscode-single-select.group-by').click();
    await v.page.locator('vscode-single-select.group-by').getByRole('option', { name: 'Remote peer' }).click();
    await v.page.locator('.tr.group:not([hidden])').first().click(); // collapsed: a short table
    await v.frame();
    // a string, not a function: tsx's helpers do not exist in the page
    const frames = (await v.page.evaluate(`(async () => {
      const grid = document.querySelector('.sock-table');
      const vp = grid.querySelector('.viewport');
      grid.focus();
      for (const key of ['Home', 'ArrowRight', 'End'])
        grid.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
      const out = [];
      for (let i = 0; i < 3; i++) {
        await new Promise((r) => requestAnimationFrame(() => setTimeout(r, 0)));
        const first = Math.floor(vp.scrollTop / ${ROW_H});
        const rows = Number(grid.getAttribute('aria-rowcount')) - 1;
        const last = Math.min(rows, Math.ceil((vp.scrollTop + vp.clientHeight) / ${ROW_H}) - 1) - 1; // less the header
        const missing = [];
        for (let r = first; r <= last; r++) if (!document.getElementById('row-' + r)) missing.push(r);
        out.push({ active: grid.getAttribute('aria-activedescendant'), rows, missing });
      }
      return out;
    })()`)) as { active: string | null; rows: number; missing: number[] }[];
    for (const [i, f] of frames.entries()) {
      assert.equal(f.active, `row-${f.rows - 1}`, `frame ${i}`);
      assert.deepEqual(f.missing, [], `frame ${i}: rows in view but not rendered`);
    }
  });

  it('asks for a snapshot after a gap in the diffs, and ignores malformed messages', async () => {
    const v = await open();
    await play(v, leak, 4);
    await v.clearSent();
    await v.post(leak.steps[6][0]); // skips two diffs
    await v.waitForSent((m) => m.type === 'requestState');
    const before = await text(v, '.table-tools .count');
    await v.post({ type: 'snapshot', seq: 1, sockets: 'all of them' });
    assert.equal(await text(v, '.table-tools .count'), before);
    assert.equal(v.errors.length, 1);
    assert.match(v.errors[0], /ignored an invalid message: message\.pid: expected an integer/);
    v.errors.length = 0;
    // the host answers requestState with a snapshot: the view is whole again
    await v.post(leak.feed.current(leak.histories[6])!);
  });

  it('keeps its choices and the chart across a reload and asks the host for the rest', async () => {
    const v = await open();
    await play(v, leak, 12);
    await v.page.locator('.th.col-remote .sort').click();
    await v.page.locator('vscode-textfield.filter input').fill('CLOSE');
    // "Find the cause" was used: its findings are part of the state too
    const found: ViewFinding = {
      file: '/w/leakyserver/main.go',
      label: 'leakyserver/main.go',
      line: 39,
      column: 2,
      rule: 'conn-not-closed',
      severity: 'warning',
      message: 'kept in hub.conns',
    };
    await v.post({ type: 'findings', symptom: 'close-wait', status: 'done', findings: [found], analyzedFiles: 1, errors: [] });
    await v.page.waitForTimeout(400); // the filter is debounced, the state write too
    const state = await v.state();
    const again = await open({ state });
    // painted from the state before the host says anything: the chart, the chips, the filter
    const charts = (await again.page.evaluate(() =>
      (window as unknown as { conndoctorView: { charts(): unknown } }).conndoctorView.charts(),
    )) as {
      states: { data: number[][] };
    };
    assert.equal(charts.states.data[0].length, 12);
    assert.equal(
      await text(again, '.chip[data-state="CLOSE_WAIT"] .chip-value'),
      String(leak.histories[11].samples.at(-1)!.counts.CLOSE_WAIT),
    );
    assert.equal(
      await again.page.locator('vscode-textfield.filter').evaluate((e) => (e as HTMLElement & { value: string }).value),
      'CLOSE',
    );
    assert.equal(await again.page.locator('.th.col-remote').getAttribute('aria-sort'), 'ascending');
    assert.ok(await again.page.locator('.card[data-symptom="close-wait"]').isVisible());
    assert.equal(await text(again, '.card[data-symptom="close-wait"] .finding-list .loc'), 'leakyserver/main.go:39');
    assert.deepEqual((await again.sent())[0], { type: 'ready' });
  });

  it('10,000 sockets: all rows reachable, a DOM of a few dozen rows, small diffs', async () => {
    const r = replay(fixture('large'));
    // the real sequence: 10,001 sockets, every one with a keepalive timer that moves at every sample
    const last = r.histories.at(-1)!.latest!.sockets.length;
    assert.ok(last > 10_000, `${last} sockets`);
    for (const step of r.steps.slice(2)) {
      const m = step[0];
      assert.equal(m.type, 'diff');
      if (m.type === 'diff')
        assert.ok(m.upsert.length < 1000, `diff of ${m.upsert.length} sockets: moving timers must not resend everything`);
    }
    const v = await open({ width: 900, height: 900 });
    await play(v, r);
    const closed = r.histories.at(-1)!.diff!.closed.length;
    assert.equal(await v.page.locator('.sock-table').getAttribute('aria-rowcount'), String(last + closed + 1));
    assert.equal(await text(v, '.table-tools .count'), `${last.toLocaleString('en')} of ${last.toLocaleString('en')} sockets`);
    const rendered = await v.page.evaluate(() =>
      (window as unknown as { conndoctorView: { renderedRows(): number } }).conndoctorView.renderedRows(),
    );
    assert.ok(rendered > 10 && rendered < 80, `${rendered} rows in the DOM`);
    await v.page.locator('.sock-table').focus();
    await v.page.keyboard.press('End');
    await v.frame();
    assert.equal(await v.page.locator('.sock-table').getAttribute('aria-activedescendant'), `row-${last + closed - 1}`);
    assert.ok(await v.page.locator(`#row-${last + closed - 1}`).isVisible());
    const cw = r.histories.at(-1)!.latest!.sockets.filter((s) => s.state === 'CLOSE_WAIT').length;
    await v.page.locator('.chip[data-state="CLOSE_WAIT"]').click();
    assert.equal(await text(v, '.table-tools .count'), `${cw} of ${last.toLocaleString('en')} sockets`);
    await v.page.locator('.chip[data-state="CLOSE_WAIT"]').click();
    await v.page.locator('vscode-single-select.group-by').click();
    await v.page.locator('vscode-single-select.group-by').getByRole('option', { name: 'Local port' }).click();
    await v.page.locator('.tr.group:not([hidden])').first().waitFor();
    await v.screenshot('large-grouped-dark');
  });

  it('speaks Simplified Chinese with the zh-cn bundle of l10n/', async () => {
    const v = await open({ lang: 'zh-cn' });
    await play(v, leak, 12, 'zh-cn');
    assert.equal(await v.page.evaluate(() => document.documentElement.lang), 'zh-cn');
    assert.equal(await v.page.locator('#guidance-title').textContent(), '建议 1');
    assert.equal(await text(v, '.card[data-symptom="close-wait"] .card-title'), 'CLOSE_WAIT 套接字在增加：连接正在泄漏');
    assert.match(await text(v, '.card[data-symptom="close-wait"] vscode-button.find'), /查找原因/);
    assert.match(await text(v, '.th.col-seenFor'), /已观察/);
    await v.screenshot('leak-zh-cn-dark');
  });

  for (const th of ['light', 'dark', 'hc-dark', 'hc-light'] as ThemeId[]) {
    it(`screenshots the leak in the ${th} theme, sidebar and panel`, async () => {
      const found = await findingsOf(leak.rec.sources!, ['conn-not-closed', 'read-no-deadline']);
      for (const [where, width, height] of [
        ['sidebar', 400, 900],
        ['panel', 1200, 700],
      ] as const) {
        const v = await open({ theme: th, width, height });
        await play(v, leak, 16);
        await v.post({ type: 'findings', symptom: 'close-wait', status: 'done', findings: found, analyzedFiles: 1, errors: [] });
        await v.page.locator('.card[data-symptom="close-wait"] .why summary').click();
        await v.screenshot(`leak-${where}-${th}`);
      }
    });
  }
});
