// Loads the built webview (dist/webview.js, dist/webview.css, dist/codicon.*) in headless Chromium from a local
// HTTP server, inside exactly the HTML and CSP the extension gives VS Code (src/sockets/viewHtml.ts), with a
// stubbed acquireVsCodeApi that records what the view sends and keeps its state, and the CSS variables and body
// class real VS Code gives a webview in each theme (test/ui/themes, captured from VS Code 1.100.3).
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import type { Page } from 'playwright-core';
import { analyzeHistory, type GuidanceOptions } from '../../src/sockets/guidance';
import { applyResult, newHistory, type History } from '../../src/sockets/sampler';
import { viewHtml } from '../../src/sockets/viewHtml';
import {
  goroutinesMessage,
  PROTOCOL_VERSION,
  toViewCandidate,
  toViewGuidance,
  ViewFeed,
  type AttachMessage,
  type AttachStatus,
  type HelloMessage,
  type HostMessage,
  type Locale,
  type ViewMessage,
} from '../../src/sockets/viewProtocol';
import { translateViewStrings } from '../../src/sockets/viewStrings';
import type { Chromium } from '../integration/harness/browser';
import { decode, loadRecording, type Recording } from './recording';

export const REPO = join(__dirname, '..', '..');
export const RESULTS = join(REPO, 'test-results', 'ui');
const DIST = join(REPO, 'dist');

export type ThemeId = 'light' | 'dark' | 'hc-dark' | 'hc-light';

interface Theme {
  theme: string;
  bodyClass: string;
  vars: Record<string, string>;
}

export function theme(id: ThemeId): Theme {
  return JSON.parse(readFileSync(join(__dirname, 'themes', `${id}.json`), 'utf8')) as Theme;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.ttf': 'font/ttf',
  '.map': 'application/json',
  '.html': 'text/html; charset=utf-8',
};

/** Serves /view.html (fresh nonce per load) and the webview's files from dist/. */
export class ViewServer {
  private constructor(
    private readonly server: Server,
    readonly origin: string,
  ) {}

