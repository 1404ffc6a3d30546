// Hover text: the pitfall card of the connection-lifecycle API under the cursor, and over a
// finding what its rule means. The editor already shows the finding's message above our hover, so
// the hover adds the explanation, never the message again. `conndoctor.hover`: `off`, `compact`
// (the rule of thumb, what to do and one link: the default) or `full` (the whole card with its code).
import type { Finding } from '../analysis/model';
import { ruleById } from '../analysis/rules/index';
import { CARDS_BY_ID } from '../knowledge/cards';
import type { Locale } from '../knowledge/model';
import { renderCompactMarkdown, renderMarkdown, renderRuleMarkdown } from '../knowledge/render';
import { ruleDocUri } from './diagnostics';
import type { HoverMode } from './settings';

export function renderCard(cardId: string, mode: HoverMode, locale: Locale): string | null {
  const card = CARDS_BY_ID.get(cardId);
  if (!card || mode === 'off') return null;
  return mode === 'full' ? renderMarkdown(card, locale) : renderCompactMarkdown(card, locale);
}

const inside = (f: Finding, p: { line: number; character: number }) => {
  const s = f.range.start;
  const e = f.range.end;
  if (p.line < s.line || p.line > e.line) return false;
  if (p.line === s.line && p.character < s.character) return false;
  if (p.line === e.line && p.character > e.character) return false;
  return true;
};

/** Explanations of the rules whose findings cover the position (each rule once). */
export function ruleHovers(
  findings: readonly Finding[],
  pos: { line: number; character: number },
  mode: HoverMode,
  locale: Locale,
): string[] {
  if (mode === 'off') return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const f of findings) {
    if (!inside(f, pos) || seen.has(f.rule)) continue;
    seen.add(f.rule);
    const meta = ruleById(f.rule)?.meta;
    if (meta) out.push(renderRuleMarkdown(meta, locale, ruleDocUri(meta)));
  }
  return out;
}
