// The analysis side of the language server, run in a worker thread (see worker.ts) so the server's
// message loop never waits for a parse or a rule. It keeps a copy of every open Go document with
// its syntax tree (re-parsed incrementally on each edit), reads sibling files from disk through a
// bounded cache, and answers jobs: analyze a document, the card under a position, fix-all.
// Open documents win over disk as siblings, so facts follow unsaved edits of other files.
import { readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  analyze as analyzeSources,
  checkSource,
  InputError,
  isSiblingFile,
  ParseTimeout,
  type AnalyzeOptions,
  type SourceFile,
  type StopCheck,
} from '../analysis/engine';
import { clearGoModCache } from '../analysis/facts/gomod';
import { addImportsEdit } from '../analysis/fixes/imports';
import { isGenerated } from '../analysis/files';
import { FileFacts, PackageFacts } from '../analysis/facts/package';
import type { AnalysisError, Finding, TextEdit } from '../analysis/model';
import { parseGo, type SyntaxNode } from '../analysis/parser';
import { pickFiles } from '../analysis/project';
import { lookupAt } from '../knowledge/lookup';
import { DiskCache } from './diskCache';
import { fixAllText, minimalEdit } from './edits';
import { ParsedDoc, type TextChange } from './parsedDoc';

/** Package facts come from at most this many other files of a directory. */
export const MAX_SIBLINGS = 200;

/**
 * Open documents keep their syntax tree (for incremental re-parsing, and as siblings) up to this
 * much source; beyond it, the trees of the least recently used ones are dropped and parsed again
 * when needed. Trees are big (the JS mirror alone is ~70 bytes per byte of source: all of
 * net/http's 71 files open kept ~180 MB of trees).
 */
export const MAX_OPEN_TREE_CHARS = 3_000_000;

interface Doc {
  uri: string;
  /** File-system path; documents that are not files get one in no directory of the user's. */
  path: string;
  /** Whether `path` is a real file (its directory's other files are siblings). */
  onDisk: boolean;
  text: string;
  version: number;
  parsed: ParsedDoc;
  /** When an analysis last used its tree (as target or sibling). */
  used: number;
}

export interface AnalyzeResult {
  version: number;
  findings: Finding[];
  /** Rules that threw on this document (their findings are missing): the server logs them. */
  errors: AnalysisError[];
  /** Why nothing was analyzed (binary, huge, too complex to parse), for the log. */
  skipped?: string;
  /** Why some rules did not run (`…: not fully analyzed: too complex, …`): their findings may be missing. */
  incomplete?: string;
  ms: { parse: number; siblings: number; siblingFiles: number; rules: number; total: number };
  incremental: boolean;
}

/** Where a snippet may go at an offset, and the import edit each set of imports needs there. */
export interface SnippetSite {
  /** In code (not in a comment or a string literal), where a snippet makes sense. */
  inCode: boolean;
  /** Per import set asked for: the edit adding what is missing (null: nothing missing). */
  imports: (TextEdit | null)[];
}

export interface CardResult {
  card: string;
  start: number;
  end: number;
}

export interface HostStats {
  heapUsedMb: number;
  openDocuments: number;
  /** Open documents keeping a tree, and their source size. */
  trees: number;
  treeChars: number;
  /** Sibling files parsed in the disk cache, and their source size. */
  diskTrees: number;
  diskChars: number;
}

export interface FixAllResult {
  edit: { start: number; end: number; newText: string } | null;
  applied: number;
  remaining: number;
}

const r1 = (x: number) => Math.round(x * 10) / 10;

export class AnalysisHost {
  private readonly docs = new Map<string, Doc>();
  /** Open documents that are files, by path. */
  private readonly docByPath = new Map<string, Doc>();
  readonly disk = new DiskCache();

  open(uri: string, path: string, onDisk: boolean, text: string, version: number): void {
    this.close(uri);
    const d: Doc = { uri, path, onDisk, text, version, parsed: new ParsedDoc(), used: 0 };
    this.docs.set(uri, d);
    if (onDisk) {
      this.docByPath.set(path, d);
      // Its copy from disk (read as a sibling before it was opened) is not needed any more.
      this.disk.invalidate(path);
    }
  }

  /** Applies content changes (offsets into the text after the previous change, as LSP sends them). */
  change(uri: string, version: number, changes: TextChange[]): void {
    const d = this.docs.get(uri);
    if (!d) return;
    d.parsed.applyChanges(changes);
    let text = d.text;
    for (const c of changes) text = text.slice(0, c.rangeOffset) + c.text + text.slice(c.rangeOffset + c.rangeLength);
    d.text = text;
    d.version = version;
  }

  close(uri: string): void {
    const d = this.docs.get(uri);
    if (!d) return;
    d.parsed.dispose();
    this.docs.delete(uri);
    if (this.docByPath.get(d.path) === d) this.docByPath.delete(d.path);
  }

