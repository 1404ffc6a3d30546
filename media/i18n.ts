// The view's strings: the table the host sent in `hello` (translated through l10n/), English until then.
import type { Locale, Text } from '../src/sockets/viewProtocol';
import { VIEW_STRINGS, type ViewStringId } from '../src/sockets/viewStrings';

let table: Record<string, string> = { ...VIEW_STRINGS };
let locale: Locale = 'en';
let numberFmt = new Intl.NumberFormat('en');

export function setStrings(l: Locale, strings: Record<string, string>): void {
  locale = l;
  // an id the host does not know (older host) keeps its English text
  table = { ...VIEW_STRINGS, ...strings };
  numberFmt = new Intl.NumberFormat(l === 'zh-cn' ? 'zh-CN' : 'en');
  document.documentElement.lang = l;
}

export function getLocale(): Locale {
  return locale;
}

export function t(id: ViewStringId, ...args: (string | number)[]): string {
  const s = table[id] ?? VIEW_STRINGS[id];
  return args.length ? s.replace(/\{(\d+)\}/g, (m, i: string) => (args[Number(i)] !== undefined ? String(args[Number(i)]) : m)) : s;
}

/** Engine text (guidance, candidate reasons) in the view's language. */
export function tx(x: Text): string {
  return x[locale] || x.en;
}

export function num(n: number): string {
  return numberFmt.format(n);
}

/** Short duration: 850 ms, 12 s, 3 min, 2 h. */
export function dur(ms: number): string {
  if (ms < 1000) return t('dur.ms', Math.max(0, Math.round(ms)));
  const s = ms / 1000;
  if (s < 90) return t('dur.s', s < 10 ? Math.round(s * 10) / 10 : Math.round(s));
  if (s < 5400) return t('dur.min', Math.round(s / 60));
  return t('dur.h', Math.round(s / 360) / 10);
}

/** Bytes for the queue columns: 0, 512, 64 K, 1.2 M. */
export function bytes(n: number): string {
  if (n < 1024) return String(n);
  if (n < 1 << 20) return `${Math.round(n / 1024)} K`;
  return `${(n / (1 << 20)).toFixed(1)} M`;
}
