// Guidance panel: one card per active symptom (evidence, why, the rules), "Find the cause" with its findings as
// file:line links (or what to look for when none matches), and goroutines blocked in network I/O grouped by
// their frame in the user's code. Cards are keyed by symptom and updated in place, so an open "why" section,
// focus and findings survive the guidance that arrives with every sample.
import type { FindingsMessage, FindingsScope, GoroutinesMessage, ViewGoroutineGroup, ViewGuidance } from '../src/sockets/viewProtocol';
import type { SymptomId } from '../src/sockets/guidance';
import { fill, h, icon, setText } from './dom';
import { num, t, tx } from './i18n';

export interface GuidanceCallbacks {
  findCause(symptom: SymptomId): void;
  open(file: string, line: number, column?: number): void;
  showSockets(symptom: SymptomId, keys: string[], title: string): void;
}

interface Card {
  el: HTMLElement;
  title: HTMLElement;
  sevIcon: HTMLElement;
  evidence: HTMLElement;
  explanation: HTMLElement;
  rules: HTMLElement;
  find: HTMLElement;
  show: HTMLButtonElement;
  findings: HTMLElement;
  item: ViewGuidance;
  findingsFor?: FindingsMessage;
}

const SEV_ICON = { error: 'error', warning: 'warning', info: 'info' } as const;

function baseName(file: string): string {
  return file.slice(Math.max(file.lastIndexOf('/'), file.lastIndexOf('\\')) + 1);
}

export class GuidancePanel {
  readonly el: HTMLElement;
  private readonly list: HTMLElement;
  private readonly none: HTMLElement;
  private readonly count: HTMLElement;
  private readonly gor: HTMLElement;
  private readonly cards = new Map<SymptomId, Card>();
  private findings = new Map<SymptomId, FindingsMessage>();

  constructor(private readonly cb: GuidanceCallbacks) {
    this.count = h('span', { class: 'badge', 'aria-hidden': 'true' });
    this.none = h('p', { class: 'muted none' }, icon('pass', 'ok'), ' ', t('guidance.none'));
    this.list = h('div', { class: 'cards' });
    this.gor = h('section', { class: 'goroutines', 'aria-labelledby': 'gor-title' });
    this.el = h(
      'section',
      { class: 'guidance', 'aria-labelledby': 'guidance-title' },
      h('h2', { id: 'guidance-title', class: 'section-title' }, t('guidance.title'), ' ', this.count),
      this.none,
      this.list,
      this.gor,
    );
  }

  setItems(items: ViewGuidance[]): void {
    this.none.hidden = items.length > 0;
    this.count.hidden = items.length === 0;
    setText(this.count, String(items.length));
    const seen = new Set<SymptomId>();
    let prev: HTMLElement | null = null;
    for (const it of items) {
      seen.add(it.id);
      let c = this.cards.get(it.id);
      if (!c) {
        c = this.makeCard(it);
        this.cards.set(it.id, c);
      }
      this.updateCard(c, it);
      // move only when out of place (moving a node blurs what has focus inside it)
      const want: ChildNode | null = prev ? prev.nextSibling : this.list.firstChild;
      if (want !== c.el) this.list.insertBefore(c.el, want);
      prev = c.el;
    }
    for (const [id, c] of this.cards) {
      if (seen.has(id)) continue;
      c.el.remove();
      this.cards.delete(id);
    }
  }

  setFindings(m: FindingsMessage): void {
    this.findings.set(m.symptom, m);
    const c = this.cards.get(m.symptom);
    if (c) this.renderFindings(c);
  }

  /** Findings kept across a reload of the view (vscode.getState). */
  allFindings(): FindingsMessage[] {
    return [...this.findings.values()];
  }

