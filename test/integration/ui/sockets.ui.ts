// The Live Sockets view end to end in the real workbench (issue 8): the leaky example server runs in the
// workspace folder as a user would start it, the view attaches to exactly its PID, CLOSE_WAIT rises under the
// load generator, the guidance card appears, "Find the cause" lists findings, and clicking one opens the file
// at its line. A screenshot per step lands in test-results/integration/ui-sockets-*.png.
import * as assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FrameLocator } from 'playwright-core';
import { buildGo, Scenario } from '../../live/helpers';
import { REPO_ROOT, waitUntil, type UiContext } from '../harness';

/** utime+stime of a process, or of one of its threads, ms. */
function cpuMs(pid: number, tid?: number): number {
  const s = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'latin1');
  const f = s.slice(s.lastIndexOf(')') + 2).split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / 100;
}

/** The newest extension host of the code-server whose process group is `pgid`. */
function extensionHostPid(pgid: number): number | undefined {
  let best: { pid: number; start: number } | undefined;
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      const cmd = fs.readFileSync(`/proc/${d}/cmdline`, 'latin1');
      if (!cmd.includes('--type=extensionHost')) continue;
      const st = fs.readFileSync(`/proc/${d}/stat`, 'latin1');
      const f = st.slice(st.lastIndexOf(')') + 2).split(' ');
      if (Number(f[2]) !== pgid) continue;
      const start = Number(f[19]);
      if (!best || start > best.start) best = { pid: Number(d), start };
    } catch {
      /* gone */
    }
  }
  return best?.pid;
}

