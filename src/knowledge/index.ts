// Public surface of the knowledge cards, for the hover provider and the CLI.
export type { Card, CardText, DocLink, Locale } from './model';
export { textFor } from './model';
export { CARDS, CARDS_BY_ID } from './cards';
export { apiRefAt, cardAt, cardFor, lookupAt, type ApiRef, type CardHit } from './lookup';
export { localeOf, renderMarkdown, renderRuleMarkdown } from './render';
