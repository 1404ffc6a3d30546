// One open document's syntax tree, kept up to date incrementally: each content change is applied to
// the previous tree with `tree.edit(makeEdit(...))`, and the next parse passes that tree to
// tree-sitter, which then re-parses only what changed. Pure: no 'vscode' import (unit-tested).
//
// The WASM tree (kept for the next incremental parse) is not garbage-collected: every tree this
// class replaces is deleted, and `dispose()` deletes the last one. (The analyzer's JavaScript
// mirror of the tree is rebuilt on every parse; only tree-sitter's own work is incremental.)
import { makeEdit, parseGo, type SyntaxTree } from '../analysis/parser';

/** A change as VS Code reports it (TextDocumentContentChangeEvent), offsets in UTF-16 code units. */
export interface TextChange {
  rangeOffset: number;
  rangeLength: number;
  text: string;
}

export interface ParseStats {
  full: number;
  incremental: number;
}

export class ParsedDoc {
  /** The text that `tree` (with the edits applied so far) describes; undefined = unknown. */
  private text: string | undefined;
  private tree: SyntaxTree | undefined;
  /** Edits were applied to `tree` since it was parsed. */
  private stale = false;
  readonly stats: ParseStats = { full: 0, incremental: 0 };

  /**
   * Records content changes (in the order VS Code lists them: each one's offsets refer to the
   * text after the previous ones). Cheap: no parsing here, only `tree.edit`.
   */
  applyChanges(changes: readonly TextChange[]): void {
    if (!this.tree || this.text === undefined) {
      this.text = undefined;
      return;
    }
    let text = this.text;
    for (const c of changes) {
      const start = c.rangeOffset;
      const end = c.rangeOffset + c.rangeLength;
      if (start < 0 || end > text.length) {
        // Out of sync (should not happen): forget the tree, the next parse is a full one.
        this.drop();
        return;
      }
      this.tree.edit(makeEdit(text, start, end, c.text));
      text = text.slice(0, start) + c.text + text.slice(end);
    }
    this.text = text;
    this.stale = true;
  }

  /**
   * The tree for exactly `text`: the current one when nothing changed, an incremental re-parse
   * when edits were recorded and our copy of the text matches, otherwise a full parse.
   */
  treeFor(text: string): SyntaxTree {
    if (this.tree && this.text === text) {
      if (!this.stale) return this.tree;
      const old = this.tree;
      this.tree = parseGo(text, old);
      old.delete();
      this.stale = false;
      this.stats.incremental++;
      return this.tree;
    }
    const t = parseGo(text);
    this.drop();
    this.tree = t;
    this.text = text;
    this.stale = false;
    this.stats.full++;
    return t;
  }

  /** True when `treeFor(text)` would return the current tree without parsing. */
  isCurrent(text: string): boolean {
    return !!this.tree && !this.stale && this.text === text;
  }

  /** Whether a tree is kept (it costs memory: ~70 bytes of JS heap per byte of source). */
  get hasTree(): boolean {
    return !!this.tree;
  }

  private drop(): void {
    this.tree?.delete();
    this.tree = undefined;
    this.text = undefined;
    this.stale = false;
  }

  dispose(): void {
    this.drop();
  }
}
