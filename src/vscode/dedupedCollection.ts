// The diagnostic collection the language client writes our diagnostics into (through its
// `diagnosticCollectionProvider` option). It keeps the server's full list per file and shows what
// gopls does not report already (dedupe.ts); when gopls' diagnostics change, the file is filtered
// again. The hidden ones stay known here: the code action middleware hands them to the server when
// the user asks for fixes on gopls' diagnostic.
import * as vscode from 'vscode';
import { OUR_SOURCE, findingsFor, partition } from './dedupe';

const keyOf = (d: vscode.Diagnostic) => `${String(typeof d.code === 'object' ? d.code.value : d.code)}`;
const asFinding = (d: vscode.Diagnostic) => ({ rule: keyOf(d), range: d.range, diag: d });

export class DedupedCollection implements vscode.DiagnosticCollection {
  private readonly full = new Map<string, { uri: vscode.Uri; diags: readonly vscode.Diagnostic[] }>();
  /** What we set last per URI, so gopls' change events (and our own) do not make us set again. */
  private readonly signatures = new Map<string, string>();
  private readonly sub: vscode.Disposable;
  /** Called after a file's shown diagnostics changed (Scan Workspace waits for them). */
  onChange?: (uri: vscode.Uri) => void;

  constructor(
    private readonly real: vscode.DiagnosticCollection,
    private readonly debug: (msg: string) => void = () => undefined,
  ) {
    this.sub = vscode.languages.onDidChangeDiagnostics((e) => {
      for (const uri of e.uris) if (this.full.has(uri.toString())) this.apply(uri);
    });
  }

  get name(): string {
    return this.real.name;
  }

  set(uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[] | undefined): void;
  set(entries: ReadonlyArray<[vscode.Uri, readonly vscode.Diagnostic[] | undefined]>): void;
  set(a: vscode.Uri | ReadonlyArray<[vscode.Uri, readonly vscode.Diagnostic[] | undefined]>, b?: readonly vscode.Diagnostic[]): void {
    if (Array.isArray(a)) {
      for (const [uri, diags] of a) this.set(uri, diags);
      return;
    }
    const uri = a as vscode.Uri;
    if (!b || !b.length) this.full.delete(uri.toString());
    else this.full.set(uri.toString(), { uri, diags: b });
    this.apply(uri);
  }

  /** Shows the file's diagnostics minus those another tool already reports there. */
  private apply(uri: vscode.Uri): void {
    const key = uri.toString();
    const all = this.full.get(key)?.diags ?? [];
    if (!all.length) {
      if (this.signatures.get(key)) {
        this.real.delete(uri);
        this.onChange?.(uri);
      }
      this.signatures.set(key, '');
      return;
    }
    const others = vscode.languages.getDiagnostics(uri).filter((d) => d.source !== OUR_SOURCE);
    const { shown, covered } = partition(all.map(asFinding), others);
    const sig = JSON.stringify(shown.map((f) => [f.rule, f.diag.severity, f.diag.message, f.range]));
    if (this.signatures.get(key) === sig) return;
    this.signatures.set(key, sig);
    this.real.set(
      uri,
      shown.map((f) => f.diag),
    );
    for (const c of covered)
      this.debug(`${uri.path}:${c.finding.range.start.line + 1}: ${c.finding.rule} not shown, ${c.by.source ?? 'another tool'} reports it`);
    this.onChange?.(uri);
  }

  /** Our diagnostics hidden behind `others` (diagnostics of another tool in a code action request). */
  hiddenFor(uri: vscode.Uri, others: readonly vscode.Diagnostic[]): vscode.Diagnostic[] {
    const all = this.full.get(uri.toString())?.diags ?? [];
    if (!all.length) return [];
    const shown = new Set(this.real.get(uri) ?? []);
    const out = new Set<vscode.Diagnostic>();
    for (const o of others) {
      if (o.source === OUR_SOURCE) continue;
      for (const f of findingsFor(o, all.map(asFinding))) if (!shown.has(f.diag)) out.add(f.diag);
    }
    return [...out];
  }

  /** All diagnostics the server sent, shown or hidden. */
  allOf(uri: vscode.Uri): readonly vscode.Diagnostic[] {
    return this.full.get(uri.toString())?.diags ?? [];
  }

  delete(uri: vscode.Uri): void {
    this.full.delete(uri.toString());
    this.apply(uri);
  }

  clear(): void {
    const uris = [...this.full.values()].map((x) => x.uri);
    this.full.clear();
    for (const u of uris) this.apply(u);
    this.real.clear();
    this.signatures.clear();
  }

  forEach(
    callback: (uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[], collection: vscode.DiagnosticCollection) => unknown,
    thisArg?: unknown,
  ): void {
    for (const { uri, diags } of this.full.values()) callback.call(thisArg, uri, diags, this);
  }

  get(uri: vscode.Uri): readonly vscode.Diagnostic[] | undefined {
    return this.full.get(uri.toString())?.diags;
  }

  has(uri: vscode.Uri): boolean {
    return this.full.has(uri.toString());
  }

  *[Symbol.iterator](): IterableIterator<[uri: vscode.Uri, diagnostics: readonly vscode.Diagnostic[]]> {
    for (const { uri, diags } of this.full.values()) yield [uri, diags];
  }

  dispose(): void {
    this.sub.dispose();
    this.full.clear();
    this.real.dispose();
  }
}