  setGoroutines(m: GoroutinesMessage | undefined, enabled: boolean): void {
    const title = h('h3', { id: 'gor-title', class: 'sub-title' }, icon('debug-stackframe'), ' ', t('goroutines.title'));
    if (!m || m.status === 'off' || !enabled) {
      fill(this.gor, title, h('p', { class: 'muted' }, t('goroutines.off')));
      return;
    }
    if (m.status === 'searching') return fill(this.gor, title, h('p', { class: 'muted' }, t('goroutines.searching')));
    if (m.status === 'no-pprof') return fill(this.gor, title, h('p', { class: 'muted' }, t('goroutines.noPprof')));
    if (m.status === 'error') return fill(this.gor, title, h('p', { class: 'error-text' }, t('goroutines.error', m.message ?? '')));
    if (!m.groups.length) return fill(this.gor, title, h('p', { class: 'muted' }, t('goroutines.none')));
    // keep which stacks are open across refreshes
    const open = new Set(Array.from(this.gor.querySelectorAll('details[open]')).map((d) => d.getAttribute('data-key')));
    fill(
      this.gor,
      title,
      h('ul', { class: 'gor-groups' }, ...m.groups.map((g) => this.groupItem(g, open))),
      m.total !== undefined && m.port !== undefined ? h('p', { class: 'muted small' }, t('goroutines.total', num(m.total), m.port)) : null,
    );
  }

  private groupItem(g: ViewGoroutineGroup, open: Set<string | null>): HTMLElement {
    const key = `${g.op}|${g.state}|${g.frames.map((f) => `${f.file}:${f.line}`).join('|')}`;
    const op = g.op ?? g.state;
    let where: HTMLElement | null = null;
    let text: string;
    if (g.userFrame) {
      where = this.loc(g.userFrame.file, g.userFrame.line, `${baseName(g.userFrame.file)}:${g.userFrame.line}`);
      text = g.count === 1 ? t('goroutines.one', op, '\u0000') : t('goroutines.many', num(g.count), op, '\u0000');
    } else text = g.count === 1 ? t('goroutines.oneOutside', op) : t('goroutines.manyOutside', num(g.count), op);
    // the location link goes where the translation puts {n}
    const [before, after = ''] = text.split('\u0000');
    const summary = h(
      'summary',
      {},
      h('span', { class: 'gor-count' }, before),
      where,
      after,
      g.userFrameFromCreatedBy && g.userFrame
        ? h('span', { class: 'muted' }, ` (${t('goroutines.createdAt', baseName(g.userFrame.file))})`)
        : null,
      g.maxWaitMinutes ? h('span', { class: 'muted' }, ` · ${t('goroutines.waiting', g.maxWaitMinutes)}`) : null,
    );
    const frames = h(
      'ol',
      { class: 'frames', 'aria-label': t('goroutines.stack') },
      ...g.frames.map((f) =>
        h('li', {}, h('span', { class: 'func' }, f.func), ' ', this.loc(f.file, f.line, `${baseName(f.file)}:${f.line}`)),
      ),
    );
    const d = h('details', { 'data-key': key, open: open.has(key) }, summary, frames);
    return h('li', {}, d);
  }

  /** A file:line link; inside a <summary> it must not toggle the details. */
  private loc(file: string, line: number, label: string, column?: number): HTMLElement {
    return h(
      'button',
      {
        class: 'link loc',
        type: 'button',
        title: `${file}:${line}`,
        'aria-label': t('misc.open', `${file}:${line}`),
        onclick: (e: Event) => {
          e.preventDefault();
          e.stopPropagation();
          this.cb.open(file, line, column);
        },
      },
      label,
    );
  }

  private makeCard(it: ViewGuidance): Card {
    const id = `card-${it.id}`;
    const title = h('h3', { id: `${id}-title`, class: 'card-title' });
    const sevIcon = h('span', { 'aria-hidden': 'true' });
    const evidence = h('p', { class: 'evidence' });
    const explanation = h('p', { class: 'explanation' });
    const rules = h('p', { class: 'rules' });
    const find = h('vscode-button', { icon: 'search', class: 'find', 'data-symptom': it.id });
    find.textContent = t('guidance.findCause');
    find.addEventListener('click', () => this.cb.findCause(it.id));
    const show = h('button', { class: 'link show', type: 'button' }, t('guidance.showSockets'));
    const findings = h('div', { class: 'findings', 'aria-live': 'polite' });
    const card: Card = {
      el: h(
        'article',
        { class: 'card', id, 'aria-labelledby': `${id}-title`, 'data-symptom': it.id },
        h('header', { class: 'card-head' }, sevIcon, title),
        evidence,
        h('div', { class: 'card-actions' }, find, show),
        findings,
        h('details', { class: 'why' }, h('summary', {}, t('guidance.why')), explanation, rules),
      ),
      title,
      sevIcon,
      evidence,
      explanation,
      rules,
      find,
      show,
      findings,
      item: it,
    };
    show.addEventListener('click', () => this.cb.showSockets(card.item.id, card.item.evidence.keys, tx(card.item.title)));
    return card;
  }

