// Drives code-server's web workbench with playwright-core and the system's chromium (no browser
// download): a fresh profile per launch, headless. `Workbench` wraps the few UI gestures the
// tests need (open a file, read the Problems panel, hover, quick fix, run a command, screenshot)
// around VS Code 1.100's DOM; the selectors are internal to that version, which is pinned.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import type { CodeServer } from './server';
import { forgetTempDir, removeOnExit, RESULTS_DIR, waitUntil } from './util';

export const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

/** Monaco renders spaces as U+00A0; compare normalised text. */
export const norm = (s: string): string => s.replace(/\u00a0/g, ' ');

export interface Chromium {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Headless chromium with a fresh throwaway profile (its XDG dirs too, so nothing lands in $HOME). */
export async function launchChromium(opts: { viewport?: { width: number; height: number } } = {}): Promise<Chromium> {
  if (!fs.existsSync(CHROMIUM)) throw new Error(`chromium not found at ${CHROMIUM} (run scripts/test-deps.sh, or set CHROMIUM)`);
  const tmp = removeOnExit(fs.mkdtempSync(path.join(os.tmpdir(), 'conndoctor-chromium-')));
  const profile = path.join(tmp, 'profile');
  const xdg = {
    XDG_CONFIG_HOME: path.join(tmp, 'xdg', 'config'),
    XDG_DATA_HOME: path.join(tmp, 'xdg', 'data'),
    XDG_CACHE_HOME: path.join(tmp, 'xdg', 'cache'),
  };
  // chromium.launch() refuses --user-data-dir in args: a persistent context takes the profile dir
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: opts.viewport ?? { width: 1400, height: 900 },
    env: { ...process.env, ...xdg } as Record<string, string>,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    async close() {
      if (closed) return;
      closed = true;
      // close pages first: a graceful disconnect makes the server dispose this window's
      // extension host at once (otherwise it waits for a reconnection for hours)
      await Promise.race([
        Promise.all(context.pages().map((p) => p.close().catch(() => undefined))),
        new Promise((r) => setTimeout(r, 3000)),
      ]);
      await context.close().catch(() => undefined);
      fs.rmSync(tmp, { recursive: true, force: true, maxRetries: 3, retryDelay: 100 });
      forgetTempDir(tmp);
    },
  };
}

export interface ProblemRow {
  /** File the row belongs to (base name as shown in the panel). */
  file: string;
  severity: 'error' | 'warning' | 'info' | 'unknown';
  message: string;
  source: string;
  code: string;
  /** 1-based, as shown ("[Ln 3, Col 5]"). */
  line: number;
  col: number;
}

export interface RunningExtension {
  id: string;
  text: string;
  activationMs?: number;
  startup: boolean;
}

export interface OpenOptions {
  /** Workspace folder on the server's file system. */
  folder: string;
  /** Extension folder(s) loaded as development extensions (like F5). Omit for installed ones only. */
  extensionDevelopmentPath?: string | string[];
  /** Prefix for screenshots (default 'ui'). */
  name?: string;
  timeoutMs?: number;
}

export class Workbench {
  /** Uncaught errors of the page (workbench JavaScript), for assertions or diagnosis. */
  readonly pageErrors: string[] = [];

  private constructor(
    readonly server: CodeServer,
    readonly browser: Chromium,
    readonly name: string,
  ) {
    browser.page.on('pageerror', (e) => this.pageErrors.push(e.message));
  }

  get page(): Page {
    return this.browser.page;
  }

  /** Launch chromium, open `folder` in the workbench and wait until the explorer shows it. */
  static async open(server: CodeServer, opts: OpenOptions): Promise<Workbench> {
    const browser = await launchChromium();
    const wb = new Workbench(server, browser, opts.name ?? 'ui');
    try {
      const timeout = opts.timeoutMs ?? 60_000;
      await wb.page.goto(server.workbenchUrl({ folder: opts.folder, extensionDevelopmentPath: opts.extensionDevelopmentPath }));
      await wb.page.waitForSelector('.monaco-workbench', { timeout });
      await wb.page.waitForSelector('.explorer-folders-view .monaco-list-row', { timeout });
      return wb;
    } catch (e) {
      await wb.screenshot('open-failure').catch(() => undefined);
      await browser.close();
      throw e;
    }
  }

