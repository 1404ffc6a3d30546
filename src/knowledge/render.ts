// Hover markdown for a card (and for a rule, when a finding covers the position).
import { docsUrl, type RuleMeta } from '../analysis/model';
import { textFor, type Card, type Locale } from './model';

const LABELS = {
  en: { pattern: 'Do this:', version: 'Go version:', docs: 'Docs:', rule: 'Rule', learn: 'Learn more' },
  'zh-cn': { pattern: '正确做法：', version: 'Go 版本：', docs: '文档：', rule: '规则', learn: '了解更多' },
} as const;

/** VS Code's display language (`vscode.env.language`, e.g. `zh-cn`, `zh-CN`, `en-us`) to a card locale. */
export function localeOf(language: string | undefined): Locale {
  const l = (language ?? '').toLowerCase();
  return l === 'zh-cn' || l === 'zh-hans' || l.startsWith('zh-hans') || l === 'zh-sg' ? 'zh-cn' : 'en';
}

/** The hover markdown of a card: title, what goes wrong, the pattern (Go code), Go version, docs links. */
export function renderMarkdown(card: Card, locale: Locale): string {
  const t = textFor(card, locale);
  const l = LABELS[locale];
  const code = card.code.endsWith('\n') ? card.code : `${card.code}\n`;
  const links = card.docs.map((d) => `[${d.label}](${d.url})`).join(' · ');
  return [
    `**${t.title}**`,
    '',
    card.apis.map((a) => `\`${a}\``).join(' · '),
    '',
    t.pitfall,
    '',
    `**${l.pattern}** ${t.pattern}`,
    '',
    '```go',
    code + '```',
    '',
    `**${l.version}** ${t.version}`,
    '',
    `${l.docs} ${links}`,
    '',
  ].join('\n');
}

/** The compact hover of a card: the rule of thumb, what to do, the Go versions and the first docs link (no code). */
export function renderCompactMarkdown(card: Card, locale: Locale): string {
  const t = textFor(card, locale);
  const l = LABELS[locale];
  const link = card.docs[0] ? ` · [${card.docs[0].label}](${card.docs[0].url})` : '';
  return [`**${t.title}**`, '', `**${l.pattern}** ${t.pattern}`, '', `**${l.version}** ${t.version}${link}`, ''].join('\n');
}

/**
 * The hover markdown explaining a rule, for positions covered by one of its findings (not the
 * finding's message: editors show it above the hover). `link`: where "Learn more" leads.
 */
export function renderRuleMarkdown(meta: RuleMeta, locale: Locale, link = docsUrl(meta)): string {
  const l = LABELS[locale];
  const zh = locale === 'zh-cn' ? meta.zh : undefined;
  const title = zh?.title ?? meta.title;
  const description = zh?.description ?? meta.description;
  const minGo = meta.minGo ? ` · Go ≥ ${meta.minGo}` : '';
  return [`**${title}** · ${l.rule} \`${meta.id}\`${minGo}`, '', description, '', `[${l.learn}](${link})`, ''].join('\n');
}