  private updateCard(c: Card, it: ViewGuidance): void {
    c.item = it;
    c.el.className = `card sev-${it.severity}`;
    c.sevIcon.className = `codicon codicon-${SEV_ICON[it.severity]} sev-icon`;
    setText(c.title, tx(it.title));
    setText(c.evidence, tx(it.evidence.text));
    setText(c.explanation, tx(it.explanation));
    if (c.rules.childElementCount !== it.rules.length || c.rules.textContent !== `${t('guidance.rules')}: ${it.rules.join('')}`) {
      fill(c.rules, `${t('guidance.rules')}: `, ...it.rules.map((r) => h('code', {}, r)));
    }
    c.show.hidden = it.evidence.keys.length === 0;
    this.renderFindings(c);
  }

  private renderFindings(c: Card): void {
    const m = this.findings.get(c.item.id);
    if (m === c.findingsFor) return;
    c.findingsFor = m;
    c.find.toggleAttribute('disabled', m?.status === 'running');
    if (!m) return fill(c.findings);
    if (m.status === 'running')
      return fill(
        c.findings,
        h(
          'p',
          { class: 'muted running' },
          h('vscode-progress-ring', { class: 'ring', 'aria-hidden': 'true' }),
          m.scope?.kind === 'program'
            ? t('guidance.runningProgram', m.scope.label || m.scope.module)
            : m.scope?.kind === 'module'
              ? t('guidance.runningModule', m.scope.module)
              : t('guidance.running'),
        ),
      );
    const scope = m.scope ? h('p', { class: 'muted small scope' }, icon('search'), ' ', scopeText(m.scope)) : null;
    const rules = c.item.rules.join(', ');
    const lookFor = h(
      'div',
      { class: 'look-for' },
      h('h4', {}, icon('lightbulb'), ' ', t('guidance.lookFor')),
      h('p', {}, t(`lookFor.${c.item.id}`)),
    );
    if (m.status === 'error')
      return fill(c.findings, h('p', { class: 'error-text' }, t('guidance.failed', m.errors.join('; '))), scope, lookFor);
    if (!m.findings.length)
      return fill(c.findings, h('p', { class: 'muted' }, t('guidance.notFound', rules, num(m.analyzedFiles))), scope, lookFor);
    const files = new Set(m.findings.map((f) => f.file)).size;
    // the findings may not be the whole story (a registry that keeps conns is not always provable): the hint
    // stays one click away
    const more = h('details', { class: 'look-for-more' }, h('summary', {}, t('guidance.lookFor')), h('p', {}, t(`lookFor.${c.item.id}`)));
    fill(
      c.findings,
      h('p', { class: 'muted small' }, t('guidance.found', num(m.findings.length), rules, num(files))),
      scope,
      h(
        'ul',
        { class: 'finding-list' },
        ...m.findings.map((f) =>
          h(
            'li',
            { class: `finding sev-${f.severity}` },
            h(
              'div',
              { class: 'finding-head' },
              this.loc(f.file, f.line, `${f.label}:${f.line}`, f.column),
              h('code', { class: 'rule' }, f.rule),
            ),
            h('div', { class: 'msg' }, f.message),
          ),
        ),
      ),
      more,
    );
  }
}

function scopeText(s: FindingsScope): string {
  if (s.kind === 'program')
    return s.packages > 1
      ? t('scope.program', s.label || '.', num(s.packages - 1), s.module)
      : t('scope.programAlone', s.label || '.', s.module);
  if (s.kind === 'module') return s.label ? t('scope.module', s.module, s.label) : t('scope.moduleRoot', s.module);
  return t(s.why === 'no-target' ? 'scope.noTarget' : 'scope.noModule');
}
