// The Live Sockets view (`conndoctor.sockets`): a webview view showing the workspace's running Go program's TCP
// sockets, sampled in a worker thread, with guidance and "Find the cause". This file is the extension-host side:
// the session (which process, sampling, restarts: src/sockets/session.ts), the webview's HTML and messages (the
// protocol and its validators: src/sockets/viewProtocol.ts), the status bar item, the commands (pick a process,
// pause/resume, export), and opening files. The webview's UI is in media/.
//
// State across hide/show: the webview is not kept alive while hidden (retainContextWhenHidden costs memory);
// when it is shown again it reloads, restores its own UI state (webview.setState) and sends `ready`, and the
// host sends the whole state again. Sampling goes on while hidden (the status bar shows it).
import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { pathToFileURL } from 'node:url';
import { defaultWorkerScript, SocketWorker } from '../sockets/collector';
import { DebugPidRegistry, mainPackageDirs, type ProcessCandidate } from '../sockets/discover';
import { snapshotCsv, snapshotJson, snapshotMarkdown } from '../sockets/export';
import { analyzeHistory, type Guidance } from '../sockets/guidance';
import { isWithin } from '../paths';
import { causeScope } from '../sockets/scope';
import { SocketSession, type SessionStatus } from '../sockets/session';
import { viewHtml } from '../sockets/viewHtml';
import { translateViewStrings } from '../sockets/viewStrings';
import {
  goroutinesMessage,
  historyMessage,
  MAX_INTERVAL_MS,
  MIN_INTERVAL_MS,
  parseViewMessage,
  PROTOCOL_VERSION,
  toViewCandidate,
  toViewGuidance,
  ViewFeed,
  type AttachStatus,
  type ExportFormat,
  type FindingsScope,
  type HostMessage,
  type Locale,
  type StateAction,
  type ViewFinding,
  type ViewMessage,
} from '../sockets/viewProtocol';
import { requestFindings } from './findings';
import { SOCKETS_VIEW } from './ids';
import { info, reportError, warn } from './log';
import { onTrustGranted, requireTrust } from './trust';

export const SOCKET_COMMANDS = {
  pick: 'conndoctor.sockets.pick',
  pause: 'conndoctor.sockets.pause',
  resume: 'conndoctor.sockets.resume',
  exportJson: 'conndoctor.sockets.exportJson',
  exportCsv: 'conndoctor.sockets.exportCsv',
  copyMarkdown: 'conndoctor.sockets.copyMarkdown',
} as const;

function locale(): Locale {
  return vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}

function readInterval(): number {
  const v = vscode.workspace.getConfiguration('conndoctor').get<number>('sockets.interval', 1000);
  return Number.isFinite(v) ? Math.min(MAX_INTERVAL_MS, Math.max(MIN_INTERVAL_MS, Math.round(v))) : 1000;
}

function goroutinesEnabled(): boolean {
  return vscode.workspace.getConfiguration('conndoctor').get<boolean>('goroutines.enabled', false) === true;
}

