// `conndoctor lsp`: the language server. The message loop (this file) keeps the documents, the
// settings and the schedule; parsing and rules run in a worker thread (analysisWorker.ts), and
// workspace scans in the same worker pool the CLI uses. Serves VS Code (pull diagnostics,
// workspace diagnostics), and editors with push diagnostics only (Neovim, Helix, Zed).
import { dirname, relative } from 'node:path';
import { availableParallelism } from 'node:os';
import {
  CodeActionKind,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  FileChangeType,
  LSPErrorCodes,
  MessageType,
  ProposedFeatures,
  ResponseError,
  ShowMessageNotification,
  TextDocumentSyncKind,
  createConnection,
  type CodeAction,
  type CompletionItem,
  type Connection,
  type Diagnostic,
  type DocumentDiagnosticReport,
  type Hover,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { Cancelled, formatAnalysisError, type AnalyzeOptions } from '../analysis/engine';
import type { AnalysisError, Finding } from '../analysis/model';
import { AnalyzerPool } from '../analysis/pool';
import { localized } from '../analysis/messages';
import { allRules, ruleById } from '../analysis/rules/index';
import { AnalysisWorker } from './analysisWorker';
import { codeActionsFor, COMMANDS, editsOf, FIX_ALL_KIND, type FixAllData } from './codeActions';
import { resultIdOf, ruleDocUri, toDiagnostic } from './diagnostics';
import { DocumentStore, type OpenDoc } from './documents';
import { matchesAny } from './glob';
import { renderCard, ruleHovers } from './hovers';
import { currentLocale, l10n, setLocale } from './l10n';
import {
  FINDINGS_REQUEST,
  SCAN_REQUEST,
  STATUS_REQUEST,
  type FindingsParams,
  type FindingsResult,
  type ScanParams,
  type ScanResult,
  type StatusResult,
} from './protocol';
import { Scheduler, type DocResult } from './scheduler';
import { snippetImportSets, snippetItems } from './snippets';
import { analyzeOptions, DEFAULT_SETTINGS, objectSource, parseSettings, type Settings } from './settings';
import { uriOfPath, workspaceGoFiles, WorkspaceReports } from './workspace';
import { groupByDir } from '../analysis/project';
import { isDirectory, isWithin } from '../paths';
import { fileURLToPath } from 'node:url';
import { version } from '../version';

/** Other open files of a package are re-checked a little after the one being typed in. */
const SIBLING_DELAY_MS = 600;
/** Scanned files that change on disk are re-checked in batches. */
const DISK_BATCH_MS = 500;

export interface ServerOptions {
  /** Log lines go here (the client's output channel through `window/logMessage`, and stderr). */
  verbose?: boolean;
}

export function startServer(connection: Connection): void {
  const store = new DocumentStore();
  const log = (msg: string) => connection.console.log(msg);
  const warn = (msg: string) => connection.console.warn(msg);
  const worker = new AnalysisWorker(undefined, warn);
  let settings: Settings = DEFAULT_SETTINGS;
  /** Rules turned off from a code action, for clients that cannot write their settings. */
  const sessionOff = new Set<string>();
  const opts = (): AnalyzeOptions => {
    const o = analyzeOptions(settings);
    for (const r of sessionOff) o.severity![r] = 'off';
    return o;
  };
  const scheduler = new Scheduler(store, worker, opts, log);
  const pool = new AnalyzerPool({ threads: Math.max(1, Math.min(availableParallelism() - 1, 4)) }, 30_000);

  let pull = false;
  let refreshSupport = false;
  let resolveEdits = false;
  let configurationSupport = false;
  let watchRegistration = false;
  let folderEvents = false;
  let folders: string[] = [];
  let initOptions: unknown;

  const reports = new WorkspaceReports(
    (uri, items) => void connection.sendDiagnostics({ uri, diagnostics: items }),
    (uri) => !!store.get(uri),
  );
  let workspace = reports;

  // ---- which documents we analyze ----

  const isGo = (d: OpenDoc) => d.doc.languageId === 'go' || d.path.endsWith('.go');
  const relPath = (path: string): string => {
    for (const f of [...folders].sort((a, b) => b.length - a.length)) {
      const r = relative(f, path);
      if (!r.startsWith('..')) return r.split('\\').join('/');
    }
    return path.split('\\').join('/');
  };
  const wanted = (d: OpenDoc): boolean => {
    if (!settings.enable || !isGo(d)) return false;
    if (!d.onDisk) return true;
    const rel = relPath(d.path);
    if (/(^|\/)vendor\//.test(rel)) return false; // not the user's code to fix
    return !(settings.exclude.length && matchesAny(rel, settings.exclude));
  };

  /** What a document shows: its current findings; in "onSave" mode, unsaved edits keep the last shown ones. */
  const shown = new Map<string, DocResult>();
  async function findingsOf(d: OpenDoc, stillWanted: () => boolean, errors?: string[]): Promise<Finding[]> {
    if (!wanted(d)) return [];
    if (settings.run === 'onSave' && d.dirty && shown.has(d.uri)) return shown.get(d.uri)!.findings;
    const r = await scheduler.current(d.uri, stillWanted);
    if (!r) return [];
    shown.set(d.uri, r);
    reportFailures(r.errors, `${d.uri}@${r.version}`);
    if (errors) errors.push(...r.errors.map((e) => formatAnalysisError(e)));
    return r.findings;
  }

  /**
   * A rule that threw (a bug of ours, its findings missing there) goes to the log with its stack,
   * once per document version or scan, never silently.
   */
  const failuresLogged = new Set<string>();
  function reportFailures(failures: readonly AnalysisError[], key: string): void {
    for (const f of failures) {
      const k = `${key}\u0000${f.rule ?? ''}`;
      if (failuresLogged.has(k)) continue;
      if (failuresLogged.size > 1000) failuresLogged.clear();
      failuresLogged.add(k);
      connection.console.error(`internal error: ${formatAnalysisError(f, true)}`);
    }
  }

  // ---- push mode (clients without pull diagnostics) ----

  const pushed = new Map<string, string>();
  const pushTimers = new Map<string, { timer: NodeJS.Timeout; release: () => void }>();
  function schedulePush(uri: string, ms: number): void {
    if (pull) return;
    const old = pushTimers.get(uri);
    if (old) {
      clearTimeout(old.timer);
      old.release();
    }
    const release = scheduler.hold();
    const timer = setTimeout(() => {
      pushTimers.delete(uri);
      void pushNow(uri).finally(release);
    }, ms);
    pushTimers.set(uri, { timer, release });
  }
  async function pushNow(uri: string): Promise<void> {
    const d = store.get(uri);
    if (!d) return;
    try {
      const findings = await findingsOf(d, () => store.get(uri) === d);
      if (store.get(uri) !== d) return;
      const diagnostics = findings.map((f) => toDiagnostic(f, uri, currentLocale()));
      const id = resultIdOf(diagnostics);
      if (pushed.get(uri) === id) return;
      pushed.set(uri, id);
      await connection.sendDiagnostics({ uri, version: d.doc.version, diagnostics });
    } catch (e) {
      if (!(e instanceof Cancelled)) warn(`analyzing ${d.path}: ${(e as Error).stack ?? e}`);
    }
  }

  // ---- other documents of a package follow an edit ----

  let refreshTimer: { timer: NodeJS.Timeout; release: () => void } | undefined;
  /** The package of `dir` changed: re-check its other open documents a little later. */
  function siblingsChanged(dir: string, except?: string): void {
    const others = [...store.all()].filter((o) => o.onDisk && o.uri !== except && dirname(o.path) === dir);
    if (!others.length) return;
    if (!pull) {
      for (const o of others) schedulePush(o.uri, SIBLING_DELAY_MS);
      return;
    }
    if (!refreshSupport) return;
    if (refreshTimer) {
      clearTimeout(refreshTimer.timer);
      refreshTimer.release();
    }
    const release = scheduler.hold();
    refreshTimer = {
      release,
      timer: setTimeout(() => {
        refreshTimer = undefined;
        void connection.languages.diagnostics.refresh().catch(() => undefined);
        release();
      }, SIBLING_DELAY_MS),
    };
  }

  /** Settings, go.mod: every open document is re-checked. */
  function everythingChanged(why: string): void {
    scheduler.invalidateAll();
    if (store.size) log(`re-checking ${store.size} open document(s): ${why}`);
    if (pull) {
      if (refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
    } else for (const d of store.all()) schedulePush(d.uri, 0);
  }

  // ---- settings ----

  async function loadSettings(fromNotification?: unknown): Promise<void> {
    let raw: unknown;
    if (configurationSupport) {
      try {
        raw = await connection.workspace.getConfiguration({
          section: 'conndoctor',
          scopeUri: folders[0] ? uriOfPath(folders[0]) : undefined,
        });
      } catch (e) {
        warn(`reading settings: ${(e as Error).message}`);
      }
    } else {
      const n = fromNotification as { conndoctor?: unknown } | undefined;
      const io = initOptions as { conndoctor?: unknown; settings?: { conndoctor?: unknown } } | undefined;
      raw = n?.conndoctor ?? io?.conndoctor ?? io?.settings?.conndoctor ?? initOptions;
    }
    const { settings: next, problems } = parseSettings(objectSource(raw ?? {}), new Set(allRules.map((r) => r.meta.id)));
    for (const p of problems) warn(`settings: ${p}`);
    const was = settings;
    settings = next;
    if (JSON.stringify(was) === JSON.stringify(next)) return;
    if (!next.enable) workspace.clearAll();
    everythingChanged('settings changed');
  }

  // ---- lifecycle ----

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const caps = params.capabilities;
    pull = !!caps.textDocument?.diagnostic;
    refreshSupport = !!caps.workspace?.diagnostics?.refreshSupport;
    resolveEdits = !!caps.textDocument?.codeAction?.resolveSupport?.properties.includes('edit');
    configurationSupport = !!caps.workspace?.configuration;
    watchRegistration = !!caps.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    folderEvents = !!caps.workspace?.workspaceFolders;
    initOptions = params.initializationOptions;
    setLocale(params.locale);
    folders = (params.workspaceFolders ?? []).map((f) => fileURLToPath(f.uri));
    if (!folders.length && params.rootUri?.startsWith('file:')) folders = [fileURLToPath(params.rootUri)];
    else if (!folders.length && params.rootPath) folders = [params.rootPath];
    if (pull) workspace = new WorkspaceReports(null, (uri) => !!store.get(uri));
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        ...(pull ? { diagnosticProvider: { identifier: 'conndoctor', interFileDependencies: true, workspaceDiagnostics: true } } : {}),
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND], resolveProvider: true },
        hoverProvider: true,
        completionProvider: {},
        executeCommandProvider: { commands: [COMMANDS.disableRule, COMMANDS.openRuleDoc, COMMANDS.applyFixAll] },
        workspace: { workspaceFolders: { supported: true, changeNotifications: true } },
      },
      serverInfo: { name: 'conndoctor', version: version() },
    };
  });

  connection.onInitialized(() => {
    log(
      `conndoctor ${version()} language server (pid ${process.pid}): ${pull ? 'pull' : 'push'} diagnostics, analysis ${worker.inProcess ? 'in the server thread' : 'in a worker thread'}, ${folders.length} workspace folder(s), locale ${currentLocale()}`,
    );
    if (watchRegistration) {
      void connection.client
        .register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*.go' }, { globPattern: '**/go.mod' }] })
        .catch((e: Error) => warn(`watching files: ${e.message}`));
    }
    if (configurationSupport) connection.onDidChangeConfiguration(() => void loadSettings());
    else connection.onDidChangeConfiguration((p) => void loadSettings(p.settings));
    void loadSettings();
    if (folderEvents) {
      connection.workspace.onDidChangeWorkspaceFolders((e) => {
        const removed = new Set(e.removed.map((f) => fileURLToPath(f.uri)));
        folders = [...folders.filter((f) => !removed.has(f)), ...e.added.map((f) => fileURLToPath(f.uri))];
      });
    }
  });

  connection.onShutdown(async () => {
    scheduler.dispose();
    workspace.dispose();
    worker.dispose();
    await pool.dispose();
  });

  // ---- documents ----

  connection.onDidOpenTextDocument(({ textDocument: td }) => {
    const d = store.open(td.uri, td.languageId, td.version, td.text);
    worker.open(d.uri, d.path, d.onDisk, td.text, td.version, { text: () => d.doc.getText(), version: () => d.doc.version });
    if (d.onDisk) scheduler.invalidateDir(dirname(d.path));
    schedulePush(d.uri, 0);
  });

  connection.onDidChangeTextDocument(({ textDocument: td, contentChanges }) => {
    const r = store.change(td.uri, td.version, contentChanges);
    if (!r) return;
    worker.change(td.uri, td.version, r.edits);
    scheduler.changed(r.doc);
    if (settings.run === 'onType') schedulePush(td.uri, 0);
    if (r.doc.onDisk) siblingsChanged(dirname(r.doc.path), td.uri);
  });

  connection.onDidSaveTextDocument(({ textDocument: td }) => {
    const d = store.get(td.uri);
    if (!d) return;
    d.dirty = false;
    if (settings.run === 'onSave') {
      schedulePush(d.uri, 0);
      if (pull && refreshSupport) void connection.languages.diagnostics.refresh().catch(() => undefined);
    }
  });

  connection.onDidCloseTextDocument(({ textDocument: td }) => {
    const d = store.close(td.uri);
    if (!d) return;
    worker.close(td.uri);
    scheduler.closed(td.uri);
    shown.delete(td.uri);
    pushed.delete(td.uri);
    const pt = pushTimers.get(td.uri);
    if (pt) {
      clearTimeout(pt.timer);
      pt.release();
      pushTimers.delete(td.uri);
    }
    // The workspace view takes over: scan results for the file, or nothing.
    workspace.closed(td.uri);
    if (d.onDisk) {
      scheduler.invalidateDir(dirname(d.path));
      siblingsChanged(dirname(d.path));
    }
  });

  // ---- files on disk ----

  const diskQueue = new Set<string>();
  let diskTimer: { timer: NodeJS.Timeout; release: () => void } | undefined;
  connection.onDidChangeWatchedFiles(({ changes }) => {
    const paths: string[] = [];
    let gomod = false;
    for (const c of changes) {
      if (!c.uri.startsWith('file:')) continue;
      const p = fileURLToPath(c.uri);
      if (p.endsWith('go.mod')) gomod = true;
      else if (p.endsWith('.go')) {
        paths.push(p);
        if (workspace.scanned.has(c.uri) && !store.get(c.uri)) diskQueue.add(c.uri);
        if (c.type === FileChangeType.Deleted) workspace.scanned.delete(c.uri);
      }
    }
    if (gomod) {
      worker.diskChanged('all');
      everythingChanged('go.mod changed');
    } else if (paths.length) {
      worker.diskChanged(paths);
      const dirs = new Set(paths.map((p) => dirname(p)));
      for (const dir of dirs) {
        scheduler.invalidateDir(dir);
        siblingsChanged(dir);
      }
    }
    if (diskQueue.size && !diskTimer) {
      const release = scheduler.hold();
      diskTimer = {
        release,
        timer: setTimeout(() => {
          diskTimer = undefined;
          const uris = [...diskQueue];
          diskQueue.clear();
          void rescan(uris).finally(release);
        }, DISK_BATCH_MS),
      };
    }
  });

  /** Re-analyzes scanned files from disk and updates what the workspace view shows. */
  async function rescan(uris: string[]): Promise<void> {
    if (!settings.enable) return;
    const paths = uris.map((u) => fileURLToPath(u));
    const found = await analyzePaths(paths);
    for (const [i, uri] of uris.entries()) if (!store.get(uri)) workspace.set(uri, found.byPath.get(paths[i]) ?? []);
  }

  /** Analyzes files from disk in the pool; open documents come from the editor's copy instead. */
  async function analyzePaths(
    paths: string[],
    run: { cancelled?: () => boolean; onPackage?: (done: number, total: number) => void } = {},
  ): Promise<{ byPath: Map<string, Finding[]>; errors: string[]; packages: number; threads: number; cancelled: boolean }> {
    const byPath = new Map<string, Finding[]>();
    const errors: string[] = [];
    const disk: string[] = [];
    for (const p of paths) {
      byPath.set(p, []);
      const open = store.byPath(p);
      if (!open) disk.push(p);
    }
    const groups = groupByDir(disk);
    let done = 0;
    const o = opts();
    const results = await pool.run(groups, o, {
      cancelled: run.cancelled,
      onResult: () => run.onPackage?.(++done, groups.length),
    });
    for (const r of results) {
      errors.push(...r.errors, ...r.failures.map((f) => formatAnalysisError(f)));
      reportFailures(r.failures, `scan ${performance.now()}`);
      for (const f of r.findings) byPath.get(f.file)?.push(f);
    }
    for (const p of paths) {
      const open = store.byPath(p);
      if (!open || run.cancelled?.()) continue;
      try {
        byPath.set(p, await findingsOf(open, () => !run.cancelled?.(), errors));
      } catch (e) {
        if (!(e instanceof Cancelled)) errors.push(`${p}: ${(e as Error).message}`);
      }
    }
    return { byPath, errors, packages: groups.length, threads: pool.threadsFor(groups.length), cancelled: !!run.cancelled?.() };
  }

  // ---- diagnostics ----

  connection.languages.diagnostics.on(async (params, token): Promise<DocumentDiagnosticReport> => {
    const uri = params.textDocument.uri;
    const d = store.get(uri);
    if (!d) {
      // Not open (a last pull after closing): what the workspace view has for it.
      const r = workspace.get(uri);
      return { kind: DocumentDiagnosticReportKind.Full, resultId: r?.resultId, items: r?.items ?? [] };
    }
    let findings: Finding[];
    try {
      findings = await findingsOf(d, () => !token.isCancellationRequested);
    } catch (e) {
      if (e instanceof Cancelled || token.isCancellationRequested)
        throw new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed', { retriggerRequest: true });
      warn(`analyzing ${d.path}: ${(e as Error).stack ?? e}`);
      return { kind: DocumentDiagnosticReportKind.Full, items: [] };
    }
    const items: Diagnostic[] = findings.map((f) => toDiagnostic(f, uri, currentLocale()));
    const resultId = resultIdOf(items);
    if (params.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
    return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
  });

  connection.languages.diagnostics.onWorkspace(async (params, token) => {
    return workspace.pull(params.previousResultIds, token);
  });

  // ---- code actions ----

  connection.onCodeAction(async (params, token) => {
    const d = store.get(params.textDocument.uri);
    if (!d || !wanted(d)) return [];
    try {
      const findings = await findingsOf(d, () => !token.isCancellationRequested);
      if (token.isCancellationRequested) return [];
      const actions = codeActionsFor(params, d.doc, findings);
      if (!resolveEdits) for (const a of actions) if (a.kind === FIX_ALL_KIND) await resolveFixAll(a);
      return actions;
    } catch (e) {
      if (!(e instanceof Cancelled)) warn(`code actions for ${d.path}: ${(e as Error).stack ?? e}`);
      return [];
    }
  });

  async function fixAllEdit(
    uri: string,
  ): Promise<{ edits: { range: Diagnostic['range']; newText: string }[]; applied: number; remaining: number } | null> {
    const d = store.get(uri);
    if (!d || !wanted(d)) return null;
    const version = d.doc.version;
    const doc = d.doc;
    const r = await worker.fixAll(uri, version, opts()).promise;
    if (!r.edit || store.get(uri)?.doc.version !== version) return null;
    return {
      edits: [{ range: { start: doc.positionAt(r.edit.start), end: doc.positionAt(r.edit.end) }, newText: r.edit.newText }],
      applied: r.applied,
      remaining: r.remaining,
    };
  }

  async function resolveFixAll(action: CodeAction): Promise<CodeAction> {
    const data = action.data as FixAllData | undefined;
    if (!data?.fixAll) return action;
    const d = store.get(data.uri);
    if (!d || d.doc.version !== data.version) return action;
    try {
      const r = await fixAllEdit(data.uri);
      if (r) action.edit = { changes: { [data.uri]: r.edits } };
    } catch (e) {
      if (!(e instanceof Cancelled)) warn(`fix all in ${d.path}: ${(e as Error).stack ?? e}`);
    }
    return action;
  }
  connection.onCodeActionResolve((a) => resolveFixAll(a));

  // ---- hovers ----

  connection.onHover(async (params, token): Promise<Hover | null> => {
    const d = store.get(params.textDocument.uri);
    if (!d || !wanted(d) || settings.hover === 'off') return null;
    const version = d.doc.version;
    const offset = d.doc.offsetAt(params.position);
    try {
      const [card, findings] = await Promise.all([
        worker.card(d.uri, version, offset).promise,
        findingsOf(d, () => !token.isCancellationRequested),
      ]);
      if (token.isCancellationRequested || d.doc.version !== version) return null;
      const parts: string[] = [];
      const loc = currentLocale();
      const cardText = card ? renderCard(card.card, settings.hover, loc) : null;
      if (cardText) parts.push(cardText);
      parts.push(...ruleHovers(findings, params.position, settings.hover, loc));
      if (!parts.length) return null;
      return {
        contents: { kind: 'markdown', value: parts.join('\n---\n\n') },
        range: card && cardText ? { start: d.doc.positionAt(card.start), end: d.doc.positionAt(card.end) } : undefined,
      };
    } catch (e) {
      if (!(e instanceof Cancelled)) warn(`hover in ${d.path}: ${(e as Error).message}`);
      return null;
    }
  });

  // ---- snippets ----

  connection.onCompletion(async (params, token): Promise<CompletionItem[] | null> => {
    const d = store.get(params.textDocument.uri);
    if (!d || !isGo(d) || !settings.enable) return null;
    try {
      // VS Code keeps the items of a completion session and filters them as the user types on: an
      // answer for a version typed past must still be given (with import edits for the current text).
      for (let tries = 0; tries < 5 && !token.isCancellationRequested; tries++) {
        const version = d.doc.version;
        const site = await worker.snippetSite(d.uri, version, d.doc.offsetAt(params.position), snippetImportSets()).promise;
        if (d.doc.version !== version) continue;
        return site.inCode ? snippetItems(site.imports, (e) => editsOf(d.doc, [e])[0]) : null;
      }
      return null;
    } catch (e) {
      if (!(e instanceof Cancelled)) warn(`completion in ${d.path}: ${(e as Error).message}`);
      return null;
    }
  });

  // ---- commands ----

  connection.onExecuteCommand(async ({ command, arguments: args }) => {
    if (command === COMMANDS.disableRule) {
      const rule = String(args?.[0] ?? '');
      if (!ruleById(rule)) return;
      sessionOff.add(rule);
      everythingChanged(`${rule} disabled`);
      void connection.sendNotification(ShowMessageNotification.type, {
        type: MessageType.Info,
        message: l10n.t('{0} is off until the server restarts; set conndoctor.rules to keep it off.', rule),
      });
      return;
    }
    if (command === COMMANDS.openRuleDoc) {
      const meta = ruleById(String(args?.[0] ?? ''))?.meta;
      if (!meta) return;
      const uri = ruleDocUri(meta);
      await connection.window.showDocument({ uri, external: !uri.startsWith('file:'), takeFocus: true }).catch(() => undefined);
      return;
    }
    if (command === COMMANDS.applyFixAll) {
      const uri = String(args?.[0] ?? '');
      const r = await fixAllEdit(uri);
      if (!r) return { applied: 0, remaining: 0 };
      const res = await connection.workspace.applyEdit({
        label: l10n.t('Fix all Go Conn Doctor problems in this file'),
        edit: { changes: { [uri]: r.edits } },
      });
      return { applied: res.applied ? r.applied : 0, remaining: r.remaining };
    }
    return undefined;
  });

  // ---- workspace scan, findings for the socket view, status ----

  let scanning: Promise<ScanResult> | undefined;
  connection.onRequest(SCAN_REQUEST, (params: ScanParams, token) => {
    scanning ??= scan(params, token).finally(() => {
      scanning = undefined;
    });
    return scanning;
  });

  async function scan(params: ScanParams, token: { isCancellationRequested: boolean }): Promise<ScanResult> {
    const t0 = performance.now();
    const progress = params.workDoneToken ? connection.window.attachWorkDoneProgress(params.workDoneToken) : null;
    const empty: ScanResult = {
      files: 0,
      packages: 0,
      findings: 0,
      filesWithFindings: 0,
      perFile: {},
      ms: 0,
      cancelled: false,
      threads: 0,
      errors: 0,
      phases: { findFiles: 0, analyze: 0 },
    };
    if (!settings.enable) return empty;
    progress?.begin(l10n.t('Go Conn Doctor: scanning the workspace'), 0, l10n.t('finding Go files…'), true);
    try {
      const exclude = [...settings.exclude, ...(params.exclude ?? [])];
      const listed = workspaceGoFiles(folders, exclude);
      const tf = performance.now();
      const found = await analyzePaths(listed.files, {
        cancelled: () => token.isCancellationRequested,
        onPackage: (done, total) => progress?.report(Math.round((done / total) * 100), l10n.t('{0}/{1} packages', done, total)),
      });
      const ta = performance.now();
      const perFile: Record<string, number> = {};
      let findings = 0;
      const scannedNow = new Set<string>();
      for (const [path, fs] of found.byPath) {
        const uri = uriOfPath(path);
        scannedNow.add(uri);
        if (fs.length) perFile[uri] = fs.length;
        findings += fs.length;
      }
      if (!found.cancelled) {
        // Files scanned before that are gone or excluded now: clear them.
        for (const uri of workspace.scanned) if (!scannedNow.has(uri)) workspace.set(uri, []);
        workspace.scanned.clear();
      }
      for (const [path, fs] of found.byPath) {
        const uri = uriOfPath(path);
        workspace.scanned.add(uri);
        workspace.set(uri, fs);
      }
      for (const e of [...listed.errors, ...found.errors]) warn(e);
      const result: ScanResult = {
        files: listed.files.length,
        packages: found.packages,
        findings,
        filesWithFindings: Object.keys(perFile).length,
        perFile,
        ms: Math.round(performance.now() - t0),
        cancelled: found.cancelled,
        threads: found.threads,
        errors: listed.errors.length + found.errors.length,
        phases: { findFiles: Math.round(tf - t0), analyze: Math.round(ta - tf) },
      };
      log(
        `workspace scan: ${findings} finding(s) in ${result.filesWithFindings} file(s); ${result.files} Go files in ${result.packages} folders, ${result.ms} ms${result.threads ? `, ${result.threads} worker thread(s)` : ' in the server thread'}${result.cancelled ? ' (cancelled)' : ''}`,
      );
      return result;
    } finally {
      progress?.done();
    }
  }

  connection.onRequest(FINDINGS_REQUEST, async (params: FindingsParams, token): Promise<FindingsResult> => {
    if (!settings.enable) return { findings: [], analyzedFiles: 0, errors: ['conndoctor.enable is false'] };
    const rules = params.rules?.length ? new Set(params.rules) : null;
    let paths: string[];
    const errors: string[] = [];
    if (params.uris) {
      // a folder stands for its Go files as `./...` lists them (the socket view asks for the program's module)
      const asked = params.uris.filter((u) => u.startsWith('file:')).map((u) => fileURLToPath(u));
      const dirs = asked.filter(isDirectory);
      paths = asked.filter((p) => !dirs.includes(p));
      if (dirs.length) {
        // excludes are relative to the workspace folder: list each folder's own files when it is in the workspace
        const inWs = dirs.filter((d) => folders.some((f) => isWithin(d, f)));
        const listed = inWs.length ? workspaceGoFiles(folders, settings.exclude) : { files: [], errors: [] };
        paths.push(...listed.files.filter((f) => inWs.some((d) => isWithin(f, d))));
        errors.push(...listed.errors);
        for (const d of dirs.filter((x) => !inWs.includes(x))) {
          const own = workspaceGoFiles([d], settings.exclude);
          paths.push(...own.files);
          errors.push(...own.errors);
        }
        paths = [...new Set(paths)];
      }
    } else {
      const listed = workspaceGoFiles(folders, settings.exclude);
      paths = listed.files;
      errors.push(...listed.errors);
    }
    const found = await analyzePaths(paths, { cancelled: () => token.isCancellationRequested });
    errors.push(...found.errors);
    const findings: FindingsResult['findings'] = [];
    for (const [path, fs] of found.byPath) {
      for (const f of fs) {
        if (rules && !rules.has(f.rule)) continue;
        findings.push({
          uri: store.byPath(path)?.uri ?? uriOfPath(path),
          range: f.range,
          rule: f.rule,
          severity: f.severity,
          message: localized(f.messageId, f.args, f.message, currentLocale(), (r) => ruleById(r)?.meta),
        });
      }
    }
    findings.sort(
      (a, b) => a.uri.localeCompare(b.uri) || a.range.start.line - b.range.start.line || a.range.start.character - b.range.start.character,
    );
    return { findings, analyzedFiles: paths.length, errors };
  });

  connection.onRequest(STATUS_REQUEST, async (): Promise<StatusResult> => {
    await scheduler.whenIdle();
    const m = process.memoryUsage();
    const analysis = await worker.stats().promise.catch(() => undefined);
    return {
      analysis,
      timings: { ...scheduler.timings, workerRestarts: worker.restarts },
      openDocuments: store.size,
      memory: { rss: m.rss, heapUsed: m.heapUsed },
      pid: process.pid,
    };
  });
}

/** `conndoctor lsp [--stdio | --node-ipc]`: serves until the client says exit or goes away. */
export function runLanguageServer(argv: string[]): void {
  // stdout carries the protocol: anything else printed there would corrupt it.
  console.log = console.info = (...a: unknown[]) => process.stderr.write(`${a.map(String).join(' ')}\n`);
  const connection = argv.includes('--node-ipc')
    ? createConnection(ProposedFeatures.all)
    : createConnection(ProposedFeatures.all, process.stdin, process.stdout);
  // A stray rejection (a client that does not answer a request of ours) must not end the server.
  process.on('unhandledRejection', (e) => process.stderr.write(`conndoctor lsp: unhandled rejection: ${(e as Error)?.stack ?? e}\n`));
  startServer(connection);
  connection.listen();
}
