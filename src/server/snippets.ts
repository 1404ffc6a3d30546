// Our Go snippets (snippets/go.json) as completion items of the language server. A VS Code snippet
// contribution cannot add imports; the server can: each item carries, as additionalTextEdits, the
// import edit of the one import adder fixes use (gofmt's grouping and order, existing blocks kept).
// Serving them from the server also gives them to every LSP editor, not only VS Code.
import { CompletionItemKind, InsertTextFormat, MarkupKind, type CompletionItem, type TextEdit as LspTextEdit } from 'vscode-languageserver';
import type { TextEdit } from '../analysis/model';
import definitions from '../../snippets/go.json';

export interface GoSnippet {
  name: string;
  prefixes: string[];
  description: string;
  body: string;
  imports: string[];
}

interface Definition {
  prefix: string | string[];
  description?: string;
  body: string | string[];
  imports?: string[];
}

export const SNIPPETS: readonly GoSnippet[] = Object.entries(definitions as Record<string, Definition>).map(([name, d]) => ({
  name,
  prefixes: Array.isArray(d.prefix) ? d.prefix : [d.prefix],
  description: d.description ?? name,
  body: Array.isArray(d.body) ? d.body.join('\n') : d.body,
  imports: d.imports ?? [],
}));

/** The import sets of SNIPPETS, in order (what the analysis host is asked to add). */
export const snippetImportSets = (): string[][] => SNIPPETS.map((s) => s.imports);

/**
 * One item per prefix (as VS Code lists a snippet under each of its prefixes), labelled by the
 * prefix so plain words find it ("httpclient"); `importEdits[i]` adds SNIPPETS[i]'s imports.
 */
export function snippetItems(importEdits: readonly (TextEdit | null)[], toLsp: (e: TextEdit) => LspTextEdit): CompletionItem[] {
  return SNIPPETS.flatMap((s, i) => {
    const edit = importEdits[i];
    return s.prefixes.map((prefix): CompletionItem => ({
      label: prefix,
      // Shown (and read by screen readers) beside the prefix, as VS Code shows a snippet's name.
      labelDetails: { description: s.name },
      kind: CompletionItemKind.Snippet,
      detail: s.name,
      documentation: {
        kind: MarkupKind.Markdown,
        value: `${s.description}${s.imports.length ? `\n\nImports: ${s.imports.map((p) => `\`${p}\``).join(', ')}` : ''}\n\n\`\`\`go\n${s.body}\n\`\`\``,
      },
      insertText: s.body,
      insertTextFormat: InsertTextFormat.Snippet,
      filterText: prefix,
      sortText: `~${prefix}`, // after the language's own completions (gopls) for the same word
      ...(edit ? { additionalTextEdits: [toLsp(edit)] } : {}),
    }));
  });
}
