// Parsed copies of Go files on disk that are not open in an editor: the siblings whose package
// facts an open file needs. Checked against the file's mtime and size on every use (so a change
// the file watcher missed is still seen), bounded in size, and every evicted tree is deleted
// (web-tree-sitter trees are WASM memory, never garbage-collected). Pure: no 'vscode' import.
import { readFileSync, statSync } from 'node:fs';
import { checkSource } from '../analysis/engine';
import { parseGo, type SyntaxTree } from '../analysis/parser';

interface Entry {
  mtimeMs: number;
  size: number;
  text: string;
  tree: SyntaxTree;
}

export class DiskCache {
  private readonly entries = new Map<string, Entry>();
  /** Files that failed (binary, huge, unreadable), with the stat they failed at. */
  private readonly bad = new Map<string, { mtimeMs: number; size: number; reason: string }>();
  parses = 0;

  constructor(private readonly maxEntries = 400) {}

  /** The file's text and tree, or null when it is missing, unreadable, binary or too big. */
  get(path: string): { text: string; tree: SyntaxTree } | null {
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
    const tree = parseGo(text);
    this.parses++;
    const e: Entry = { mtimeMs: st.mtimeMs, size: st.size, text, tree };
    this.entries.set(path, e);
    while (this.entries.size > this.maxEntries) {
      const [oldest, old] = this.entries.entries().next().value as [string, Entry];
      old.tree.delete();
      this.entries.delete(oldest);
    }
    return e;
  }

  invalidate(path: string): void {
    const e = this.entries.get(path);
    if (e) {
      e.tree.delete();
      this.entries.delete(path);
    }
    this.bad.delete(path);
  }

  clear(): void {
    for (const e of this.entries.values()) e.tree.delete();
    this.entries.clear();
    this.bad.clear();
  }

  get size(): number {
    return this.entries.size;
  }
}
