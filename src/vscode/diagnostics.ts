// Diagnostics for Go documents: on open, on change (debounced, incremental re-parse), on save;
// cleared on close. Package facts come from the other files of the directory (open documents
// win over disk) and are kept fresh when those change, in an editor or on disk.
// Also the home of workspace-scan results (scan.ts fills them) and of the fresh findings the code
// action and hover providers ask for.
import * as vscode from 'vscode';
import { readdirSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { analyzeFiles, checkSource, ensureReady, InputError, type SourceFile } from '../analysis/engine';
import { clearGoModCache } from '../analysis/facts/gomod';
import { FileFacts, PackageFacts } from '../analysis/facts/package';
import { docsUrl, type Finding, type Severity } from '../analysis/model';
import { parseGo } from '../analysis/parser';
import { ruleById } from '../analysis/rules/index';
import { analyzeOptions, type Settings } from './config';
import { OUR_SOURCE, partition } from './dedupe';
import { DiskCache } from './diskCache';
import { matchesAny } from './glob';
import { info, output, reportError } from './log';
import { ParsedDoc } from './parsedDoc';

export const SOURCE = OUR_SOURCE;
export const DEBOUNCE_MS = 300;
/** Other open files of a package are re-checked a little later than the one being typed in. */
const SIBLING_DEBOUNCE_MS = 600;
/** Package facts from at most this many other files of a directory. */
const MAX_SIBLINGS = 200;

const SEVERITY: Record<Severity, vscode.DiagnosticSeverity> = {
  error: vscode.DiagnosticSeverity.Error,
  warning: vscode.DiagnosticSeverity.Warning,
  info: vscode.DiagnosticSeverity.Information,
  hint: vscode.DiagnosticSeverity.Hint,
};

interface DocEntry {
  doc: vscode.TextDocument;
  key: string;
  path: string;
  parsed: ParsedDoc;
  /** The findings currently published for this document. */
  published?: { version: number; findings: Finding[] };
  /** The newest findings (maybe not published yet in "onSave" mode). */
  latest?: { version: number; findings: Finding[] };
  timer?: NodeJS.Timeout;
  /** performance.now() at open, until its first diagnostics are out. */
  openedAt?: number;
  skipped?: string;
  /** Duration of this document's last analysis (ms): big files get a longer debounce. */
  lastMs?: number;
}

export interface Timings {
  /** Loading the tree-sitter runtime + Go grammar (first use). */
  parserInitMs?: number;
  /** Open → diagnostics published, for the first document (includes parser init). */
  firstOpenToDiagnosticsMs?: number;
  /** The first document's analysis: waiting for the parser, then parse / siblings / facts + rules (ms). */
  firstOpen?: { waitParser: number; parse: number; siblings: number; siblingFiles: number; rules: number };
  /** Open → diagnostics for every document opened so far (most recent last, bounded). */
  openToDiagnosticsMs: number[];
  /** Analysis time of the most recent on-type analyses (parse + facts + rules), bounded. */
  onTypeMs: number[];
  fullParses: number;
  incrementalParses: number;
  /** Where the time of the most recent analysis went (ms). */
  last?: { parse: number; siblings: number; siblingFiles: number; rules: number };
}

export function toRange(r: { start: { line: number; character: number }; end: { line: number; character: number } }): vscode.Range {
  return new vscode.Range(r.start.line, r.start.character, r.end.line, r.end.character);
}

export function toDiagnostic(f: Finding): vscode.Diagnostic {
  const d = new vscode.Diagnostic(toRange(f.range), f.message, SEVERITY[f.severity] ?? vscode.DiagnosticSeverity.Warning);
  d.source = SOURCE;
  const meta = ruleById(f.rule)?.meta;
  d.code = meta ? { value: f.rule, target: vscode.Uri.parse(docsUrl(meta)) } : f.rule;
  return d;
}

/** The file-system path the analyzer uses for a document (untitled ones get a path in no module). */
export function pathOf(uri: vscode.Uri): string {
  if (uri.scheme === 'file') return uri.fsPath;
  return join('/__untitled__', `${basename(uri.path) || 'untitled'}${uri.path.endsWith('.go') ? '' : '.go'}`);
}

/**
 * The on-type debounce: 300 ms, longer for documents whose analysis is slow (a 4000-line file in
 * a big package), so typing is not interrupted by back-to-back synchronous analyses.
 */
function debounceFor(e: { lastMs?: number }): number {
  return Math.min(3000, Math.max(DEBOUNCE_MS, Math.round((e.lastMs ?? 0) * 2)));
}

const push = (a: number[], v: number, max = 50) => {
  a.push(Math.round(v * 10) / 10);
  if (a.length > max) a.shift();
};

export class DiagnosticsManager implements vscode.Disposable {
  readonly collection = vscode.languages.createDiagnosticCollection(SOURCE);
  readonly timings: Timings = { openToDiagnosticsMs: [], onTypeMs: [], fullParses: 0, incrementalParses: 0 };
  private readonly docs = new Map<string, DocEntry>();
  private readonly byPath = new Map<string, DocEntry>();
  readonly disk = new DiskCache();
  /** Findings from "Scan Workspace" for files not open in an editor, by URI string. */
  private readonly scanned = new Map<string, { uri: vscode.Uri; findings: Finding[] }>();
  /** Signature of what we last set per URI, so gopls' diagnostic events don't make us re-set. */
  private readonly signatures = new Map<string, string>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private parserReady = false;
  /** A workspace scan ran: closing a file keeps its disk findings in Problems. */
  private scannedOnce = false;
  private readyPromise?: Promise<boolean>;
  private running = 0;
  private idleWaiters: (() => void)[] = [];

  constructor(private settings: Settings) {}

  /** Wires the events and analyzes the Go documents already open. */
  start(): void {
    const ws = vscode.workspace;
    this.subscriptions.push(
      this.collection,
      ws.onDidOpenTextDocument((d) => this.onOpen(d)),
      ws.onDidChangeTextDocument((e) => this.onChange(e)),
      ws.onDidSaveTextDocument((d) => this.onSave(d)),
      ws.onDidCloseTextDocument((d) => this.onClose(d)),
      vscode.languages.onDidChangeDiagnostics((e) => this.onAnyDiagnostics(e)),
    );
    const goFiles = ws.createFileSystemWatcher('**/*.go');
    const onDisk = (u: vscode.Uri) => this.onDiskChange(u);
    this.subscriptions.push(goFiles, goFiles.onDidChange(onDisk), goFiles.onDidCreate(onDisk), goFiles.onDidDelete(onDisk));
    const goMod = ws.createFileSystemWatcher('**/go.mod');
    const onMod = () => {
      clearGoModCache();
      this.reanalyzeAll('go.mod changed');
    };
    this.subscriptions.push(goMod, goMod.onDidChange(onMod), goMod.onDidCreate(onMod), goMod.onDidDelete(onMod));
    for (const d of ws.textDocuments) this.onOpen(d);
  }

  updateSettings(s: Settings): void {
    const was = this.settings;
    this.settings = s;
    if (!s.enable) {
      for (const e of this.docs.values()) this.cancel(e);
      this.collection.clear();
      this.signatures.clear();
      this.scanned.clear();
      return;
    }
    // Scan results: re-map severities and drop what is now off or excluded, without re-reading disk.
    for (const [key, s2] of this.scanned) {
      const kept = this.remap(s2.findings, vscode.workspace.asRelativePath(s2.uri, false));
      if (kept.length) this.scanned.set(key, { uri: s2.uri, findings: kept });
      else this.scanned.delete(key);
      if (!this.docs.has(key)) this.publish(s2.uri);
    }
    if (was.enable !== s.enable || JSON.stringify(was) !== JSON.stringify(s)) this.reanalyzeAll('settings changed');
  }

  private remap(findings: Finding[], rel: string): Finding[] {
    if (this.settings.exclude.length && matchesAny(rel, this.settings.exclude)) return [];
    const out: Finding[] = [];
    for (const f of findings) {
      const o = this.settings.rules[f.rule];
      if (o === 'off') continue;
      out.push({ ...f, severity: o ?? ruleById(f.rule)?.meta.severity ?? f.severity });
    }
    return out;
  }

  // ---- document events ----

  private isGo(d: vscode.TextDocument): boolean {
    return d.languageId === 'go' && (d.uri.scheme === 'file' || d.uri.scheme === 'untitled');
  }

  /** Whether the settings let us analyze this document. */
  wanted(d: vscode.TextDocument): boolean {
    if (!this.settings.enable || !this.isGo(d)) return false;
    if (d.uri.scheme !== 'file') return true;
    const rel = vscode.workspace.asRelativePath(d.uri, false).replace(/\\/g, '/');
    if (/(^|\/)vendor\//.test(rel)) return false; // not the user's code to fix
    return !(this.settings.exclude.length && matchesAny(rel, this.settings.exclude));
  }

  private entryFor(d: vscode.TextDocument): DocEntry | undefined {
    if (!this.isGo(d)) return undefined;
    const key = d.uri.toString();
    let e = this.docs.get(key);
    if (!e) {
      e = { doc: d, key, path: pathOf(d.uri), parsed: new ParsedDoc() };
      this.docs.set(key, e);
      if (d.uri.scheme === 'file') this.byPath.set(e.path, e);
    }
    return e;
  }

  private onOpen(d: vscode.TextDocument): void {
    const e = this.entryFor(d);
    if (!e) return;
    e.openedAt = performance.now();
    this.scanned.delete(e.key);
    void this.analyze(e, 'open');
    // Other open files of the package now see this one's buffer instead of the disk copy: same text
    // normally, so no need to re-check them.
  }

  private onChange(ev: vscode.TextDocumentChangeEvent): void {
    const e = this.docs.get(ev.document.uri.toString());
    if (!e || ev.contentChanges.length === 0) return;
    try {
      e.parsed.applyChanges(ev.contentChanges);
    } catch (err) {
      reportError('tracking edits', err);
      e.parsed.dispose();
    }
    if (this.settings.run === 'onType' && this.settings.enable) {
      this.schedule(e, debounceFor(e));
      this.scheduleSiblings(e, SIBLING_DEBOUNCE_MS);
    }
  }

  private onSave(d: vscode.TextDocument): void {
    const e = this.docs.get(d.uri.toString());
    if (!e) return;
    this.cancel(e);
    void this.analyze(e, 'save');
    if (this.settings.run === 'onSave') this.scheduleSiblings(e, 0);
  }

  private onClose(d: vscode.TextDocument): void {
    const key = d.uri.toString();
    const e = this.docs.get(key);
    if (!e) return;
    this.cancel(e);
    e.parsed.dispose();
    this.docs.delete(key);
    if (this.byPath.get(e.path) === e) this.byPath.delete(e.path);
    // A workspace scan was run: keep this file in Problems with what is on disk now.
    if (this.scannedOnce && d.uri.scheme === 'file' && this.parserReady && this.settings.enable) {
      const findings = this.analyzeDiskFiles([e.path]).get(e.path) ?? [];
      if (findings.length) this.scanned.set(key, { uri: d.uri, findings });
      this.publish(d.uri);
    } else {
      this.collection.delete(d.uri);
      this.signatures.delete(key);
    }
    // The other open files of the package now see the disk copy instead of this buffer.
    this.scheduleSiblings(e, SIBLING_DEBOUNCE_MS);
  }

  private onDiskChange(uri: vscode.Uri): void {
    const path = uri.fsPath;
    this.disk.invalidate(path);
    const open = this.byPath.get(path);
    if (!open) {
      const dir = dirname(path);
      for (const o of this.byPath.values()) if (dirname(o.path) === dir) this.schedule(o, SIBLING_DEBOUNCE_MS);
      if (this.scanned.has(uri.toString())) this.refreshScanned(uri);
    }
  }

  private refreshTimer?: NodeJS.Timeout;
  private readonly refreshQueue = new Map<string, vscode.Uri>();
  /** A scanned file changed on disk (git checkout, a generator): re-check it, batched. */
  private refreshScanned(uri: vscode.Uri): void {
    this.refreshQueue.set(uri.toString(), uri);
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      const uris = [...this.refreshQueue.values()];
      this.refreshQueue.clear();
      if (!this.parserReady || !this.settings.enable) return;
      try {
        const res = this.analyzeDiskFiles(uris.map((u) => u.fsPath));
        for (const u of uris) {
          if (this.docs.has(u.toString())) continue;
          const f = res.get(u.fsPath) ?? [];
          if (f.length) this.scanned.set(u.toString(), { uri: u, findings: f });
          else this.scanned.delete(u.toString());
          this.publish(u);
        }
      } catch (err) {
        reportError('re-checking changed files', err);
      }
    }, 500);
  }

  private schedule(e: DocEntry, ms: number): void {
    this.cancel(e);
    e.timer = setTimeout(() => {
      e.timer = undefined;
      void this.analyze(e, 'change');
    }, ms);
  }

  private scheduleSiblings(e: DocEntry, ms: number): void {
    if (e.doc.uri.scheme !== 'file') return;
    const dir = dirname(e.path);
    for (const o of this.byPath.values()) if (o !== e && dirname(o.path) === dir) this.schedule(o, ms && Math.max(ms, debounceFor(o)));
  }

  private cancel(e: DocEntry): void {
    if (e.timer) clearTimeout(e.timer);
    e.timer = undefined;
  }

  reanalyzeAll(why: string): void {
    if (this.docs.size) output().debug(`re-checking ${this.docs.size} open document(s): ${why}`);
    for (const e of this.docs.values()) this.schedule(e, 0);
  }

  // ---- analysis ----

  /** Loads the parser once (the first analysis pays for it). False when it cannot load. */
  ready(): Promise<boolean> {
    if (this.parserReady) return Promise.resolve(true);
    this.readyPromise ??= (async () => {
      const t0 = performance.now();
      try {
        await ensureReady();
        this.parserReady = true;
        this.timings.parserInitMs = Math.round((performance.now() - t0) * 10) / 10;
        info(`Go parser loaded in ${this.timings.parserInitMs} ms`);
        return true;
      } catch (err) {
        reportError('loading the Go parser', err);
        this.readyPromise = undefined;
        return false;
      }
    })();
    return this.readyPromise;
  }

  get isReady(): boolean {
    return this.parserReady;
  }

  private async analyze(e: DocEntry, reason: 'open' | 'change' | 'save'): Promise<void> {
    this.running++;
    try {
      if (!this.wanted(e.doc)) {
        this.setPublished(e, e.doc.version, []);
        return;
      }
      const tw = performance.now();
      if (!(await this.ready())) return;
      if (e.doc.isClosed || this.docs.get(e.key) !== e) return;
      const t0 = performance.now();
      const waitParser = t0 - tw;
      const findings = this.analyzeNow(e);
      if (!findings) return;
      this.setPublished(e, e.doc.version, findings);
      const ms = performance.now() - t0;
      e.lastMs = ms;
      if (e.openedAt !== undefined) {
        const total = performance.now() - e.openedAt;
        e.openedAt = undefined;
        if (this.timings.firstOpenToDiagnosticsMs === undefined) {
          this.timings.firstOpenToDiagnosticsMs = Math.round(total * 10) / 10;
          if (this.timings.last) this.timings.firstOpen = { waitParser: Math.round(waitParser * 10) / 10, ...this.timings.last };
        }
        push(this.timings.openToDiagnosticsMs, total);
        const l = this.timings.last;
        info(
          `${basename(e.path)}: ${findings.length} finding(s), diagnostics ${total.toFixed(1)} ms after open (analysis ${ms.toFixed(1)} ms${l ? `: parse ${l.parse}, ${l.siblingFiles} sibling file(s) ${l.siblings}, facts + rules ${l.rules}` : ''})`,
        );
      } else {
        if (reason === 'change') push(this.timings.onTypeMs, ms);
        output().debug(`${basename(e.path)}: ${findings.length} finding(s) in ${ms.toFixed(1)} ms (${reason})`);
      }
    } catch (err) {
      reportError(`analyzing ${basename(e.path)}`, err);
    } finally {
      this.running--;
      this.checkIdle();
    }
  }

  /**
   * Analyzes the document's current text now (parser must be ready). Returns the findings and
   * records them as `latest`; null when the document is skipped (binary, huge).
   */
  private analyzeNow(e: DocEntry): Finding[] | null {
    const text = e.doc.getText();
    const version = e.doc.version;
    try {
      checkSource(e.path, text);
    } catch (err) {
      if (!(err instanceof InputError)) throw err;
      if (e.skipped !== err.message) {
        e.skipped = err.message;
        info(err.message);
        vscode.window.setStatusBarMessage(`$(info) Go Conn Doctor: ${err.message}`, 8000);
      }
      e.latest = { version, findings: [] };
      this.setPublished(e, version, []);
      return null;
    }
    e.skipped = undefined;
    const before = { ...e.parsed.stats };
    const t0 = performance.now();
    const tree = e.parsed.treeFor(text);
    const t1 = performance.now();
    this.timings.fullParses += e.parsed.stats.full - before.full;
    this.timings.incrementalParses += e.parsed.stats.incremental - before.incremental;
    const siblings = this.siblingsFor(e);
    const t2 = performance.now();
    const findings = analyzeFiles([{ path: e.path, text, tree }], siblings, analyzeOptions(this.settings));
    this.disk.trim(new Set(siblings.map((x) => x.path)));
    const r = (x: number) => Math.round(x * 10) / 10;
    this.timings.last = { parse: r(t1 - t0), siblings: r(t2 - t1), siblingFiles: siblings.length, rules: r(performance.now() - t2) };
    e.latest = { version, findings };
    return findings;
  }

  /** The other Go files of the document's directory: open documents first, then disk. */
  private siblingsFor(e: DocEntry): SourceFile[] {
    if (e.doc.uri.scheme !== 'file') return [];
    const dir = dirname(e.path);
    const out: SourceFile[] = [];
    const seen = new Set<string>([e.path]);
    for (const o of this.byPath.values()) {
      if (seen.has(o.path) || dirname(o.path) !== dir || o.doc.isClosed) continue;
      seen.add(o.path);
      const text = o.doc.getText();
      try {
        checkSource(o.path, text);
      } catch {
        continue;
      }
      out.push({ path: o.path, text, tree: o.parsed.treeFor(text) });
    }
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      /* directory gone: facts from open documents only */
    }
    for (const n of names.sort()) {
      if (out.length >= MAX_SIBLINGS) break;
      if (!n.endsWith('.go')) continue;
      const p = join(dir, n);
      if (seen.has(p)) continue;
      seen.add(p);
      const f = this.disk.get(p);
      if (f) out.push({ path: p, text: f.text, tree: f.tree });
    }
    return out;
  }

  /** Findings for the document's current text (analyzing now if it changed). For code actions and hovers. */
  currentFindings(d: vscode.TextDocument): Finding[] {
    const key = d.uri.toString();
    const e = this.docs.get(key);
    if (!e) return this.scanned.get(key)?.findings ?? [];
    if (!this.wanted(d)) return [];
    if (e.latest?.version === d.version) return e.latest.findings;
    if (!this.parserReady) return e.published?.version === d.version ? e.published.findings : [];
    return this.analyzeNow(e) ?? [];
  }

  /** Analyzes arbitrary text as if it were this document (fix-all rounds). Trees are freed. */
  analyzeText(d: vscode.TextDocument, text: string): Finding[] {
    const e = this.entryFor(d);
    if (!e || !this.parserReady) return [];
    checkSource(e.path, text);
    const tree = parseGo(text, null, { keepWasm: false });
    const siblings = this.siblingsFor(e);
    try {
      return analyzeFiles([{ path: e.path, text, tree }], siblings, analyzeOptions(this.settings));
    } finally {
      tree.delete();
      this.disk.trim(new Set(siblings.map((x) => x.path)));
    }
  }

  /** Facts of the document's current text, with its package (for hover cards). */
  factsFor(d: vscode.TextDocument): FileFacts | undefined {
    const e = this.docs.get(d.uri.toString());
    if (!e || !this.parserReady) return undefined;
    const text = d.getText();
    try {
      checkSource(e.path, text);
    } catch {
      return undefined;
    }
    const file = new FileFacts(e.path, text, e.parsed.treeFor(text));
    const siblings = this.siblingsFor(e);
    const sibs = siblings.map((s) => new FileFacts(s.path, s.text, s.tree!)).filter((f) => f.packageName === file.packageName);
    new PackageFacts([file, ...sibs]);
    // The caller uses the facts right away (synchronously): trim afterwards, sparing these files.
    queueMicrotask(() => this.disk.trim(new Set(siblings.map((x) => x.path))));
    return file;
  }

  /**
   * Analyzes files from disk, grouped by directory; open documents' buffers take precedence as
   * siblings. Small directories go through the disk cache; big ones are parsed here and their
   * trees freed at once (the cache must not evict a tree while it is in use).
   */
  analyzeDiskFiles(paths: string[]): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    const byDir = new Map<string, string[]>();
    for (const p of paths) {
      const d = dirname(p);
      byDir.set(d, [...(byDir.get(d) ?? []), p]);
    }
    const opts = analyzeOptions(this.settings);
    for (const [dir, files] of byDir) {
      for (const p of files) out.set(p, []);
      let names: string[] = [];
      try {
        names = readdirSync(dir)
          .filter((n) => n.endsWith('.go'))
          .sort();
      } catch {
        /* gone */
      }
      const owned: { delete(): void }[] = [];
      const big = names.length > 100;
      const load = (p: string): SourceFile | null => {
        if (!big) {
          const f = this.disk.get(p);
          return f ? { path: p, text: f.text, tree: f.tree } : null;
        }
        try {
          const text = readFileSync(p, 'utf8');
          checkSource(p, text);
          const tree = parseGo(text, null, { keepWasm: false });
          owned.push(tree);
          return { path: p, text, tree };
        } catch {
          return null;
        }
      };
      try {
        const targets: SourceFile[] = [];
        for (const p of files) {
          const f = load(p);
          if (f) targets.push(f);
        }
        if (!targets.length) continue;
        const own = new Set(files);
        const siblings: SourceFile[] = [];
        for (const o of this.byPath.values()) {
          if (dirname(o.path) !== dir || own.has(o.path) || o.doc.isClosed) continue;
          const text = o.doc.getText();
          try {
            checkSource(o.path, text);
            siblings.push({ path: o.path, text, tree: o.parsed.treeFor(text) });
            own.add(o.path);
          } catch {
            /* skipped */
          }
        }
        for (const n of names) {
          if (siblings.length >= MAX_SIBLINGS) break;
          const p = join(dir, n);
          if (own.has(p)) continue;
          const f = load(p);
          if (f) siblings.push(f);
        }
        for (const f of analyzeFiles(targets, siblings, opts)) out.get(f.file)?.push(f);
      } finally {
        for (const t of owned) t.delete();
        this.disk.trim();
      }
    }
    return out;
  }

  // ---- publishing ----

  private setPublished(e: DocEntry, version: number, findings: Finding[]): void {
    e.published = { version, findings };
    if (!e.latest || e.latest.version <= version) e.latest = { version, findings };
    this.publish(e.doc.uri);
  }

  /** Replaces the results of a workspace scan (files open in editors keep their live results). */
  setScanResults(results: Map<string, { uri: vscode.Uri; findings: Finding[] }>, complete: boolean): void {
    this.scannedOnce = true;
    const old = [...this.scanned.values()].map((s) => s.uri);
    if (complete) this.scanned.clear();
    for (const [key, r] of results) {
      if (this.docs.has(key)) continue;
      if (r.findings.length) this.scanned.set(key, r);
      else this.scanned.delete(key);
    }
    for (const u of old) if (!this.docs.has(u.toString())) this.publish(u);
    for (const r of results.values()) if (!this.docs.has(r.uri.toString())) this.publish(r.uri);
  }

  /** All findings we know for a URI (published or hidden behind gopls). */
  findingsOf(uri: vscode.Uri): Finding[] {
    const key = uri.toString();
    const e = this.docs.get(key);
    if (e) return e.published?.findings ?? [];
    return this.scanned.get(key)?.findings ?? [];
  }

  openDocumentCount(): number {
    return this.docs.size;
  }

  /** Sets our diagnostics for `uri`, leaving out what gopls already reports there. */
  publish(uri: vscode.Uri): void {
    const key = uri.toString();
    const findings = this.findingsOf(uri);
    if (!findings.length) {
      // Nothing set before (undefined) or already cleared (''): no call, no change event.
      if (this.signatures.get(key)) this.collection.delete(uri);
      this.signatures.set(key, '');
      return;
    }
    const others = vscode.languages.getDiagnostics(uri).filter((d) => d.source !== SOURCE);
    const { shown, covered } = partition(findings, others);
    const sig = JSON.stringify(shown.map((f) => [f.rule, f.severity, f.message, f.range]));
    if (this.signatures.get(key) === sig) return;
    this.signatures.set(key, sig);
    this.collection.set(uri, shown.map(toDiagnostic));
    for (const c of covered)
      output().debug(
        `${basename(uri.fsPath)}:${c.finding.range.start.line + 1}: ${c.finding.rule} not shown, ${c.by.source ?? 'another tool'} reports it`,
      );
  }

  private onAnyDiagnostics(ev: vscode.DiagnosticChangeEvent): void {
    for (const uri of ev.uris) {
      const key = uri.toString();
      if (!this.docs.has(key) && !this.scanned.has(key)) continue;
      try {
        this.publish(uri);
      } catch (err) {
        reportError('merging with other diagnostics', err);
      }
    }
  }

  // ---- test and measurement support ----

  private checkIdle(): void {
    if (this.running > 0) return;
    for (const e of this.docs.values()) if (e.timer) return;
    const w = this.idleWaiters;
    this.idleWaiters = [];
    for (const r of w) r();
  }

  /** Resolves when no analysis is running or scheduled. */
  whenIdle(): Promise<void> {
    return new Promise((resolve) => {
      this.idleWaiters.push(resolve);
      setTimeout(() => this.checkIdle(), 0);
    });
  }

  dispose(): void {
    for (const e of this.docs.values()) {
      this.cancel(e);
      e.parsed.dispose();
    }
    if (this.refreshTimer) clearTimeout(this.refreshTimer);
    this.docs.clear();
    this.byPath.clear();
    this.disk.clear();
    for (const s of this.subscriptions) s.dispose();
  }
}
