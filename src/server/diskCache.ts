// Copies of Go files on disk that are not open in an editor: the siblings whose package facts an
// open file needs. Checked against the file's mtime and size on every use (so a change the file
// watcher missed is still seen). Text is kept for every sibling (the import pre-check reads it);
// trees only for the files the rules need. web-tree-sitter trees are not garbage-collected (they
// must be deleted) and they are big: parsing net/http's 71 files (1.9 MB of source) grew the
// process by ~200 MB (JS heap + WASM memory), so parsed entries are bounded by source size and
// every evicted tree is deleted. Eviction happens only in trim(), called after an analysis, so a
// tree is never deleted while the analysis uses it.
import { readFileSync, statSync } from 'node:fs';
import { checkSource, ParseTimeout } from '../analysis/engine';
import { parseGo, type SyntaxTree } from '../analysis/parser';

interface Entry {
  mtimeMs: number;
  size: number;
  text: string;
  tree?: SyntaxTree;
}

export class DiskCache {
  private readonly entries = new Map<string, Entry>();
  /** Files that failed (binary, huge, unreadable), with the stat they failed at. */
  private readonly bad = new Map<string, { mtimeMs: number; size: number; reason: string }>();
  parses = 0;

  /** Source characters of the parsed entries, and of all entries. */
  private treeChars = 0;
  private allChars = 0;

  /**
   * Keeps at most `maxChars` of source parsed and `maxTextChars` read (besides what the last
   * analysis used).
   */
  constructor(
    private readonly maxChars = 1_500_000,
    private readonly maxTextChars = 20_000_000,
  ) {}

  /** The file's text, or null when it is missing, unreadable, binary or too big. Does not parse. */
  text(path: string): string | null {
    return this.entry(path)?.text ?? null;
  }

  /** The file's text and tree, or null when it is missing, unreadable, binary, too big or too complex to parse. */
  get(path: string): { text: string; tree: SyntaxTree } | null {
    const e = this.entry(path);
    if (!e) return null;
    if (!e.tree) {
      try {
        e.tree = parseGo(e.text, null, { keepWasm: false, path });
      } catch (err) {
        if (!(err instanceof ParseTimeout)) throw err;
        // Remembered until the file changes: a pathological sibling costs one parse budget, once.
        this.invalidate(path);
        this.bad.set(path, { mtimeMs: e.mtimeMs, size: e.size, reason: err.message });
        return null;
      }
      this.parses++;
      this.treeChars += e.text.length;
    }
    return e as { text: string; tree: SyntaxTree };
  }

  private entry(path: string): Entry | null {
    let st;
    try {
      st = statSync(path);
    } catch {
      this.invalidate(path);
      return null;
    }
    if (!st.isFile()) return null;
    const hit = this.entries.get(path);
    if (hit && hit.mtimeMs === st.mtimeMs && hit.size === st.size) {
      // LRU: move to the end.
      this.entries.delete(path);
      this.entries.set(path, hit);
      return hit;
    }
    const b = this.bad.get(path);
    if (b && b.mtimeMs === st.mtimeMs && b.size === st.size) return null;
    this.invalidate(path);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
      checkSource(path, text);
    } catch (e) {
      this.bad.set(path, { mtimeMs: st.mtimeMs, size: st.size, reason: (e as Error).message });
      return null;
    }
    const e: Entry = { mtimeMs: st.mtimeMs, size: st.size, text };
    this.entries.set(path, e);
    this.allChars += text.length;
    return e;
  }

  /**
   * Deletes the least recently used trees until the cache is within its budget, sparing `keep`
   * (the files the current package needs: they would be parsed again on the next keystroke).
   */
  trim(keep: ReadonlySet<string> = new Set()): void {
    if (this.treeChars <= this.maxChars && this.allChars <= this.maxTextChars) return;
    for (const [path, e] of [...this.entries]) {
      if (this.treeChars <= this.maxChars && this.allChars <= this.maxTextChars) break;
      if (keep.has(path)) continue;
      if (this.treeChars > this.maxChars && !e.tree && this.allChars <= this.maxTextChars) continue;
      this.invalidate(path);
    }
  }

  invalidate(path: string): void {
    const e = this.entries.get(path);
    if (e) {
      if (e.tree) {
        e.tree.delete();
        this.treeChars -= e.text.length;
      }
      this.entries.delete(path);
      this.allChars -= e.text.length;
    }
    this.bad.delete(path);
  }

  clear(): void {
    for (const e of this.entries.values()) e.tree?.delete();
    this.entries.clear();
    this.bad.clear();
    this.treeChars = 0;
    this.allChars = 0;
  }

  /** Parsed entries. */
  get size(): number {
    let n = 0;
    for (const e of this.entries.values()) if (e.tree) n++;
    return n;
  }

  /** Source characters of the parsed entries. */
  get chars(): number {
    return this.treeChars;
  }
}