  /**
   * Open a file of the workspace through Quick Open (Ctrl+P, type the path, click the entry whose
   * name and folder match), then wait until its editor is the active one. Retries once.
   */
  async openFile(relPath: string, timeoutMs = 30_000): Promise<void> {
    const base = path.basename(relPath);
    const dir = path.dirname(relPath);
    const active = this.page.locator('.tabs-container .tab.active', { hasText: base });
    for (let attempt = 0; ; attempt++) {
      try {
        await this.page.mouse.move(0, 0);
        await this.page.keyboard.press('Escape');
        await this.page.keyboard.press('Control+P');
        const input = this.page.locator('.quick-input-widget input');
        await input.waitFor({ state: 'visible', timeout: timeoutMs });
        await input.fill(relPath);
        let row = this.page
          .locator('.quick-input-list .monaco-list-row')
          .filter({ has: this.page.locator('.label-name').getByText(base, { exact: true }) });
        if (dir !== '.') row = row.filter({ hasText: dir });
        await row.first().waitFor({ timeout: timeoutMs });
        await row.first().click();
        await active.waitFor({ timeout: attempt ? timeoutMs : 10_000 });
        break;
      } catch (e) {
        if (attempt) throw e;
      }
    }
    await this.page.locator('.editor-instance .monaco-editor .view-lines').first().waitFor({ timeout: timeoutMs });
  }

  /** Text of the active editor's rendered lines (visible part only), newline-separated. */
  async editorText(): Promise<string> {
    const lines = await this.page
      .locator('.editor-instance .monaco-editor .view-lines .view-line')
      .evaluateAll((els) => els.map((e) => ({ top: parseFloat((e as HTMLElement).style.top) || 0, text: (e as HTMLElement).innerText })));
    return lines
      .sort((a, b) => a.top - b.top)
      .map((l) => norm(l.text))
      .join('\n');
  }

  async waitForEditorText(predicate: (text: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    return waitUntil(
      async () => {
        const t = await this.editorText();
        return predicate(t) ? t : '';
      },
      timeoutMs,
      what,
      100,
    );
  }

  /** Whether the active editor has unsaved changes (its tab shows the dirty dot). */
  async isDirty(): Promise<boolean> {
    return (await this.page.locator('.tabs-container .tab.active.dirty').count()) > 0;
  }

  /** Save the active editor (Ctrl+S) and wait until it is clean. */
  async save(timeoutMs = 30_000): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.tabs-container .tab.active').first().click();
    await this.page.keyboard.press('Control+S');
    await waitUntil(async () => !(await this.isDirty()), timeoutMs, 'the editor to be saved', 50);
  }

