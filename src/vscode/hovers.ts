// Hovers: a pitfall card for the connection-lifecycle API under the cursor (src/knowledge), and,
// over a finding, what the rule means (title + description, Simplified Chinese when VS Code's
// display language is Chinese) with a link to its documentation.
import * as vscode from 'vscode';
import type { Finding } from '../analysis/model';
import { ruleById } from '../analysis/rules/index';
import { lookupAt, renderMarkdown, renderRuleMarkdown } from '../knowledge/lookup';
import type { Locale } from '../knowledge/model';
import type { DiagnosticsManager } from './diagnostics';
import { reportError } from './log';

/** Simplified Chinese for any Chinese display language (the cards have en and zh-cn only). */
export function locale(): Locale {
  return vscode.env.language.toLowerCase().startsWith('zh') ? 'zh-cn' : 'en';
}

function contains(f: Finding, p: vscode.Position): boolean {
  const s = f.range.start;
  const e = f.range.end;
  if (p.line < s.line || p.line > e.line) return false;
  if (p.line === s.line && p.character < s.character) return false;
  if (p.line === e.line && p.character > e.character) return false;
  return true;
}

export class HoverProvider implements vscode.HoverProvider {
  constructor(private readonly mgr: DiagnosticsManager) {}

  async provideHover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    try {
      if (!this.mgr.wanted(doc)) return undefined;
      if (!(await this.mgr.ready()) || doc.isClosed) return undefined;
      const loc = locale();
      const parts: vscode.MarkdownString[] = [];
      let range: vscode.Range | undefined;

      const facts = this.mgr.factsFor(doc);
      if (facts) {
        const hit = lookupAt(facts, doc.offsetAt(pos));
        if (hit) {
          parts.push(new vscode.MarkdownString(renderMarkdown(hit.card, loc)));
          range = new vscode.Range(doc.positionAt(hit.start), doc.positionAt(hit.end));
        }
      }

      const seen = new Set<string>();
      for (const f of this.mgr.currentFindings(doc)) {
        if (!contains(f, pos) || seen.has(f.rule)) continue;
        seen.add(f.rule);
        const meta = ruleById(f.rule)?.meta;
        if (meta) parts.push(new vscode.MarkdownString(renderRuleMarkdown(meta, loc)));
      }
      return parts.length ? new vscode.Hover(parts, range) : undefined;
    } catch (e) {
      reportError('showing a hover', e);
      return undefined;
    }
  }
}
