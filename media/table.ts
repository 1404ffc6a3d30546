// The socket table: an ARIA grid that renders only the rows in view (a pool of row elements moved with
// transforms), so 10,000 sockets cost the same DOM as 30. Keyboard: arrows, Page Up/Down, Home/End move the
// active row; Enter/Space or Left/Right collapse and expand a group.
import { endpoint } from '../src/sockets/model';
import type { ChipState, ViewSocket } from '../src/sockets/viewProtocol';
import { h, icon, setAttr, setText, toggleClass } from './dom';
import { bytes, dur, num, t } from './i18n';
import { COLUMNS, type Column, type Row, type SortSpec } from './rows';
import type { ViewStringId } from '../src/sockets/viewStrings';

export const ROW_H = 22;
const OVERSCAN = 8;
const MIN_VISIBLE_ROWS = 8;

/** As many rows as fit the window, less room for the table's tools: one page scroll shows the whole table box. */
function visibleRows(): number {
  return Math.max(MIN_VISIBLE_ROWS, Math.floor((window.innerHeight - 110) / ROW_H));
}

const COL_LABEL: Record<Column, ViewStringId> = {
  state: 'col.state',
  local: 'col.local',
  remote: 'col.remote',
  recvQ: 'col.recvQ',
  sendQ: 'col.sendQ',
  timer: 'col.timer',
  seenFor: 'col.seenFor',
};

export interface TableCallbacks {
  onSort(sort: SortSpec): void;
  onToggleGroup(key: string): void;
}

interface PooledRow {
  el: HTMLElement;
  kind: Row['kind'] | undefined;
  cells: HTMLElement[];
}

export class SocketTable {
  readonly el: HTMLElement;
  private readonly viewport: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly headerCells = new Map<Column, HTMLElement>();
  private readonly pool: PooledRow[] = [];
  private rows: Row[] = [];
  private now = 0;
  private firstSampleTime = 0;
  private active = -1;
  private frame = 0;
  private sort: SortSpec = { col: 'state', desc: false };
  private top = 0;
  private viewH = 0;

  constructor(private readonly cb: TableCallbacks) {
    const header = h('div', { class: 'thead', role: 'row', 'aria-rowindex': 1 });
    for (const c of COLUMNS) {
      const btn = h(
        'button',
        { class: 'sort', type: 'button', onclick: () => this.clickSort(c) },
        t(COL_LABEL[c]),
        icon('arrow-small-down', 'sort-icon'),
      );
      const cell = h('div', { class: `th col-${c}`, role: 'columnheader', 'aria-sort': 'none' }, btn);
      this.headerCells.set(c, cell);
      header.append(cell);
    }
    this.spacer = h('div', { class: 'tbody', role: 'rowgroup' });
    this.viewport = h('div', { class: 'viewport' }, header, this.spacer);
    this.el = h('div', {
      class: 'sock-table',
      role: 'grid',
      tabindex: 0,
      'aria-label': t('table.label'),
      'aria-colcount': COLUMNS.length,
      'aria-rowcount': 1,
    });
    this.el.append(this.viewport);
    // Scroll position and height are cached from their events: reading them while an update has the layout dirty
    // would force a synchronous layout of the whole view in every update.
    this.viewport.addEventListener(
      'scroll',
      () => {
        this.top = this.viewport.scrollTop;
        this.schedule();
      },
      { passive: true },
    );
    this.el.addEventListener('keydown', (e) => this.onKey(e));
    this.spacer.addEventListener('click', (e) => this.onClick(e));
    new ResizeObserver((entries) => {
      this.viewH = entries[entries.length - 1].contentRect.height;
      this.schedule();
    }).observe(this.viewport);
    window.addEventListener('resize', () => {
      this.fit();
      this.schedule();
    });
  }

  /** New rows (after a sample, a sort or a filter change). Renders synchronously: the caller measures it. */
  setRows(rows: Row[], now: number, firstSampleTime: number, sort: SortSpec): void {
    const activeRow = this.rows[this.active];
    this.rows = rows;
    this.now = now;
    this.firstSampleTime = firstSampleTime;
    if (sort.col !== this.sort.col || sort.desc !== this.sort.desc) this.sort = sort;
    this.updateHeader();
    // keep the same socket or group active when rows move
    if (activeRow) this.active = rows.findIndex((r) => sameRow(r, activeRow));
    if (this.active >= rows.length) this.active = rows.length - 1;
    this.el.setAttribute('aria-rowcount', String(rows.length + 1));
    const height = rows.length * ROW_H;
    this.spacer.style.height = `${height}px`;
    this.fit();
    this.render();
  }

