// The open documents as the client sent them (full or incremental sync). Each change is turned
// into an offset edit of the text before it, which is what the analysis worker needs to re-parse
// incrementally; the worker gets every change in order.
import { fileURLToPath } from 'node:url';
import { basename, join } from 'node:path';
import { TextDocument } from 'vscode-languageserver-textdocument';
import type { TextDocumentContentChangeEvent } from 'vscode-languageserver';
import { minimalEdit } from './edits';
import type { TextChange } from './parsedDoc';

export interface OpenDoc {
  uri: string;
  /** File-system path the analyzer uses (untitled documents get one in no module). */
  path: string;
  /** A real file: its directory's other files are its package. */
  onDisk: boolean;
  doc: TextDocument;
  /** Changed since opened or last saved. */
  dirty: boolean;
  /** performance.now() when opened (until the first diagnostics are out). */
  openedAt?: number;
}

/** The analyzer's path for a document URI. */
export function pathOfUri(uri: string): { path: string; onDisk: boolean } {
  if (uri.startsWith('file:')) {
    try {
      return { path: fileURLToPath(uri), onDisk: true };
    } catch {
      /* a file URI with a host (UNC) we cannot map: treat as not on disk */
    }
  }
  const name = basename(decodeURIComponent(uri.replace(/^[a-z]+:/i, '').replace(/[?#].*$/, ''))) || 'untitled';
  return { path: join('/__untitled__', name.endsWith('.go') ? name : `${name}.go`), onDisk: false };
}

export class DocumentStore {
  private readonly docs = new Map<string, OpenDoc>();

  get(uri: string): OpenDoc | undefined {
    return this.docs.get(uri);
  }

  all(): IterableIterator<OpenDoc> {
    return this.docs.values();
  }

  get size(): number {
    return this.docs.size;
  }

  open(uri: string, languageId: string, version: number, text: string): OpenDoc {
    const { path, onDisk } = pathOfUri(uri);
    const d: OpenDoc = {
      uri,
      path,
      onDisk,
      doc: TextDocument.create(uri, languageId, version, text),
      dirty: false,
      openedAt: performance.now(),
    };
    this.docs.set(uri, d);
    return d;
  }

  /** Applies the client's changes; returns them as offset edits (each relative to the text after the previous one). */
  change(uri: string, version: number, changes: TextDocumentContentChangeEvent[]): { doc: OpenDoc; edits: TextChange[] } | undefined {
    const d = this.docs.get(uri);
    if (!d) return undefined;
    const edits: TextChange[] = [];
    let doc = d.doc;
    for (const c of changes) {
      if ('range' in c && c.range) {
        const start = doc.offsetAt(c.range.start);
        const end = Math.max(start, doc.offsetAt(c.range.end));
        edits.push({ rangeOffset: start, rangeLength: end - start, text: c.text });
      } else {
        // A full-text change (clients without incremental sync): the part that differs, so the
        // re-parse stays incremental.
        const m = minimalEdit(doc.getText(), c.text);
        if (m) edits.push({ rangeOffset: m.start, rangeLength: m.end - m.start, text: m.newText });
      }
      doc = TextDocument.update(doc, [c], version);
    }
    d.doc = doc;
    d.dirty = true;
    return { doc: d, edits };
  }

  close(uri: string): OpenDoc | undefined {
    const d = this.docs.get(uri);
    this.docs.delete(uri);
    return d;
  }

  /** The open document at `path`, if any. */
  byPath(path: string): OpenDoc | undefined {
    for (const d of this.docs.values()) if (d.onDisk && d.path === path) return d;
    return undefined;
  }
}