function start(bin: string, args: string[], cwd: string): ChildProcess & { log: () => string } {
  const cp = spawn(bin, args, { cwd, stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let log = '';
  cp.stderr!.on('data', (d: Buffer) => (log += d.toString()));
  return Object.assign(cp, { log: () => log });
}

function kill(cp: ChildProcess | undefined): void {
  if (!cp?.pid || cp.exitCode !== null || cp.signalCode !== null) return;
  try {
    process.kill(-cp.pid, 'SIGKILL');
  } catch {
    cp.kill('SIGKILL');
  }
}

/** What the webview exposes for tests (media/webview.ts). */
interface ViewInspect {
  conndoctorView: { charts(): { states: { data: number[][] } } };
}

export default function sockets(ctx: UiContext): void {
  let tmp = '';
  let server: (ChildProcess & { log: () => string }) | undefined;
  let load: ChildProcess | undefined;
  let view: FrameLocator;

  before(function () {
    this.timeout(180_000);
    if (process.platform !== 'linux' || !fs.existsSync(path.join(REPO_ROOT, 'dist', 'webview.js'))) this.skip();
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'conndoctor-ui-sockets-'));
    for (const p of ['leakyserver', 'loadgen'])
      execFileSync('go', ['build', '-o', path.join(tmp, p), `./${p}`], {
        cwd: ctx.workspace.dir,
        env: { ...process.env, CGO_ENABLED: '0' },
      });
  });

  after(() => {
    kill(load);
    kill(server);
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  const chip = async (state: string): Promise<number> => {
    const t = await view.locator(`.chip.st-${state} .chip-value`).first().innerText();
    return Number(t.replace(/[^\d]/g, '')) || 0;
  };

  it('attaches to the workspace program by itself and names its PID', async function () {
    this.timeout(120_000);
    const page = ctx.wb.page;
    // started in the workspace folder, as `go run ./leakyserver` in the integrated terminal would be
    server = start(path.join(tmp, 'leakyserver'), ['-addr', '127.0.0.1:0'], ctx.workspace.dir);
    await waitUntil(() => /listening on 127\.0\.0\.1:\d+/.test(server!.log()), 20_000, 'the server to listen');
    await page.locator('.activitybar .action-item .action-label[aria-label^="Go Conn Doctor"]').first().click();
    view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    const target = view.locator('.toolbar .target');
    await target.filter({ hasText: `PID ${server.pid}` }).waitFor({ timeout: 60_000 });
    assert.match(await target.innerText(), /leakyserver/);
    await ctx.wb.screenshot('sockets-1-attached');
  });

  it('shows CLOSE_WAIT rising under load and the close-wait guidance card', async function () {
    this.timeout(120_000);
    const addr = /listening on (127\.0\.0\.1:\d+)/.exec(server!.log())![1];
    // the clients run outside the workspace folder: they are not a candidate of the view
    load = start(path.join(tmp, 'loadgen'), ['-addr', addr, '-rate', '20'], tmp);
    const seen: number[] = [await chip('CLOSE_WAIT')];
    await waitUntil(
      async () => {
        const n = await chip('CLOSE_WAIT');
        if (n !== seen.at(-1)) seen.push(n);
        return seen.length >= 4 && n >= 20;
      },
      60_000,
      `the CLOSE_WAIT chip to rise (${seen.join(' -> ')})`,
      250,
    );
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] > seen[i - 1], `CLOSE_WAIT only rises: ${seen.join(' -> ')}`);
    await ctx.wb.screenshot('sockets-2-close-wait-rising');
    const card = view.locator('.card[data-symptom="close-wait"]');
    await card.waitFor({ timeout: 30_000 });
    assert.match(await card.innerText(), /CLOSE_WAIT/);
    const status = ctx.wb.page.locator('.statusbar-item', { hasText: /close-wait/ });
    await status.first().waitFor({ timeout: 10_000 });
    await ctx.wb.screenshot('sockets-3-guidance');
  });

  it('"Find the cause" lists findings; clicking one opens the file at its line', async function () {
    this.timeout(180_000);
    const card = view.locator('.card[data-symptom="close-wait"]');
    await card.locator('.find').click();
    const link = card.locator('.finding-list .finding .loc').first();
    await link.waitFor({ timeout: 120_000 });
    await ctx.wb.screenshot('sockets-4-findings');
    const label = await link.innerText(); // "leakyserver/main.go:39"
    const m = /^(.+):(\d+)$/.exec(label.trim());
    assert.ok(m, `a file:line link, got "${label}"`);
    // only the attached program's code is searched, not the other examples of its module (tcpserver/, httpclient/…)
    assert.match(await card.locator('.scope').innerText(), /Searched the attached program: package leakyserver/);
    const labels = await card.locator('.finding-list .finding .loc').allInnerTexts();
    assert.ok(
      labels.every((l) => l.startsWith('leakyserver/')),
      labels.join(', '),
    );
    await link.click();
    const page = ctx.wb.page;
    await page.locator('.tabs-container .tab.active', { hasText: path.basename(m[1]) }).waitFor({ timeout: 30_000 });
    const cursor = page.locator('.statusbar-item[id="status.editor.selection"]');
    await waitUntil(async () => new RegExp(`Ln ${m[2]},`).test(await cursor.innerText()), 10_000, `the cursor on line ${m[2]}`);
    await ctx.wb.screenshot('sockets-5-finding-opened');
  });

  it('keeps its state across hide and show (the page is not retained: it reloads, restores its UI, the host resends)', async function () {
    this.timeout(120_000);
    const page = ctx.wb.page;
    await view.locator('vscode-textfield.filter input').fill('CLOSE_WAIT');
    await page.waitForTimeout(600); // the filter and the state write are debounced
    const points = await view
      .locator('body')
      .evaluate(() => (window as unknown as ViewInspect).conndoctorView.charts().states.data[0].length);
    // another view container in the side bar hides ours; its webview is dropped
    await page.locator('.activitybar .action-item .action-label[aria-label^="Explorer"]').first().click();
    await page.locator('.activitybar .action-item .action-label[aria-label^="Go Conn Doctor"]').first().click();
    view = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    await view.locator('.card[data-symptom="close-wait"] .finding-list .loc').first().waitFor({ timeout: 30_000 });
    assert.equal(await view.locator('vscode-textfield.filter').evaluate((e) => (e as HTMLElement & { value: string }).value), 'CLOSE_WAIT');
    assert.match(await view.locator('.table-tools .count').innerText(), /^\d+ of \d+ sockets$/);
    const after = await view
      .locator('body')
      .evaluate(() => (window as unknown as ViewInspect).conndoctorView.charts().states.data[0].length);
    assert.ok(after >= points, `the chart kept its history: ${points} points before, ${after} after`);
    await ctx.wb.screenshot('sockets-6-hidden-and-shown');
  });

  // A measurement, not an assertion (issue 8: goal <= 2 % of a core), recorded in timings.json; opt-in because
  // it takes a minute: CONNDOCTOR_MEASURE_SOCKETS=1.
  it('records the extension host CPU while the view samples 1,000 sockets at 1 s', async function () {
    if (!process.env.CONNDOCTOR_MEASURE_SOCKETS) this.skip();
    this.timeout(300_000);
    kill(load);
    const bin = buildGo('scenario');
    const target = new Scenario(bin);
    const peer = new Scenario(bin);
    try {
      const port = await target.port('listen srv');
      await peer.cmd(`dial g 1000 ${port} E`, 60_000);
      const page = ctx.wb.page;
      // attach by hand: Choose Process… -> Enter a PID…
      await ctx.wb.command('Go Conn Doctor: Choose Process for Live Sockets…');
      await page.locator('.quick-input-list .monaco-list-row', { hasText: 'Enter a PID' }).first().click();
      const input = page.locator('.quick-input-widget input');
      await input.fill(String(target.pid));
      await input.press('Enter');
      await view
        .locator('.toolbar .target')
        .filter({ hasText: `PID ${target.pid}` })
        .waitFor({ timeout: 30_000 });
      await view.locator('.chip.st-ESTABLISHED .chip-value', { hasText: '1,000' }).waitFor({ timeout: 30_000 });
      const host = extensionHostPid(ctx.server.pid);
      assert.ok(host, 'no extension host process found');
      // the whole process, and its main thread (the event loop every extension shares); the rest is the
      // collector's worker thread and V8's own threads
      const measure = async (seconds: number) => {
        const c0 = cpuMs(host);
        const m0 = cpuMs(host, host);
        const t0 = Date.now();
        await new Promise((r) => setTimeout(r, seconds * 1000));
        const ms = Date.now() - t0;
        return { all: +((100 * (cpuMs(host) - c0)) / ms).toFixed(2), main: +((100 * (cpuMs(host, host) - m0)) / ms).toFixed(2) };
      };
      await new Promise((r) => setTimeout(r, 5000));
      const sampling = await measure(30);
      await ctx.wb.screenshot('sockets-7-1000-sockets');
      await ctx.wb.command('Go Conn Doctor: Pause Socket Sampling');
      await new Promise((r) => setTimeout(r, 3000));
      const paused = await measure(30);
      await ctx.wb.command('Go Conn Doctor: Resume Socket Sampling');
      ctx.record('extension host CPU % of a core: sampling 1,001 sockets at 1 s, view visible', sampling.all);
      ctx.record('extension host main thread CPU %: sampling 1,001 sockets at 1 s', sampling.main);
      ctx.record('extension host CPU % of a core: same window, sampling paused', paused.all);
      ctx.record('extension host main thread CPU %: sampling paused', paused.main);
    } finally {
      await target.stop();
      await peer.stop();
    }
  });
}