  private fit(): void {
    const px = Math.min(this.rows.length, visibleRows()) * ROW_H + ROW_H + 2;
    const h = `${px}px`;
    if (this.viewport.style.height === h) return;
    this.viewport.style.height = h;
    // The viewport's size is its style height (contain: strict, no padding). The ResizeObserver says so only after
    // the next layout, and a scroll in between would render the rows of the old, shorter box: for a frame the end
    // of the table is blank and aria-activedescendant names no row (a group expanded, then End).
    this.viewH = px;
  }

  /** Back to the first row: after the user re-sorts, filters or regroups, the old position means nothing. */
  scrollToTop(): void {
    this.viewport.scrollTop = 0;
    this.top = 0;
    this.active = -1;
  }

  /** Sockets now rendered (for tests and the bench): the DOM stays small at any row count. */
  get renderedRows(): number {
    return this.pool.filter((p) => !p.el.hidden).length;
  }

  private updateHeader(): void {
    for (const [c, cell] of this.headerCells) {
      const on = c === this.sort.col;
      cell.setAttribute('aria-sort', on ? (this.sort.desc ? 'descending' : 'ascending') : 'none');
      toggleClass(cell, 'sorted', on);
      toggleClass(cell, 'desc', on && this.sort.desc);
    }
  }

  private clickSort(c: Column): void {
    const desc = this.sort.col === c ? !this.sort.desc : c === 'recvQ' || c === 'sendQ' || c === 'seenFor';
    this.sort = { col: c, desc };
    this.cb.onSort(this.sort);
  }