function folders(): string[] {
  return (vscode.workspace.workspaceFolders ?? []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
}

/** The view's state and its actions, as the protocol shows them. */
function attachMessage(s: SessionStatus, cands: readonly ProcessCandidate[]): HostMessage {
  let status: AttachStatus;
  let actions: StateAction[] = [];
  switch (s.kind) {
    case 'attached':
      status = { kind: 'attached', target: toViewCandidate(s.target), followedFrom: s.followedFrom };
      actions = ['pick'];
      break;
    case 'exited':
      status = { kind: 'exited', pid: s.pid, message: s.message, target: toViewCandidate(s.target) };
      actions = ['runGo', 'pick', 'manualPid'];
      break;
    case 'denied':
      status = { kind: 'denied', pid: s.pid, owner: s.owner, message: s.message };
      actions = ['pick', 'manualPid'];
      break;
    case 'unsupported':
      status = { kind: 'unsupported', platform: s.platform, message: s.message };
      actions = ['learnMore'];
      break;
    case 'error':
      status = { kind: 'error', pid: s.pid, message: s.message };
      actions = ['retry', 'pick', 'manualPid'];
      break;
    case 'no-process':
      status = { kind: 'no-process', workspace: folders()[0] };
      actions = ['runGo', 'manualPid', 'retry'];
      break;
    case 'choose':
      status = { kind: 'choose' };
      actions = ['pick', 'manualPid'];
      break;
    case 'untrusted':
      status = { kind: 'untrusted' };
      actions = ['manageTrust'];
      break;
    default:
      status = { kind: 'discovering' };
  }
  return { type: 'attach', status, actions, candidates: cands.map(toViewCandidate) };
}

/** `12 est · 40 close-wait`: the states a user watches, zero ones left out (but never empty). */
export function statusBarText(counts: Record<string, number>): string {
  const parts: string[] = [];
  const add = (n: number | undefined, label: string) => {
    if (n) parts.push(`${n} ${label}`);
  };
  add(counts.ESTABLISHED, vscode.l10n.t('est'));
  add(counts.CLOSE_WAIT, vscode.l10n.t('close-wait'));
  add(counts.TIME_WAIT, vscode.l10n.t('time-wait'));
  add(counts.SYN_SENT, vscode.l10n.t('syn-sent'));
  add(counts.LISTEN, vscode.l10n.t('listen'));
  return parts.slice(0, 3).join(' · ') || vscode.l10n.t('no TCP sockets');
}

class SocketViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private view: vscode.WebviewView | undefined;
  /** the webview said `ready` and has not been hidden since: messages reach it */
  private ready = false;
  private session: SocketSession | undefined;
  private worker: SocketWorker | undefined;
  private readonly feed = new ViewFeed();
  private guidance: Guidance[] = [];
  private guidanceKey = '';
  /** rules of each symptom seen in this session (a symptom may be gone when "Find the cause" is clicked) */
  private readonly symptomRules = new Map<string, string[]>();
  /** files the view may ask to open: those we sent as findings or goroutine frames */
  private readonly openable = new Set<string>();
  private readonly status: vscode.StatusBarItem;
  private readonly disposables: vscode.Disposable[] = [];
  private viewDisposables: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly debugPids: DebugPidRegistry,
  ) {
    this.status = vscode.window.createStatusBarItem('conndoctor.sockets.status', vscode.StatusBarAlignment.Left, 50);
    this.status.name = vscode.l10n.t('Go Conn Doctor: Live Sockets');
    this.status.command = `${SOCKETS_VIEW}.focus`;
    this.disposables.push(
      this.status,
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('conndoctor.sockets.interval')) this.session?.setInterval(readInterval());
        if (e.affectsConfiguration('conndoctor.goroutines.enabled')) {
          this.session?.setGoroutines(goroutinesEnabled());
          this.post(this.helloMessage());
        }
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => void this.session?.discoverNow()),
      onTrustGranted(() => this.session?.trustGranted()),
    );
    const off = debugPids.onDidChange(() => void this.session?.discoverNow());
    this.disposables.push({ dispose: () => void off() });
  }

  /** The session starts on first use (the view shown, or a command), not at activation. */
  ensureSession(): SocketSession {
    if (this.session) return this.session;
    const script = defaultWorkerScript(join(this.context.extensionPath, 'dist'));
    this.worker = script ? new SocketWorker(script) : undefined;
    const s = new SocketSession({
      folders,
      intervalMs: readInterval(),
      worker: this.worker,
      debugPids: () => this.debugPids.pids(),
      goroutines: goroutinesEnabled(),
      // Restricted Mode: the session looks at no process (discovery, sampling, pprof) until trust is granted
      trusted: () => vscode.workspace.isTrusted,
    });
    this.session = s;
    s.on((e) => {
      try {
        this.onSessionEvent(e);
      } catch (err) {
        reportError('updating the socket view', err);
      }
    });
    s.setVisible(!!this.view?.visible);
    s.start();
    info(`sockets: session started (interval ${readInterval()} ms${script ? ', worker thread' : ', in-process collector'})`);
    return s;
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.view = view;
    this.ready = false;
    for (const d of this.viewDisposables) d.dispose();
    const dist = vscode.Uri.joinPath(this.context.extensionUri, 'dist');
    // only what the page loads: the bundled script, its CSS and the codicon font (all in dist/)
    view.webview.options = { enableScripts: true, enableCommandUris: false, localResourceRoots: [dist] };
    view.webview.html = this.html(view.webview, dist);
    this.viewDisposables = [
      view.webview.onDidReceiveMessage((m: unknown) => this.onMessage(m)),
      view.onDidChangeVisibility(() => {
        // hidden: the page is dropped (not retained); shown again: it reloads and says `ready`
        if (!view.visible) this.ready = false;
        this.session?.setVisible(view.visible);
      }),
      view.onDidDispose(() => {
        if (this.view === view) {
          this.view = undefined;
          this.ready = false;
          this.session?.setVisible(false);
        }
      }),
    ];
    this.ensureSession().setVisible(view.visible);
  }

  private html(webview: vscode.Webview, dist: vscode.Uri): string {
    const uri = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(dist, f)).toString();
    if (!existsSync(join(dist.fsPath, 'webview.js'))) {
      // a development tree built without the webview: say so instead of a blank panel
      const msg = vscode.l10n.t('The Live Sockets view is not built (dist/webview.js is missing): run npm run build.');
      return `<!DOCTYPE html><html><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'"></head><body><p>${msg.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`)}</p></body></html>`;
    }
    return viewHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(18).toString('base64'),
      scriptUri: uri('webview.js'),
      styleUri: uri('webview.css'),
      codiconUri: uri('codicon.css'),
      lang: locale(),
      title: vscode.l10n.t('Live Sockets'),
    });
  }

  private post(m: HostMessage): void {
    if (!this.ready || !this.view) return;
    void this.view.webview.postMessage(m).then(undefined, () => {
      this.ready = false;
    });
  }

  private helloMessage(): HostMessage {
    return { type: 'hello', version: PROTOCOL_VERSION, locale: locale(), strings: viewStrings(), goroutinesEnabled: goroutinesEnabled() };
  }

  /** Everything the view shows, after it (re)loaded or lost track. */
  private sendAll(): void {
    const s = this.ensureSession();
    this.post(this.helloMessage());
    this.post(attachMessage(s.status, s.candidates));
    this.post({ type: 'sampling', paused: s.isPaused, intervalMs: s.interval });
    const h = s.history;
    if (h?.status === 'ok') this.feed.next(h);
    this.post(historyMessage(this.feed.samples));
    const snap = h && this.feed.current(h);
    if (snap) this.post(snap);
    this.post({ type: 'guidance', items: this.guidance.map(toViewGuidance) });
    this.post(this.goroutinesMsg());
  }

  private goroutinesMsg(): HostMessage {
    const m = goroutinesMessage(this.session?.goroutines, goroutinesEnabled());
    for (const g of m.groups) for (const f of g.frames) this.openable.add(f.file);
    return m;
  }

  private onSessionEvent(e: string): void {
    const s = this.session!;
    if (e === 'status' || e === 'candidates') {
      const attached = e === 'status' && s.status.kind === 'attached';
      if (attached && s.status.kind === 'attached' && s.status.followedFrom === undefined && s.history?.samples.length === 0) {
        // another program: a new chart and no symptoms yet (a followed restart keeps both)
        this.feed.clear();
        this.guidance = [];
        this.guidanceKey = '';
        this.post({ type: 'guidance', items: [] });
      }
      this.post(attachMessage(s.status, s.candidates));
      if (attached) this.post(historyMessage(this.feed.samples));
      this.updateStatusBar();
      return;
    }
    if (e === 'sampling') {
      void vscode.commands.executeCommand('setContext', 'conndoctor.sockets.paused', s.isPaused);
      this.post({ type: 'sampling', paused: s.isPaused, intervalMs: s.interval });
      return;
    }
    if (e === 'goroutines') {
      this.post(this.goroutinesMsg());
      return;
    }
    const h = s.history;
    if (!h || h.status !== 'ok') return;
    const m = this.feed.next(h);
    const gs = analyzeHistory(h);
    for (const g of gs) this.symptomRules.set(g.id, g.rules);
    // the evidence text changes with every sample ("seen for 12 s"); resend only on a change the user sees
    const key = JSON.stringify(gs.map((g) => [g.id, g.severity, g.evidence.count, g.evidence.text.en]));
    const changed = key !== this.guidanceKey;
    this.guidance = gs;
    this.guidanceKey = key;
    if (m) this.post(m);
    if (changed) this.post({ type: 'guidance', items: gs.map(toViewGuidance) });
    this.updateStatusBar();
  }

  private updateStatusBar(): void {
    const s = this.session;
    const st = s?.status;
    if (!s || !st || (st.kind !== 'attached' && st.kind !== 'exited')) {
      this.status.hide();
      return;
    }
    const last = s.history?.samples.at(-1);
    if (st.kind === 'exited') {
      this.status.text = `$(plug) ${vscode.l10n.t('{0} exited', st.target.name)}`;
      this.status.backgroundColor = undefined;
      this.status.tooltip = vscode.l10n.t('Go Conn Doctor: process {0} exited; waiting for it to start again', st.pid);
    } else {
      this.status.text = `$(plug) ${last ? statusBarText(last.counts as unknown as Record<string, number>) : '…'}`;
      const active = this.guidance.filter((g) => g.severity !== 'info');
      this.status.backgroundColor = active.length ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
      const lang = locale();
      const tip = new vscode.MarkdownString(undefined, true);
      tip.isTrusted = false;
      tip.appendMarkdown(`**${vscode.l10n.t('Live sockets of {0} (PID {1})', st.target.name, st.target.pid)}**\n\n`);
      for (const g of this.guidance) tip.appendMarkdown(`- $(warning) ${escapeMd(g.title[lang])}\n`);
      if (!this.guidance.length) tip.appendMarkdown(vscode.l10n.t('No symptoms.'));
      this.status.tooltip = tip;
    }
    this.status.show();
  }

  private onMessage(raw: unknown): void {
    const r = parseViewMessage(raw);
    if (!r.ok) {
      warn(`sockets view: ignored an invalid message (${r.error})`);
      return;
    }
    const m: ViewMessage = r.value;
    const s = this.ensureSession();
    switch (m.type) {
      case 'ready':
        this.ready = true;
        this.sendAll();
        break;
      case 'requestState': {
        const h = s.history;
        const snap = h && this.feed.current(h);
        if (snap) this.post(snap);
        break;
      }
      case 'attach':
        void s.attach(m.pid, m.manual).catch((e) => reportError('attaching to a process', e));
        break;
      case 'discover':
        void s.discoverNow();
        break;
      case 'pause':
        s.pause();
        break;
      case 'resume':
        s.resume();
        break;
      case 'setInterval':
        s.setInterval(m.ms);
        break;
      case 'findCause':
        void this.findCause(m.symptom);
        break;
      case 'openLocation':
        void this.openLocation(m.file, m.line, m.column);
        break;
      case 'export':
        void this.export(m.format);
        break;
      case 'runGo':
        void this.runGo();
        break;
      case 'manageTrust':
        void vscode.commands.executeCommand('workbench.trust.manage');
        break;
      case 'learnMore':
        void vscode.commands.executeCommand(
          'markdown.showPreview',
          vscode.Uri.joinPath(this.context.extensionUri, 'media', 'walkthrough', 'sockets.md'),
        );
        break;
    }
  }

  private async findCause(symptom: Guidance['id']): Promise<void> {
    const rules = this.symptomRules.get(symptom) ?? [];
    const st = this.session?.status;
    const target = st && (st.kind === 'attached' || st.kind === 'exited') ? st.target : undefined;
    const where = causeScope(target, folders());
    const scope: FindingsScope =
      where.kind === 'program'
        ? { kind: 'program', module: where.module, label: folderLabel(where.mainDir), packages: where.packages }
        : where.kind === 'module'
          ? { kind: 'module', module: where.module, label: folderLabel(where.dir) }
          : where;
    const base = { type: 'findings' as const, symptom, analyzedFiles: 0, scope };
    this.post({ ...base, status: 'running', findings: [], errors: [] });
    try {
      const t0 = performance.now();
      const uris =
        where.kind === 'program'
          ? where.files.map((f) => pathToFileURL(f).href)
          : where.kind === 'module'
            ? [pathToFileURL(where.dir).href]
            : undefined;
      const res = await requestFindings({ rules, uris }, join(this.context.extensionPath, 'dist'));
      const findings: ViewFinding[] = res.findings.map((f) => {
        const file = vscode.Uri.parse(f.uri).fsPath;
        this.openable.add(file);
        return {
          file,
          // the folder's name only helps to tell the folders of a multi-root workspace apart
          label: vscode.workspace.asRelativePath(file, (vscode.workspace.workspaceFolders?.length ?? 0) > 1),
          line: f.range.start.line + 1,
          column: f.range.start.character + 1,
          rule: f.rule,
          severity: f.severity,
          message: f.message,
        };
      });
      info(
        `sockets: find the cause of ${symptom} (${rules.join(', ')}) in ${where.kind === 'program' ? `the program ${where.mainDir} (${where.packages} package(s) of ${where.module})` : where.kind === 'module' ? `module ${where.module} (${where.dir})` : `the workspace (${where.why})`}: ${findings.length} finding(s) in ${res.analyzedFiles} files, ${Math.round(performance.now() - t0)} ms`,
      );
      this.post({ ...base, status: 'done', findings, analyzedFiles: res.analyzedFiles, errors: res.errors.slice(0, 20) });
    } catch (e) {
      reportError('finding the cause', e);
      this.post({ ...base, status: 'error', findings: [], errors: [(e as Error).message] });
    }
  }

  private async openLocation(file: string, line: number, column = 1): Promise<void> {
    // the webview is untrusted input: only files we sent it (findings, goroutine frames) are opened
    if (!this.openable.has(file)) {
      warn(`sockets view: refused to open ${file} (not a finding or frame the view was sent)`);
      return;
    }
    try {
      const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
      const pos = new vscode.Position(Math.max(0, line - 1), Math.max(0, column - 1));
      await vscode.window.showTextDocument(doc, { selection: new vscode.Range(pos, pos), preview: false });
    } catch (e) {
      void vscode.window.showWarningMessage(vscode.l10n.t('Go Conn Doctor: cannot open {0}: {1}', file, (e as Error).message));
    }
  }

  /** JSON and CSV to a file the user picks; Markdown to the clipboard. */
  async export(format: ExportFormat): Promise<void> {
    const s = this.session;
    const h = s?.history;
    if (!s || !h?.latest) {
      void vscode.window.showInformationMessage(vscode.l10n.t('Go Conn Doctor: no socket sample to export yet.'));
      return;
    }
    const target = s.status.kind === 'attached' || s.status.kind === 'exited' ? s.status.target : undefined;
    const proc = target && { name: target.name, exe: target.exe, cwd: target.cwd, kind: target.kind };
    if (format === 'markdown') {
      await vscode.env.clipboard.writeText(snapshotMarkdown(h, `${target?.name ?? 'process'} sockets`, this.guidance));
      vscode.window.setStatusBarMessage(vscode.l10n.t('Go Conn Doctor: socket table copied as Markdown'), 4000);
      return;
    }
    const stamp = new Date(h.latest.time).toISOString().replace(/[:.]/g, '-');
    const name = `sockets-${target?.name ?? h.pid}-${stamp}.${format}`;
    const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
    const uri = await vscode.window.showSaveDialog({
      defaultUri: folder ? vscode.Uri.joinPath(folder, name) : undefined,
      filters: format === 'json' ? { JSON: ['json'] } : { CSV: ['csv'] },
      saveLabel: vscode.l10n.t('Export'),
    });
    if (!uri) return;
    const text = format === 'json' ? `${JSON.stringify(snapshotJson(h, proc, this.guidance), null, 2)}\n` : snapshotCsv(h);
    await vscode.workspace.fs.writeFile(uri, Buffer.from(text, 'utf8'));
    vscode.window.setStatusBarMessage(vscode.l10n.t('Go Conn Doctor: saved {0}', vscode.workspace.asRelativePath(uri)), 4000);
  }

  /** `go run .` in a terminal, in the folder of the workspace's main package (asks when there are several). */
  private async runGo(): Promise<void> {
    if (!(await requireTrust(vscode.l10n.t('Running “go run .”')))) return;
    const roots = folders();
    const dirs = roots.flatMap((r) => mainPackageDirs(r));
    let dir: string | undefined;
    if (dirs.length === 0) {
      void vscode.window.showWarningMessage(
        vscode.l10n.t('Go Conn Doctor: no main package (package main with func main) in this workspace.'),
      );
      return;
    }
    if (dirs.length === 1) dir = dirs[0];
    else {
      const pick = await vscode.window.showQuickPick(
        dirs.map((d) => ({ label: vscode.workspace.asRelativePath(d, true) || d, description: d, dir: d })),
        { placeHolder: vscode.l10n.t('Which program should "go run ." start?') },
      );
      dir = pick?.dir;
    }
    if (!dir) return;
    const term = vscode.window.createTerminal({ name: `go run (${vscode.workspace.asRelativePath(dir, true) || dir})`, cwd: dir });
    term.show();
    term.sendText('go run .');
    // the session finds it by itself; look sooner than the next poll
    setTimeout(() => void this.session?.discoverNow(), 3000);
  }

  /** QuickPick of the candidates with why each matched, and "Enter a PID…". */
  async pick(): Promise<void> {
    if (!(await requireTrust(vscode.l10n.t('Watching a process’s sockets')))) return;
    const s = this.ensureSession();
    await s.discoverNow();
    const lang = locale();
    type Item = vscode.QuickPickItem & { pid?: number; manual?: boolean };
    const current = s.status.kind === 'attached' ? s.status.target.pid : undefined;
    const items: Item[] = s.candidates.map((c) => ({
      label: `${c.pid === current ? '$(eye) ' : ''}${c.name}`,
      description: `PID ${c.pid} · ${c.kind}`,
      detail: c.reasons.map((r) => r[lang]).join('; '),
      pid: c.pid,
    }));
    items.push({ label: `$(edit) ${vscode.l10n.t('Enter a PID…')}`, manual: true, alwaysShow: true });
    const picked = await vscode.window.showQuickPick(items, {
      placeHolder: s.candidates.length
        ? vscode.l10n.t('Go processes of this workspace: pick the one to watch')
        : vscode.l10n.t('No Go process of this workspace was found: enter a PID'),
      matchOnDescription: true,
      matchOnDetail: true,
    });
    if (!picked) return;
    let pid = picked.pid;
    if (picked.manual) {
      const v = await vscode.window.showInputBox({
        prompt: vscode.l10n.t('Process ID to watch'),
        validateInput: (t) => (/^\s*[1-9]\d*\s*$/.test(t) ? undefined : vscode.l10n.t('Enter a process id: a positive whole number.')),
      });
      if (!v) return;
      pid = Number(v.trim());
    }
    if (pid) await s.attach(pid, !!picked.manual);
    await vscode.commands.executeCommand(`${SOCKETS_VIEW}.focus`);
  }

  pause(): void {
    this.ensureSession().pause();
  }

  resume(): void {
    this.ensureSession().resume();
  }

  /** For tests and measurements (ConnDoctorApi). */
  snapshotForTests(): { status: SessionStatus['kind']; pid?: number; counts?: Record<string, number>; guidance: string[] } {
    const s = this.session;
    const last = s?.history?.samples.at(-1);
    const st = s?.status;
    return {
      status: st?.kind ?? 'discovering',
      pid: st && (st.kind === 'attached' || st.kind === 'exited') ? st.target.pid : undefined,
      counts: last ? { ...(last.counts as unknown as Record<string, number>) } : undefined,
      guidance: this.guidance.map((g) => g.id),
    };
  }

  dispose(): void {
    for (const d of this.viewDisposables) d.dispose();
    for (const d of this.disposables) d.dispose();
    this.session?.dispose();
    void this.worker?.terminate();
  }
}

/** `dir` as the workspace shows it: relative to its folder ('' for the folder itself), with the folder's name in a multi-root workspace. */
function folderLabel(dir: string): string {
  const fs = vscode.workspace.workspaceFolders ?? [];
  const f = fs.find((x) => x.uri.scheme === 'file' && isWithin(dir, x.uri.fsPath));
  if (!f) return dir;
  const rel = relative(f.uri.fsPath, dir).split(sep).join('/');
  return fs.length > 1 ? [f.name, rel].filter(Boolean).join('/') : rel;
}

function escapeMd(s: string): string {
  return s.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

/** The webview's strings (src/sockets/viewStrings.ts) in the display language, from the extension's l10n bundle. */
function viewStrings(): Record<string, string> {
  return translateViewStrings((en) => vscode.l10n.t(en));
}

export interface SocketViewApi {
  state(): ReturnType<SocketViewProvider['snapshotForTests']>;
}

/** Registers the view, its commands and the debug-adapter tracker that reports debuggee PIDs. */
export function registerSocketView(context: vscode.ExtensionContext): { disposable: vscode.Disposable; api: SocketViewApi } {
  const debugPids = new DebugPidRegistry();
  const provider = new SocketViewProvider(context, debugPids);
  const disposable = vscode.Disposable.from(
    provider,
    vscode.window.registerWebviewViewProvider(SOCKETS_VIEW, provider),
    // Delve ≥ 1.24.1 reports the debuggee's PID in a DAP `process` event
    vscode.debug.registerDebugAdapterTrackerFactory('go', {
      createDebugAdapterTracker: (session) => ({
        onDidSendMessage: (m: unknown) => {
          debugPids.onDidSendMessage(session.id, m);
        },
        onExit: () => debugPids.sessionEnded(session.id),
      }),
    }),
    vscode.debug.onDidTerminateDebugSession((s) => debugPids.sessionEnded(s.id)),
    vscode.commands.registerCommand(SOCKET_COMMANDS.pick, () => provider.pick()),
    vscode.commands.registerCommand(SOCKET_COMMANDS.pause, () => provider.pause()),
    vscode.commands.registerCommand(SOCKET_COMMANDS.resume, () => provider.resume()),
    vscode.commands.registerCommand(SOCKET_COMMANDS.exportJson, () => provider.export('json')),
    vscode.commands.registerCommand(SOCKET_COMMANDS.exportCsv, () => provider.export('csv')),
    vscode.commands.registerCommand(SOCKET_COMMANDS.copyMarkdown, () => provider.export('markdown')),
  );
  return { disposable, api: { state: () => provider.snapshotForTests() } };
}