  /** Files changed on disk (a save, git checkout, a generator): forget their parsed copies. */
  diskChanged(paths: string[] | 'all'): void {
    if (paths === 'all') {
      this.disk.clear();
      clearGoModCache();
    } else for (const p of paths) this.disk.invalidate(p);
  }

  text(uri: string): string | undefined {
    return this.docs.get(uri)?.text;
  }

  private doc(uri: string, version: number): Doc {
    const d = this.docs.get(uri);
    if (!d) throw new Error(`${uri} is not open`);
    if (d.version !== version) throw new Error(`${uri}: have version ${d.version}, asked for ${version}`);
    return d;
  }

  analyze(uri: string, version: number, opts: AnalyzeOptions, stop?: StopCheck): AnalyzeResult {
    const t0 = performance.now();
    const d = this.doc(uri, version);
    const none = (skipped?: string): AnalyzeResult => ({
      version,
      findings: [],
      errors: [],
      skipped,
      ms: { parse: 0, siblings: 0, siblingFiles: 0, rules: 0, total: r1(performance.now() - t0) },
      incremental: false,
    });
    try {
      checkSource(d.path, d.text);
    } catch (e) {
      if (e instanceof InputError) return none(e.message);
      throw e;
    }
    // As the CLI and Scan Workspace: generated code is not the user's to fix.
    if (!opts.includeGenerated && isGenerated(d.text)) return none(`${d.path}: skipped, generated (Code generated … DO NOT EDIT.)`);
    const before = d.parsed.stats.incremental;
    d.used = ++this.clock;
    let tree;
    try {
      tree = d.parsed.treeFor(d.text);
    } catch (e) {
      // Parsing is bounded too: tree-sitter gave up on this text (see parseGo).
      if (e instanceof ParseTimeout) return none(e.message);
      throw e;
    }
    const t1 = performance.now();
    const target: SourceFile = { path: d.path, text: d.text, tree };
    const siblings = this.siblingsOf(d);
    const picked = this.pick(target, siblings);
    const t2 = performance.now();
    try {
      const r = picked.has(target)
        ? analyzeSources(
            [target],
            siblings.filter((s) => picked.has(s)),
            opts,
            stop,
          )
        : { findings: [], incomplete: [], errors: [] };
      const t3 = performance.now();
      return {
        version,
        findings: r.findings,
        errors: r.errors,
        incomplete: r.incomplete[0]?.message,
        ms: { parse: r1(t1 - t0), siblings: r1(t2 - t1), siblingFiles: picked.size - 1, rules: r1(t3 - t2), total: r1(t3 - t0) },
        incremental: d.parsed.stats.incremental > before,
      };
    } finally {
      this.disk.trim(new Set(siblings.map((s) => s.path)));
      this.trimTrees(d);
    }
  }

  private clock = 0;

  stats(): HostStats {
    let trees = 0;
    let treeChars = 0;
    for (const d of this.docs.values())
      if (d.parsed.hasTree) {
        trees++;
        treeChars += d.text.length;
      }
    return {
      heapUsedMb: Math.round(process.memoryUsage().heapUsed / 1048576),
      openDocuments: this.docs.size,
      trees,
      treeChars,
      diskTrees: this.disk.size,
      diskChars: this.disk.chars,
    };
  }

  /** Drops the trees of the least recently used open documents beyond MAX_OPEN_TREE_CHARS (never `keep`'s). */
  private trimTrees(keep: Doc): void {
    let chars = 0;
    for (const o of this.docs.values()) if (o.parsed.hasTree) chars += o.text.length;
    if (chars <= MAX_OPEN_TREE_CHARS) return;
    for (const o of [...this.docs.values()].sort((a, b) => a.used - b.used)) {
      if (chars <= MAX_OPEN_TREE_CHARS) break;
      if (o === keep || !o.parsed.hasTree) continue;
      o.parsed.dispose();
      chars -= o.text.length;
    }
  }

  /** The pitfall card for the API at `offset`, if any. */
  /** Snippet completion: is `offset` in code, and the edits that add each import set (fixes/imports). */
  snippetSite(uri: string, version: number, offset: number, sets: string[][]): SnippetSite {
    const d = this.doc(uri, version);
    try {
      checkSource(d.path, d.text);
    } catch (e) {
      if (e instanceof InputError) return { inCode: false, imports: [] };
      throw e;
    }
    const file = new FileFacts(d.path, d.text, d.parsed.treeFor(d.text));
    let inCode = true;
    for (let n: SyntaxNode | null = file.tree.rootNode.descendantForIndex(Math.max(0, offset - 1), offset); n; n = n.parent) {
      // In a comment (a line comment runs to the end of its line), or inside a literal's quotes.
      if (n.type === 'comment' && (offset < n.endIndex || n.text.startsWith('//'))) inCode = false;
      if (/^(raw_string|interpreted_string|rune)_literal$/.test(n.type) && n.startIndex < offset && offset < n.endIndex) inCode = false;
    }
    return { inCode, imports: sets.map((s) => addImportsEdit(d.text, file.tree, file.imports, s)) };
  }

