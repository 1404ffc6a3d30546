// Messages by id: a rule reports `{ id, args }` and the text comes from its `meta.messages`
// template in the reader's language (the CLI prints English; the language server renders the
// client's locale). Placeholders are `{name}`; their values are code and are never translated.
import type { Locale } from '../knowledge/model';
import type { RuleMeta } from './model';

/** Headlines longer than this are a rule bug (test/unit/messages.test.ts checks every template). */
export const MAX_MESSAGE = 100;

export interface MessageRef {
  /** The key in the rule's `meta.messages`. */
  id: string;
  args?: Record<string, string | number>;
}

/** The template's placeholders, in order of appearance. */
export function placeholders(template: string): string[] {
  return [...template.matchAll(/\{(\w+)\}/g)].map((m) => m[1]);
}

/** Fills `{name}` placeholders; a missing value is a rule bug and throws (tests catch it). */
export function fill(template: string, args: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (_m, name: string) => {
    const v = args[name];
    if (v === undefined) throw new Error(`message "${template}" needs {${name}}`);
    return v;
  });
}

/** The text of message `id` of `meta` in `locale`. Throws for an unknown id (a rule bug). */
export function renderMessage(meta: RuleMeta, id: string, args: Record<string, string> | undefined, locale: Locale = 'en'): string {
  const m = meta.messages?.[id];
  if (!m) throw new Error(`rule ${meta.id} has no message "${id}"`);
  return fill(locale === 'zh-cn' ? m.zh : m.en, args);
}

/** Longest placeholder value: a headline quotes code, it does not reproduce a long expression. */
export const MAX_ARG = 40;

/** `code` on one line, at most MAX_ARG characters (the middle elided). */
export function clip(code: string): string {
  const one = code.replace(/\s+/g, ' ').trim();
  if (one.length <= MAX_ARG) return one;
  const head = Math.ceil((MAX_ARG - 1) * 0.6);
  return `${one.slice(0, head)}…${one.slice(one.length - (MAX_ARG - 1 - head))}`;
}

/** Placeholder values as strings (numbers are written as they are), clipped to one short line. */
export function argStrings(args: Record<string, string | number> | undefined): Record<string, string> | undefined {
  if (!args) return undefined;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(args)) out[k] = clip(String(v));
  return out;
}

/**
 * `text` in `locale` for a message known by `messageId` (`rule/id`) and `args`; `lookup` finds a
 * rule's meta. Falls back to `text` (the English rendering) for an unknown id.
 */
export function localized(
  messageId: string | undefined,
  args: Record<string, string> | undefined,
  text: string,
  locale: Locale,
  lookup: (rule: string) => RuleMeta | undefined,
): string {
  if (locale === 'en' || !messageId) return text;
  const i = messageId.indexOf('/');
  const meta = i > 0 ? lookup(messageId.slice(0, i)) : undefined;
  if (!meta) return text;
  try {
    return renderMessage(meta, messageId.slice(i + 1), args, locale);
  } catch {
    return text;
  }
}