  static async start(): Promise<ViewServer> {
    for (const f of ['webview.js', 'webview.css', 'codicon.css', 'codicon.ttf'])
      if (!existsSync(join(DIST, f))) throw new Error(`dist/${f} is missing: run npm run build first`);
    let origin = '';
    const server = createServer((req, res) => {
      const url = new URL(req.url ?? '/', origin);
      if (url.pathname === '/favicon.ico') {
        res.writeHead(204).end(); // Chromium asks for it; VS Code's webview frame does not
        return;
      }
      if (url.pathname === '/view.html') {
        const lang = url.searchParams.get('lang') ?? 'en';
        const html = viewHtml({
          cspSource: origin,
          nonce: randomBytes(16).toString('base64'),
          scriptUri: `${origin}/dist/webview.js`,
          styleUri: `${origin}/dist/webview.css`,
          codiconUri: `${origin}/dist/codicon.css`,
          lang,
          title: 'Live Sockets',
        });
        res.writeHead(200, { 'content-type': TYPES['.html'] });
        res.end(html);
        return;
      }
      const rel = normalize(url.pathname).replace(/^\/+/, '');
      if (rel.startsWith('dist/') && !rel.includes('..')) {
        const file = join(REPO, rel);
        if (existsSync(file)) {
          res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' });
          res.end(readFileSync(file));
          return;
        }
      }
      res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return new ViewServer(server, origin);
  }

  close(): Promise<void> {
    return new Promise((r) => this.server.close(() => r()));
  }
}

export interface OpenOptions {
  theme?: ThemeId;
  width?: number;
  height?: number;
  /** what vscode.getState() returns (a previous instance's setState) */
  state?: unknown;
  lang?: Locale;
}

/** One loaded webview, with what it sent and what went wrong. */
export class ViewPage {
  readonly errors: string[] = [];
  readonly requests: string[] = [];

  private constructor(
    readonly page: Page,
    readonly origin: string,
  ) {
    page.on('pageerror', (e) => this.errors.push(`pageerror: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') this.errors.push(`console.${m.type()}: ${m.text()}`);
    });
    page.on('request', (r) => this.requests.push(r.url()));
  }

  static async open(browser: Chromium, server: ViewServer, o: OpenOptions = {}): Promise<ViewPage> {
    const page = await browser.context.newPage();
    await page.setViewportSize({ width: o.width ?? 420, height: o.height ?? 900 });
    const th = theme(o.theme ?? 'dark');
    // A plain script (not a function: tsx would wrap named helpers in __name(), which the page lacks).
    await page.addInitScript({
      content: `
        window.__sent = [];
        window.__csp = [];
        window.__state = ${JSON.stringify(o.state ?? null)} ?? undefined;
        window.acquireVsCodeApi = () => ({
          postMessage: (m) => window.__sent.push(JSON.parse(JSON.stringify(m))),
          getState: () => window.__state,
          setState: (s) => { window.__state = JSON.parse(JSON.stringify(s)); },
        });
        document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI + ' ' + (e.sample || '')));
        // like VS Code: the theme's variables on <html>, its kind as the body class, before the view's script runs
        const vars = ${JSON.stringify(th.vars)};
        const bodyClass = ${JSON.stringify(th.bodyClass)};
        let htmlDone = false;
        const apply = () => {
          const html = document.documentElement;
          if (html && !htmlDone) {
            for (const k of Object.keys(vars)) html.style.setProperty(k, vars[k]);
            html.style.background = vars['--vscode-sideBar-background'] || '';
            htmlDone = true;
          }
          if (document.body) document.body.className = bodyClass;
          return htmlDone && !!document.body;
        };
        if (!apply()) new MutationObserver((_, o) => { if (apply()) o.disconnect(); }).observe(document, { childList: true, subtree: true });
      `,
    });
    const vp = new ViewPage(page, server.origin);
    await page.goto(`${server.origin}/view.html?lang=${o.lang ?? 'en'}`);
    await vp.waitForSent((m) => m.type === 'ready');
    return vp;
  }

  /** Posts host messages the way VS Code delivers them (a message event on the window), then waits a frame. */
  async post(...msgs: unknown[]): Promise<void> {
    await this.page.evaluate((ms) => {
      for (const m of ms) window.postMessage(m, '*');
    }, msgs);
    await this.frame();
  }

  /** Resolves after the next frame has been produced (all queued messages handled and painted). */
  async frame(): Promise<void> {
    await this.page.evaluate(() => new Promise<void>((r) => requestAnimationFrame(() => setTimeout(r, 0))));
  }

  async sent(): Promise<ViewMessage[]> {
    return this.page.evaluate(() => (window as unknown as { __sent: ViewMessage[] }).__sent);
  }

  async clearSent(): Promise<void> {
    await this.page.evaluate(() => {
      (window as unknown as { __sent: unknown[] }).__sent.length = 0;
    });
  }

  async waitForSent(pred: (m: ViewMessage) => boolean, timeoutMs = 5000): Promise<ViewMessage> {
    const end = Date.now() + timeoutMs;
    for (;;) {
      const m = (await this.sent()).find(pred);
      if (m) return m;
      if (Date.now() > end) throw new Error(`the view did not send the expected message; sent: ${JSON.stringify(await this.sent())}`);
      await new Promise((r) => setTimeout(r, 25));
    }
  }

  async state(): Promise<unknown> {
    return this.page.evaluate(() => (window as unknown as { __state: unknown }).__state);
  }

  async cspViolations(): Promise<string[]> {
    return this.page.evaluate(() => (window as unknown as { __csp: string[] }).__csp);
  }

  /** Requests to anything but the local server (the view must load nothing remote). */
  foreignRequests(): string[] {
    return this.requests.filter((u) => !u.startsWith(this.origin) && !u.startsWith('data:'));
  }

  async screenshot(name: string): Promise<string> {
    mkdirSync(RESULTS, { recursive: true });
    const file = join(RESULTS, `${name}.png`);
    await this.page.screenshot({ path: file, fullPage: true });
    return file;
  }

  close(): Promise<void> {
    return this.page.close();
  }
}

export function hello(locale: Locale = 'en', goroutinesEnabled = true): HelloMessage {
  let bundle: Record<string, string> = {};
  if (locale === 'zh-cn') bundle = JSON.parse(readFileSync(join(REPO, 'l10n', 'bundle.l10n.zh-cn.json'), 'utf8')) as Record<string, string>;
  // what vscode.l10n.t does with the extension's bundle
  return { type: 'hello', version: PROTOCOL_VERSION, locale, strings: translateViewStrings((en) => bundle[en] ?? en), goroutinesEnabled };
}

export function fixture(name: string): Recording {
  return loadRecording(join(__dirname, 'fixtures', `${name}.json.gz`));
}

/** A recording replayed through the real sampler, guidance and ViewFeed: the messages of each sample. */
export interface Replay {
  rec: Recording;
  attached: AttachMessage;
  /** per sample: the snapshot/diff and the guidance (or, for a failed sample, the attach status) */
  steps: HostMessage[][];
  /** the sampler history after each sample */
  histories: History[];
  feed: ViewFeed;
}

export function replay(rec: Recording, go: GuidanceOptions = {}): Replay {
  const h = newHistory(rec.pid, 0);
  const feed = new ViewFeed();
  const target = toViewCandidate(rec.candidate ?? { pid: rec.pid, name: rec.name, cmdline: [], kind: 'picked', reasons: [], score: 0 });
  const attached: AttachMessage = { type: 'attach', status: { kind: 'attached', target }, actions: [], candidates: [target] };
  const steps: HostMessage[][] = [];
  const histories: History[] = [];
  for (const r of decode(rec)) {
    applyResult(h, r);
    // applyResult replaces `latest` and `diff` with new objects and only appends to `samples`: a shallow copy
    // is a faithful picture of this moment
    histories.push({ ...h, samples: [...h.samples] });
    if (r.kind !== 'ok') {
      // what the host shows for a failed sample
      const status: AttachStatus =
        r.kind === 'unsupported'
          ? { kind: 'unsupported', platform: r.platform, message: r.message }
          : r.kind === 'denied'
            ? { kind: 'denied', pid: r.pid, owner: r.owner, message: r.message }
            : r.kind === 'error'
              ? { kind: 'error', pid: r.pid, message: r.message }
              : { kind: r.kind, pid: r.pid, message: r.message };
      steps.push([{ type: 'attach', status, actions: ['retry', 'pick'], candidates: [] }]);
      continue;
    }
    const m = feed.next(h)!;
    steps.push([m, { type: 'guidance', items: analyzeHistory(h, go).map(toViewGuidance) }]);
  }
  if (rec.goroutines) steps[steps.length - 1].push(goroutinesMessage(rec.goroutines, true));
  return { rec, attached, steps, histories, feed };
}