  private schedule(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  private render(): void {
    const top = Math.max(0, this.top - ROW_H);
    const height = this.viewH || visibleRows() * ROW_H;
    const first = Math.max(0, Math.floor(top / ROW_H) - OVERSCAN);
    const last = Math.min(this.rows.length, Math.ceil((top + height) / ROW_H) + OVERSCAN);
    const n = last - first;
    while (this.pool.length < n) {
      const el = h('div', { role: 'row' });
      this.spacer.append(el);
      this.pool.push({ el, kind: undefined, cells: [] });
    }
    for (let j = 0; j < this.pool.length; j++) {
      const p = this.pool[j];
      const i = first + j;
      if (j >= n) {
        if (!p.el.hidden) p.el.hidden = true;
        p.el.removeAttribute('id');
        continue;
      }
      if (p.el.hidden) p.el.hidden = false;
      this.paint(p, this.rows[i], i);
    }
    const activeEl = this.active >= 0 ? this.spacer.querySelector(`#row-${this.active}`) : null;
    if (activeEl) this.el.setAttribute('aria-activedescendant', activeEl.id);
    else this.el.removeAttribute('aria-activedescendant');
  }

  private paint(p: PooledRow, r: Row, i: number): void {
    const el = p.el;
    // Every write below is skipped when the value is the same: a write of an unchanged class, id or attribute
    // still invalidates the row's style, and an update repaints the same rows most of the time.
    const y = `translateY(${i * ROW_H}px)`;
    if (el.style.transform !== y) el.style.transform = y;
    if (el.id !== `row-${i}`) el.id = `row-${i}`;
    setAttr(el, 'aria-rowindex', String(i + 2));
    toggleClass(el, 'active', i === this.active);
    setAttr(el, 'aria-selected', String(i === this.active));
    if (r.kind === 'group') {
      if (p.kind !== 'group') {
        p.kind = 'group';
        p.cells = [
          h('span', { class: 'chev' }),
          h('span', { class: 'glabel' }),
          h('span', { class: 'gcount' }),
          h('span', { class: 'gstates' }),
        ];
        el.className = 'tr group';
        el.replaceChildren(h('div', { role: 'gridcell', 'aria-colspan': COLUMNS.length, class: 'gcell' }, ...p.cells));
      }
      setAttr(el, 'aria-expanded', String(!r.collapsed));
      toggleClass(p.cells[0], 'codicon', true);
      toggleClass(p.cells[0], 'codicon-chevron-right', r.collapsed);
      toggleClass(p.cells[0], 'codicon-chevron-down', !r.collapsed);
      const label = r.key.startsWith('port:') ? t('group.portLabel', r.label) : r.label || 'LISTEN';
      setText(p.cells[1], label);
      setText(p.cells[2], t('group.count', num(r.count)));
      setText(p.cells[3], stateSummary(r.states));
      return;
    }
    if (p.kind !== 'socket') {
      p.kind = 'socket';
      el.removeAttribute('aria-expanded');
      p.cells = COLUMNS.map((c) => h('div', { role: 'gridcell', class: `td col-${c}` }));
      el.replaceChildren(...p.cells);
    }
    const s = r.s;
    const cls = `tr st-${s.state}${r.status === 'kept' ? '' : ` ${r.status}`}${r.group ? ' in-group' : ''}`;
    if (el.className !== cls) el.className = cls;
    setText(p.cells[0], s.state);
    setText(p.cells[1], endpoint(s.localAddress, s.localPort));
    setText(p.cells[2], s.state === 'LISTEN' ? '*' : endpoint(s.remoteAddress, s.remotePort));
    setText(p.cells[3], bytes(s.recvQ));
    setText(p.cells[4], bytes(s.sendQ));
    setText(p.cells[5], timerText(s, this.now));
    const atLeast = s.firstSeen <= this.firstSampleTime;
    setText(p.cells[6], `${atLeast ? '≥ ' : ''}${seenFor(this.now - s.firstSeen)}`);
    const notes: string[] = [];
    if (r.status === 'opened') notes.push(t('row.opened'));
    if (r.status === 'closed') notes.push(t('row.closed'));
    if (s.attribution !== 'fd') notes.push(t('row.byPort'));
    if (atLeast) notes.push(t('row.atLeast'));
    const title = notes.join('\n');
    if (el.title !== title) el.title = title;
  }

  private onClick(e: Event): void {
    const row = (e.target as HTMLElement).closest('.tr');
    if (!row) return;
    const i = Number(row.id.slice(4));
    this.setActive(i, false);
    const r = this.rows[i];
    if (r?.kind === 'group') this.cb.onToggleGroup(r.key);
  }

  private setActive(i: number, scroll: boolean): void {
    if (!this.rows.length) return;
    this.active = Math.max(0, Math.min(this.rows.length - 1, i));
    if (scroll) {
      const y = this.active * ROW_H;
      const vh = (this.viewH || visibleRows() * ROW_H) - ROW_H;
      const to = y < this.top ? y : y + ROW_H > this.top + vh ? y + ROW_H - vh : -1;
      if (to >= 0) {
        // the browser clamps to the scroll range (already laid out by the setter), and when the clamped position is
        // the current one no scroll event comes to correct this.top
        this.viewport.scrollTop = to;
        this.top = this.viewport.scrollTop;
      }
    }
    this.render();
  }

  private onKey(e: KeyboardEvent): void {
    if (e.target !== this.el) return; // header buttons handle their own keys
    const page = Math.max(1, Math.floor((this.viewH || visibleRows() * ROW_H) / ROW_H) - 1);
    const cur = this.active < 0 ? -1 : this.active;
    const r = this.rows[cur];
    let next: number | undefined;
    switch (e.key) {
      case 'ArrowDown':
        next = cur + 1;
        break;
      case 'ArrowUp':
        next = Math.max(0, cur - 1);
        break;
      case 'PageDown':
        next = cur + page;
        break;
      case 'PageUp':
        next = cur - page;
        break;
      case 'Home':
        next = 0;
        break;
      case 'End':
        next = this.rows.length - 1;
        break;
      case 'Enter':
      case ' ':
        if (r?.kind === 'group') this.cb.onToggleGroup(r.key);
        break;
      case 'ArrowRight':
        if (r?.kind === 'group' && r.collapsed) this.cb.onToggleGroup(r.key);
        break;
      case 'ArrowLeft':
        if (r?.kind === 'group' && !r.collapsed) this.cb.onToggleGroup(r.key);
        else if (r?.kind === 'socket' && r.group) next = this.rows.findIndex((x) => x.kind === 'group' && x.key === r.group);
        break;
      default:
        return;
    }
    e.preventDefault();
    if (next !== undefined) this.setActive(next, true);
  }
}

/** Ages are only as precise as the sampling interval: below a second, say so rather than "0 ms". */
function seenFor(ms: number): string {
  return ms < 1000 ? t('dur.s', '<1') : dur(ms);
}

/** The same group, or the same socket (an open one and its closed predecessor on the same key are not). */
function sameRow(a: Row, b: Row): boolean {
  if (a.kind === 'group') return b.kind === 'group' && a.key === b.key;
  return b.kind === 'socket' && a.s.key === b.s.key && (a.status === 'closed') === (b.status === 'closed');
}

function timerText(s: ViewSocket, now: number): string {
  if (s.timer === 'none') return '';
  const label = t(`timer.${s.timer}`);
  const retr = s.retransmits ? ` ×${s.retransmits}` : '';
  return s.timerAt ? `${label} ${dur(Math.max(0, s.timerAt - now))}${retr}` : `${label}${retr}`;
}

function stateSummary(states: Partial<Record<ChipState, number>>): string {
  return Object.entries(states)
    .sort((a, b) => b[1] - a[1])
    .map(([k, v]) => `${k} ${num(v)}`)
    .join(' · ');
}
