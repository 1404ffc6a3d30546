// State chips: the count of each state that matters for a Go program, with the change since the last sample.
// A chip is a toggle button that filters the table to its state.
import { CHIP_STATES, type ChipState, type ViewSample } from '../src/sockets/viewProtocol';
import { h, setAttr, setText, toggleClass } from './dom';
import { num, t } from './i18n';

export function chipCount(s: ViewSample | undefined, c: ChipState): number {
  if (!s) return 0;
  if (c === 'FIN_WAIT') return (s.counts.FIN_WAIT1 ?? 0) + (s.counts.FIN_WAIT2 ?? 0);
  return s.counts[c] ?? 0;
}

export class Chips {
  readonly el: HTMLElement;
  private readonly chips = new Map<ChipState, { btn: HTMLElement; value: HTMLElement; delta: HTMLElement }>();
  private readonly fds: { el: HTMLElement; value: HTMLElement };

  constructor(onToggle: (c: ChipState) => void) {
    this.el = h('div', { class: 'chips', role: 'group', 'aria-label': t('chips.label') });
    for (const c of CHIP_STATES) {
      const value = h('span', { class: 'chip-value' }, '0');
      const delta = h('span', { class: 'chip-delta' });
      const btn = h(
        'button',
        { class: `chip st-${c}`, type: 'button', 'aria-pressed': 'false', 'data-state': c, onclick: () => onToggle(c) },
        h('span', { class: 'chip-dot', 'aria-hidden': 'true' }),
        h('span', { class: 'chip-name' }, c),
        value,
        delta,
      );
      this.chips.set(c, { btn, value, delta });
      this.el.append(btn);
    }
    const value = h('span', { class: 'chip-value' });
    this.fds = { el: h('span', { class: 'chip fds', role: 'status' }, h('span', { class: 'chip-name' }, t('chips.fds')), value), value };
    this.el.append(this.fds.el);
  }

  update(cur: ViewSample | undefined, prev: ViewSample | undefined, active: ChipState | undefined): void {
    for (const [c, x] of this.chips) {
      const n = chipCount(cur, c);
      const d = prev && cur && prev.pid === cur.pid ? n - chipCount(prev, c) : 0;
      setText(x.value, num(n));
      setText(x.delta, d > 0 ? `▲${num(d)}` : d < 0 ? `▼${num(-d)}` : '');
      toggleClass(x.delta, 'up', d > 0);
      toggleClass(x.delta, 'down', d < 0);
      toggleClass(x.btn, 'zero', n === 0);
      toggleClass(x.btn, 'on', active === c);
      setAttr(x.btn, 'aria-pressed', String(active === c));
      setAttr(x.btn, 'aria-label', t('chips.aria', c, num(n), d > 0 ? `+${num(d)}` : d < 0 ? `−${num(-d)}` : '±0'));
    }
    const fds = cur?.fds;
    this.fds.el.hidden = fds === undefined;
    if (fds !== undefined) {
      setText(this.fds.value, cur?.fdLimit ? t('chips.fdsOf', num(fds), num(cur.fdLimit)) : num(fds));
      toggleClass(this.fds.el, 'warn', !!cur?.fdLimit && fds >= cur.fdLimit * 0.8);
    }
  }
}
