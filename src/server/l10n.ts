// The server's own strings (code action titles, messages) in the client's language. The
// translations are the extension's runtime bundle (l10n/bundle.l10n.zh-cn.json), bundled into the
// server, so one file holds every zh-cn string of the editor surface.
import zhCn from '../../l10n/bundle.l10n.zh-cn.json';
import type { Locale } from '../knowledge/model';
import { localeOf } from '../knowledge/render';

let locale: Locale = 'en';

/** The client's display language (`initialize` params `locale`, e.g. `zh-cn`, `en-us`). */
export function setLocale(language: string | undefined): void {
  locale = localeOf(language);
}

export function currentLocale(): Locale {
  return locale;
}

const BUNDLES: Record<Locale, Record<string, string>> = { en: {}, 'zh-cn': zhCn as Record<string, string> };

/** `key` translated, `{0}`, `{1}`… replaced by `args` (the same contract as `vscode.l10n.t`). */
export function t(key: string, ...args: (string | number)[]): string {
  const s = BUNDLES[locale][key] ?? key;
  return s.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m));
}

export const l10n = { t };