  card(uri: string, version: number, offset: number): CardResult | null {
    const d = this.doc(uri, version);
    let file: FileFacts;
    try {
      checkSource(d.path, d.text);
      file = new FileFacts(d.path, d.text, d.parsed.treeFor(d.text));
    } catch (e) {
      // Binary, huge, or too complex to parse: no card.
      if (e instanceof InputError) return null;
      throw e;
    }
    const siblings = this.siblingsOf(d);
    try {
      const picked = this.pick({ path: d.path, text: d.text, tree: file.tree }, siblings);
      const sibs = siblings
        .filter((s) => picked.has(s))
        .map((s) => new FileFacts(s.path, s.text, s.tree!))
        .filter((f) => f.packageName === file.packageName);
      new PackageFacts([file, ...sibs]);
      const hit = lookupAt(file, offset);
      return hit ? { card: hit.card.id, start: hit.start, end: hit.end } : null;
    } finally {
      this.disk.trim(new Set(siblings.map((s) => s.path)));
    }
  }

  /**
   * Every preferred fix of the document, applied in rounds with re-analysis between them (as
   * `conndoctor --fix` does), as one minimal edit of the current text.
   */
  fixAll(uri: string, version: number, opts: AnalyzeOptions, stop?: StopCheck): FixAllResult {
    const d = this.doc(uri, version);
    const siblings = this.siblingsOf(d);
    try {
      const analyze = (text: string): Finding[] => {
        if (text === d.text) return this.analyze(uri, version, opts, stop).findings;
        checkSource(d.path, text);
        let tree;
        try {
          tree = parseGo(text, null, { keepWasm: false, path: d.path });
        } catch (e) {
          if (e instanceof ParseTimeout) return [];
          throw e;
        }
        const target: SourceFile = { path: d.path, text, tree };
        const picked = this.pick(target, siblings);
        // A rule that throws was logged with the document's own analysis: fix rounds use what is left.
        return analyzeSources(
          [target],
          siblings.filter((s) => picked.has(s)),
          opts,
          stop,
        ).findings;
      };
      const r = fixAllText(d.text, analyze, 5);
      return { edit: minimalEdit(d.text, r.text), applied: r.applied, remaining: r.remaining };
    } finally {
      this.disk.trim(new Set(siblings.map((s) => s.path)));
    }
  }

  /**
   * The files of the package the rules need (the CLI's choice, project.ts `pickFiles`), each with
   * its tree: an open document's own, else the disk cache's.
   */
  private pick(target: SourceFile, siblings: SourceFile[]): Set<SourceFile> {
    const treeOf = (s: SourceFile) => {
      const open = this.docByPath.get(s.path);
      if (open && open.text === s.text) {
        open.used = ++this.clock;
        return open.parsed.treeFor(s.text);
      }
      const cached = this.disk.get(s.path);
      return cached && cached.text === s.text ? cached.tree : parseGo(s.text, null, { keepWasm: false });
    };
    const picked = new Set(pickFiles([target, ...siblings], treeOf));
    for (const s of picked) {
      try {
        s.tree ??= treeOf(s);
      } catch (e) {
        // Too complex to parse in time: its facts are missing (the target was parsed already).
        if (!(e instanceof ParseTimeout)) throw e;
        picked.delete(s);
      }
    }
    return picked;
  }

  /**
   * The other Go files of the document's directory: open documents first (their current text and
   * tree), then the disk. Unreadable, binary and huge files are left out.
   */
  private siblingsOf(d: Doc): SourceFile[] {
    if (!d.onDisk) return [];
    const dir = dirname(d.path);
    const out: SourceFile[] = [];
    const seen = new Set<string>([d.path]);
    for (const o of this.docs.values()) {
      if (!o.onDisk || seen.has(o.path) || dirname(o.path) !== dir || !isSiblingFile(o.path, d.path)) continue;
      seen.add(o.path);
      try {
        checkSource(o.path, o.text);
      } catch {
        continue;
      }
      out.push({ path: o.path, text: o.text });
    }
    let names: string[] = [];
    try {
      names = readdirSync(dir);
    } catch {
      /* directory gone: facts from open documents only */
    }
    for (const n of names.sort()) {
      if (out.length >= MAX_SIBLINGS) break;
      if (!isSiblingFile(n, d.path)) continue;
      const p = join(dir, n);
      if (seen.has(p)) continue;
      seen.add(p);
      const f = this.disk.text(p);
      if (f !== null) out.push({ path: p, text: f });
    }
    return out;
  }

  dispose(): void {
    for (const d of this.docs.values()) d.parsed.dispose();
    this.docs.clear();
    this.docByPath.clear();
    this.disk.clear();
  }
}