  /** Undo the last edit in the active editor (focuses it first). */
  async undo(): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.locator('.tabs-container .tab.active').first().click();
    await this.page.keyboard.press('Control+Z');
  }

  /** Squiggles currently rendered in the active editor, by severity. */
  async squiggles(): Promise<{ error: number; warning: number; info: number }> {
    const count = (sel: string) => this.page.locator(`.editor-instance .monaco-editor ${sel}`).count();
    return { error: await count('.squiggly-error'), warning: await count('.squiggly-warning'), info: await count('.squiggly-info') };
  }

  /**
   * Rows of the Problems panel (opens it). The list is virtualised: only rendered rows are read,
   * so with many findings pass `maximize` (hides the editors; run
   * 'View: Toggle Maximized Panel' to restore) or filter to see more.
   */
  async problems(opts: { maximize?: boolean } = {}): Promise<ProblemRow[]> {
    if (!(await this.page.locator('.markers-panel').isVisible())) {
      await this.page.keyboard.press('Control+Shift+M');
      await this.page.locator('.markers-panel').waitFor({ state: 'visible' });
    }
    if (opts.maximize && !(await this.page.locator('.monaco-workbench.nomaineditorarea').count())) {
      await this.command('View: Toggle Maximized Panel');
    }
    // (no named helpers inside evaluate callbacks: tsx/esbuild would wrap them in __name(), which
    // does not exist in the page)
    return this.page.locator('.markers-panel .monaco-list-row').evaluateAll((rows) => {
      const out: { file: string; severity: string; message: string; source: string; code: string; line: number; col: number }[] = [];
      let file = '';
      for (const r of rows) {
        const [name, icon, message, source, code, where] = [
          '.label-name',
          '.marker-icon',
          '.marker-message',
          '.marker-source',
          '.marker-code',
          '.marker-line',
        ].map((sel) => r.querySelector(sel) as HTMLElement | null);
        if (!icon) {
          file = name?.innerText.trim() || file;
          continue;
        }
        const m = /Ln (\d+), Col (\d+)/.exec(where?.innerText ?? '');
        out.push({
          file,
          severity: ['error', 'warning', 'info'].find((c) => icon.classList.contains(c)) ?? 'unknown',
          message: message?.innerText.trim() ?? '',
          source: source?.innerText.trim() ?? '',
          code: code?.innerText.trim() ?? '',
          line: m ? Number(m[1]) : 0,
          col: m ? Number(m[2]) : 0,
        });
      }
      return out;
    }) as Promise<ProblemRow[]>;
  }

  /** Wait until the Problems panel shows rows satisfying `predicate`; returns all rows. */
  async waitForProblems(predicate: (rows: ProblemRow[]) => boolean, what: string, timeoutMs = 30_000): Promise<ProblemRow[]> {
    return waitUntil(
      async () => {
        const rows = await this.problems();
        return predicate(rows) ? rows : undefined;
      },
      timeoutMs,
      `Problems panel: ${what}`,
      200,
    );
  }

  /** Error/warning/info counts of the status bar's problems item. */
  async problemCounts(): Promise<{ errors: number; warnings: number; infos: number }> {
    const label = norm((await this.page.locator('#status\\.problems').getAttribute('aria-label')) ?? '');
    const n = (re: RegExp) => Number(re.exec(label)?.[1] ?? 0);
    return { errors: n(/Errors?: (\d+)/i), warnings: n(/Warnings?: (\d+)/i), infos: n(/Infos?: (\d+)/i) };
  }

  /**
   * Move the cursor to the `nth` occurrence of `text` in the active editor (searching from the
   * top with the Find widget, so it works for lines scrolled out of view too). The match is
   * selected and revealed; the editor keeps the focus.
   */
  async reveal(text: string, nth = 0, timeoutMs = 30_000): Promise<void> {
    await this.page.mouse.move(0, 0);
    await this.page.keyboard.press('Escape');
    // focus the editor without clicking into its text (overlays such as sticky scroll or a hover
    // would take the click): clicking the active tab focuses its editor
    await this.page.locator('.tabs-container .tab.active').first().click();
    await this.page.keyboard.press('Control+Home');
    await this.page.keyboard.press('Control+F');
    const find = this.page.locator('.editor-instance .find-widget.visible .input');
    await find.first().waitFor({ timeout: timeoutMs });
    // The previous reveal's widget can still be "visible" (closing) while the editor has the keys:
    // Ctrl+A then selected the whole file and the text below replaced it. Type only once the Find
    // input has the focus.
    await waitUntil(
      async () => {
        if (await this.page.evaluate(() => !!document.activeElement?.closest('.find-widget.visible'))) return true;
        await this.page.keyboard.press('Control+F');
        return false;
      },
      timeoutMs,
      'the Find widget to take the focus',
      100,
    );
    await this.page.keyboard.press('Control+A');
    await this.page.keyboard.insertText(text);
    const count = this.page.locator('.editor-instance .find-widget.visible .matchesCount');
    await waitUntil(
      async () => !/No results/.test(await count.innerText()) && /\d+ of \d+/.test(await count.innerText()),
      timeoutMs,
      `"${text}" in the editor`,
      50,
    ).catch(async (e) => {
      await this.page.keyboard.press('Escape');
      throw e;
    });
    // typing already selected the first match after the cursor (the top); Enter moves to the next
    for (let i = 0; i < nth; i++) await this.page.keyboard.press('Enter');
    await this.page.keyboard.press('Escape');
  }

  /**
   * Hover the `nth` occurrence of `token` with the mouse (cursor moved there first, see reveal)
   * and return the hover's text once it contains `expect` (or anything, if not given).
   */
  async hover(token: string, opts: { nth?: number; expect?: string | RegExp; timeoutMs?: number } = {}): Promise<string> {
    await this.reveal(token, opts.nth ?? 0);
    await this.page.keyboard.press('ArrowLeft'); // collapse the selection to the token's start
    const cursor = await this.page.locator('.editor-instance .monaco-editor .cursors-layer .cursor').first().boundingBox();
    if (!cursor) throw new Error(`no editor cursor after revealing "${token}"`);
    // the middle of the token's first characters, on the cursor's line
    await this.page.mouse.move(cursor.x + 6, cursor.y + cursor.height / 2);
    const matches = (t: string) =>
      opts.expect === undefined ? t.trim().length > 0 : typeof opts.expect === 'string' ? t.includes(opts.expect) : opts.expect.test(t);
    const text = await waitUntil(
      async () => {
        const texts = await this.page.locator('.monaco-hover-content').evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText));
        return texts.map(norm).find(matches);
      },
      opts.timeoutMs ?? 30_000,
      `a hover over "${token}"${opts.expect ? ` containing ${opts.expect}` : ''}`,
      100,
    );
    // The hover fades in; wait until it is opaque so screenshots show it as a person sees it.
    await this.page
      .waitForFunction(
        () =>
          Array.from(document.querySelectorAll('.monaco-hover')).some(
            (e) => getComputedStyle(e).opacity === '1' && (e as HTMLElement).offsetParent !== null,
          ),
        null,
        { timeout: 3000 },
      )
      .catch(() => undefined);
    await this.page.waitForTimeout(250);
    return text;
  }

  /**
   * Quick fix through the UI: cursor on `text` (see reveal), Ctrl+. , then pick the entry titled
   * `title` (arrow keys: clicks on the menu are swallowed by a pointer blocker) or the focused
   * (preferred) one, and Enter. Returns the menu's entries.
   */
  async quickFix(text: string, title?: string | RegExp, opts: { nth?: number; timeoutMs?: number } = {}): Promise<string[]> {
    const timeoutMs = opts.timeoutMs ?? 30_000;
    await this.reveal(text, opts.nth ?? 0);
    await this.page.keyboard.press('Control+.');
    const rows = this.page.locator('.action-widget .monaco-list-row.action');
    await rows.first().waitFor({ timeout: timeoutMs });
    const menu = (await rows.evaluateAll((els) => els.map((e) => (e as HTMLElement).innerText))).map((t) => norm(t).trim());
    if (title !== undefined) {
      const want = (t: string) => (typeof title === 'string' ? t.includes(title) : title.test(t));
      if (!menu.some(want)) {
        await this.page.keyboard.press('Escape');
        throw new Error(`quick fix ${title} not offered; menu: ${JSON.stringify(menu)}`);
      }
      for (let i = 0; i <= menu.length; i++) {
        const focused = norm(
          (await this.page
            .locator('.action-widget .monaco-list-row.action.focused')
            .first()
            .innerText()
            .catch(() => '')) ?? '',
        );
        if (want(focused)) break;
        await this.page.keyboard.press('ArrowDown');
      }
    }
    await this.page.keyboard.press('Enter');
    await this.page
      .locator('.action-widget')
      .waitFor({ state: 'hidden', timeout: timeoutMs })
      .catch(() => undefined);
    return menu;
  }

  /**
   * Run a command by its exact palette label, e.g. 'View: Toggle Maximized Panel' (F1, type,
   * click the entry whose label is exactly `label`: fuzzy matching ranks others first at times).
   */
  async command(label: string, timeoutMs = 30_000): Promise<void> {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input');
    await input.waitFor({ state: 'visible', timeout: timeoutMs });
    await input.fill(`>${label}`);
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.locator('.label-name').getByText(label, { exact: true }) })
      .first();
    await row.waitFor({ timeout: timeoutMs });
    await row.click();
    await input.waitFor({ state: 'hidden', timeout: timeoutMs }).catch(() => undefined);
  }

  /**
   * "Developer: Show Running Extensions", read row by row (the list is virtualised). Rows of
   * extensions that are activated say "Activation: N ms" or "Startup Activation: N ms".
   */
  async runningExtensions(): Promise<RunningExtension[]> {
    await this.command('Developer: Show Running Extensions');
    const list = this.page.locator('.runtime-extensions-editor .monaco-list');
    await list.locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
    await list.hover();
    const seen = new Map<string, RunningExtension>();
    for (let idle = 0; idle < 2;) {
      const rows = await list
        .locator('.monaco-list-row')
        .evaluateAll((els) => els.map((e) => ({ id: e.getAttribute('aria-label') ?? '', text: (e as HTMLElement).innerText })));
      let added = 0;
      for (const r of rows) {
        if (seen.has(r.id)) continue;
        const text = norm(r.text);
        const m = /Activation: (\d+)\s*ms/.exec(text);
        seen.set(r.id, { id: r.id, text, activationMs: m ? Number(m[1]) : undefined, startup: /Startup Activation/.test(text) });
        added++;
      }
      idle = added ? 0 : idle + 1;
      await this.page.mouse.wheel(0, 600);
      await this.page.waitForTimeout(100);
    }
    await this.command('View: Close Editor');
    return [...seen.values()];
  }

  /** Save a screenshot to test-results/integration/<name>-<label>.png; returns its path. */
  async screenshot(label: string): Promise<string> {
    fs.mkdirSync(RESULTS_DIR, { recursive: true });
    const file = path.join(RESULTS_DIR, `${this.name}-${label}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  async close(): Promise<void> {
    await this.browser.close();
  }
}
