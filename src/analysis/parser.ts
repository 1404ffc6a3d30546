// One tree-sitter runtime and Go grammar per process, loaded lazily from WASM files that ship with
// the package (dist/ when bundled, node_modules/ when running from source).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { Parser, Language, type Edit } from 'web-tree-sitter';
import { GoNode, GoTree } from './tree';
import { parseBudgetFor, ParseTimeout, Stopwatch } from './limits';

/** Rules work on the JavaScript mirror of the tree (see tree.ts for why). */
export type SyntaxNode = GoNode;
export type SyntaxTree = GoTree;
export type { Edit };

let ready: Promise<Language> | undefined;
let language: Language | undefined;

function locate(file: string): string {
  const candidates = [join(__dirname, file), join(__dirname, '..', file), join(__dirname, '..', '..', 'dist', file)];
  for (const c of candidates) if (existsSync(c)) return c;
  // Running from source (tests, bench via tsx): resolve from node_modules.
  if (file === 'tree-sitter.wasm') return require.resolve('web-tree-sitter/tree-sitter.wasm');
  return require.resolve('tree-sitter-go/tree-sitter-go.wasm');
}

/** Loads the runtime and grammar once; every later call returns the same promise. */
export function initParser(): Promise<Language> {
  if (!ready) {
    ready = (async () => {
      const runtime = locate('tree-sitter.wasm');
      await Parser.init({ locateFile: () => runtime });
      language = await Language.load(locate('tree-sitter-go.wasm'));
      return language;
    })();
    ready.catch(() => {
      ready = undefined;
    });
  }
  return ready;
}

/** A parser bound to the Go grammar. Requires `await initParser()` first. */
export function createParser(): Parser {
  if (!language) throw new Error('Go grammar not loaded: call initParser() first');
  const p = new Parser();
  p.setLanguage(language);
  return p;
}

let shared: Parser | undefined;

export interface ParseOptions {
  /**
   * Keep the WASM tree for a later incremental re-parse (the editor). Batch users (CLI, workers)
   * pass false so WASM memory is freed as soon as the mirror is built.
   */
  keepWasm?: boolean;
  /** Cancel the parse after this many ms (default: `parseBudgetFor` the text's size). */
  budgetMs?: number;
  /** Names the file in the message when the parse is cancelled. */
  path?: string;
}

/**
 * Parses Go source. Pass the previous tree, after `oldTree.edit(makeEdit(...))` for each change,
 * to re-parse incrementally. Throws ParseTimeout (an InputError) when the parse outlives its budget.
 */
export function parseGo(source: string, oldTree?: GoTree | null, opts: ParseOptions = {}): GoTree {
  shared ??= createParser();
  const budget = opts.budgetMs ?? parseBudgetFor(source.length);
  const watch = new Stopwatch();
  // tree-sitter calls this every few hundred parse operations (well under a millisecond apart,
  // measured even inside the quadratic runs), so cancellation is prompt.
  const progressCallback = () => watch.over(budget);
  const wasm = shared.parse(source, oldTree?.wasm ?? null, { progressCallback });
  if (!wasm) {
    // A cancelled parse would otherwise resume on the next call, with the next file's text.
    shared.reset();
    throw new ParseTimeout(
      `${opts.path ?? 'file'}: skipped, too complex to parse within ${Math.round(budget)} ms (long runs of quotes or backquotes do this)`,
    );
  }
  // The previous mirror lends its unchanged top-level declarations (see tree.ts).
  const tree = new GoTree(source, wasm, language!, oldTree);
  if (opts.keepWasm === false) tree.delete();
  return tree;
}

/** Computes the tree-sitter edit for replacing [start,end) of `oldText` with `newText`. */
export function makeEdit(oldText: string, start: number, end: number, newText: string): Edit {
  const pointAt = (text: string, offset: number) => {
    let row = 0;
    let last = -1;
    for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
      row++;
      last = i;
    }
    return { row, column: offset - last - 1 };
  };
  const after = oldText.slice(0, start) + newText;
  return {
    startIndex: start,
    oldEndIndex: end,
    newEndIndex: start + newText.length,
    startPosition: pointAt(oldText, start),
    oldEndPosition: pointAt(oldText, end),
    newEndPosition: pointAt(after, after.length),
  } as Edit;
}

/**
 * The first syntax error of a tree, in document order: syntax error near `a := [1,2` for text the
 * parser had to skip (tree-sitter does not know which token was the culprit, so it shows what it
 * skipped) or `syntax error: missing }`. Tree-sitter recovers, so the rest is still analyzed.
 */
export function firstSyntaxError(tree: SyntaxTree): { offset: number; message: string } | null {
  if (!tree.rootNode.hasError) return null;
  const stack: SyntaxNode[] = [tree.rootNode];
  while (stack.length) {
    const n = stack.pop()!;
    if (n.isError) return { offset: n.startIndex, message: `syntax error near ${describeToken(n.text)}` };
    if (n.isMissing) return { offset: n.startIndex, message: `syntax error: missing ${n.type}` };
    // The mirror marks only ERROR ancestors; a missing token can be anywhere, so walk everything.
    for (let i = n.children.length - 1; i >= 0; i--) stack.push(n.children[i]);
  }
  return null;
}

function describeToken(text: string): string {
  const first = text.split('\n')[0].trim();
  if (!first) return text.includes('\n') ? 'newline' : 'end of file';
  const shown = first.length > 32 ? `${first.slice(0, 32)}…` : first;
  return shown.includes('`') ? JSON.stringify(shown) : `\`${shown}\``;
}
