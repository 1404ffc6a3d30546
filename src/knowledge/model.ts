// Pitfall cards shown when hovering the lifecycle APIs of net, crypto/tls and net/http.
// Pure data: no 'vscode' import, so the CLI, the tests and the hover provider share it.

export type Locale = 'en' | 'zh-cn';

/** The prose of a card in one language. Markdown inline syntax (`code`) is allowed. */
export interface CardText {
  /** One line: the rule of thumb. */
  title: string;
  /** What goes wrong at run time (2-4 sentences). */
  pitfall: string;
  /** What to do instead; introduces the code block. */
  pattern: string;
  /** Which Go versions the behaviour and the pattern depend on, with the change that matters. */
  version: string;
}

export interface DocLink {
  /** Shown text, e.g. `net.Conn` or `Go 1.15 release notes`. Not translated. */
  label: string;
  url: string;
}

export interface Card {
  /** Stable id, e.g. `conn.SetReadDeadline`. */
  id: string;
  /** The APIs the card covers, as Go spells them (heading of the hover). */
  apis: string[];
  /**
   * Oldest Go release the recommended pattern compiles and behaves as described with
   * (e.g. `1.15` because it uses `os.ErrDeadlineExceeded`).
   */
  since: string;
  /** pkg.go.dev anchors first, then release notes. */
  docs: DocLink[];
  /**
   * The right pattern: gofmt-clean top-level Go declarations without package clause or imports
   * (the tests add both and run gofmt and go vet on it).
   */
  code: string;
  /** Rule ids whose findings this card backs up. */
  rules: string[];
  en: CardText;
  zh: CardText;
}

export function textFor(card: Card, locale: Locale): CardText {
  return locale === 'zh-cn' ? card.zh : card.en;
}
