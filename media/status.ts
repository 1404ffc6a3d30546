// What the view is attached to: the toolbar (target, pause/resume, interval, export, switch), the panel shown for
// every state without live data (each with its action), and the process picker with the manual PID field.
import type { AttachMessage, ExportFormat, SamplingMessage, StateAction, ViewCandidate } from '../src/sockets/viewProtocol';
import { MAX_INTERVAL_MS, MIN_INTERVAL_MS } from '../src/sockets/viewProtocol';
import type { ViewStringId } from '../src/sockets/viewStrings';
import { fill, h, icon, setText } from './dom';
import { dur, t, tx } from './i18n';

export interface StatusCallbacks {
  action(a: StateAction): void;
  attach(pid: number, manual: boolean): void;
  pause(): void;
  resume(): void;
  setInterval(ms: number): void;
  exportAs(f: ExportFormat): void;
}

const INTERVALS = [250, 500, 1000, 2000, 5000, 10000, 30000, 60000];

const ACTION_ICON: Record<StateAction, string> = {
  runGo: 'play',
  pick: 'list-selection',
  manualPid: 'symbol-number',
  retry: 'refresh',
  learnMore: 'book',
  manageTrust: 'shield',
};

export class Toolbar {
  readonly el: HTMLElement;
  private readonly target: HTMLElement;
  private readonly kind: HTMLElement;
  private readonly followed: HTMLElement;
  private readonly paused: HTMLElement;
  private readonly sampled: HTMLElement;
  private readonly interval: HTMLElement & { value: string };
  private readonly pauseBtn: HTMLElement;
  private readonly exportBtn: HTMLElement;
  private readonly menu: HTMLElement;
  private readonly live: HTMLElement;
  private isPaused = false;

  constructor(
    private readonly cb: StatusCallbacks,
    onSwitch: () => void,
  ) {
    this.target = h('span', { class: 'target-name' });
    this.kind = h('span', { class: 'badge kind' });
    this.followed = h('span', { class: 'muted small followed' });
    this.paused = h('span', { class: 'paused-tag', hidden: true }, icon('debug-pause'), ' ', t('toolbar.paused'));
    this.sampled = h('span', { class: 'muted small sampled' });
    this.interval = h('vscode-single-select', {
      class: 'interval',
      'aria-label': t('toolbar.interval'),
      title: t('toolbar.interval'),
    }) as HTMLElement & {
      value: string;
    };
    this.interval.addEventListener('change', () => {
      const ms = Number(this.interval.value);
      if (Number.isInteger(ms) && ms >= MIN_INTERVAL_MS && ms <= MAX_INTERVAL_MS) this.cb.setInterval(ms);
    });
    this.pauseBtn = h('vscode-toolbar-button', {
      icon: 'debug-pause',
      label: t('toolbar.pause'),
      title: t('toolbar.pause'),
      class: 'pause',
    });
    this.pauseBtn.addEventListener('click', () => (this.isPaused ? this.cb.resume() : this.cb.pause()));
    this.menu = h(
      'div',
      { class: 'menu', role: 'menu', hidden: true, 'aria-label': t('toolbar.export') },
      ...(
        [
          ['json', 'json', 'toolbar.exportJson'],
          ['csv', 'table', 'toolbar.exportCsv'],
          ['markdown', 'markdown', 'toolbar.exportMarkdown'],
        ] as [ExportFormat, string, ViewStringId][]
      ).map(([f, ic, label]) =>
        h(
          'button',
          {
            type: 'button',
            role: 'menuitem',
            class: 'menu-item',
            'data-format': f,
            onclick: () => {
              this.closeMenu();
              this.cb.exportAs(f);
            },
          },
          icon(ic),
          ' ',
          t(label),
        ),
      ),
    );
    this.menu.addEventListener('keydown', (e) => this.menuKey(e));
    this.exportBtn = h('vscode-toolbar-button', {
      icon: 'desktop-download',
      label: t('toolbar.export'),
      title: t('toolbar.export'),
      class: 'export',
      'aria-haspopup': 'menu',
      'aria-expanded': 'false',
    });
    this.exportBtn.addEventListener('click', () => (this.menu.hidden ? this.openMenu() : this.closeMenu()));
    const switchBtn = h('vscode-toolbar-button', {
      icon: 'arrow-swap',
      label: t('toolbar.switch'),
      title: t('toolbar.switch'),
      class: 'switch',
    });
    switchBtn.addEventListener('click', onSwitch);
    this.live = h('span', { class: 'sr-only', 'aria-live': 'polite' });
    this.el = h(
      'div',
      { class: 'toolbar', role: 'toolbar', 'aria-label': t('table.label') },
      h('span', { class: 'target' }, icon('plug'), this.target, this.kind, this.followed),
      h('span', { class: 'grow' }),
      this.paused,
      this.sampled,
      this.interval,
      this.pauseBtn,
      h('span', { class: 'menu-anchor' }, this.exportBtn, this.menu),
      switchBtn,
      this.live,
    );
    document.addEventListener('click', (e) => {
      if (!this.menu.hidden && !(e.target as HTMLElement).closest('.menu-anchor')) this.closeMenu();
    });
  }

  setAttach(m: AttachMessage): void {
    const s = m.status;
    const target: ViewCandidate | undefined = s.kind === 'attached' || s.kind === 'exited' ? s.target : undefined;
    this.el.classList.toggle('has-target', !!target);
    setText(this.target, target ? t('toolbar.target', target.name, target.pid) : '');
    setText(this.kind, target ? t(`kind.${target.kind}`) : '');
    this.kind.hidden = !target;
    setText(this.followed, s.kind === 'attached' && s.followedFrom ? t('toolbar.followed', s.followedFrom) : '');
  }

  setSampling(m: SamplingMessage): void {
    this.isPaused = m.paused;
    this.paused.hidden = !m.paused;
    const label = t(m.paused ? 'toolbar.resume' : 'toolbar.pause');
    this.pauseBtn.setAttribute('icon', m.paused ? 'debug-start' : 'debug-pause');
    this.pauseBtn.setAttribute('label', label);
    this.pauseBtn.setAttribute('title', label);
    this.pauseBtn.setAttribute('data-paused', String(m.paused));
    const values = INTERVALS.includes(m.intervalMs) ? INTERVALS : [...INTERVALS, m.intervalMs].sort((a, b) => a - b);
    fill(this.interval, ...values.map((v) => h('vscode-option', { value: String(v), selected: v === m.intervalMs }, dur(v))));
    this.interval.value = String(m.intervalMs);
    setText(this.live, m.paused ? t('toolbar.paused') : '');
  }

  setSampled(elapsedMs: number | undefined): void {
    setText(this.sampled, elapsedMs === undefined ? '' : t('toolbar.sampled', Math.round(elapsedMs)));
  }

  private openMenu(): void {
    this.menu.hidden = false;
    this.exportBtn.setAttribute('aria-expanded', 'true');
    (this.menu.querySelector('button') as HTMLButtonElement | null)?.focus();
  }

  private closeMenu(): void {
    if (this.menu.hidden) return;
    this.menu.hidden = true;
    this.exportBtn.setAttribute('aria-expanded', 'false');
  }

  private menuKey(e: KeyboardEvent): void {
    const items = Array.from(this.menu.querySelectorAll('button'));
    const i = items.indexOf(document.activeElement as HTMLButtonElement);
    if (e.key === 'Escape') {
      this.closeMenu();
      this.exportBtn.focus();
    } else if (e.key === 'ArrowDown') items[(i + 1) % items.length].focus();
    else if (e.key === 'ArrowUp') items[(i - 1 + items.length) % items.length].focus();
    else return;
    e.preventDefault();
  }
}

/** The panel for every state without live data; the first action is the primary button. */
export function statePanel(m: AttachMessage, cb: StatusCallbacks): HTMLElement | undefined {
  const s = m.status;
  let ic: string;
  let title: string;
  let detail: string;
  let extra: string | undefined;
  switch (s.kind) {
    case 'attached':
      return undefined;
    case 'discovering':
      ic = 'loading codicon-modifier-spin';
      title = t('state.discovering');
      detail = '';
      break;
    case 'untrusted':
      ic = 'workspace-untrusted';
      title = t('state.untrusted');
      detail = t('state.untrusted.detail');
      break;
    case 'no-process':
      ic = 'debug-disconnect';
      title = t('state.noProcess');
      detail = t('state.noProcess.detail');
      extra = s.workspace;
      break;
    case 'choose':
      ic = 'list-selection';
      title = t('state.choose');
      detail = t('state.choose.detail');
      break;
    case 'exited':
      ic = 'debug-stop';
      title = t('state.exited', s.pid);
      detail = t('state.exited.detail');
      extra = s.message;
      break;
    case 'missing':
      ic = 'question';
      title = t('state.missing', s.pid);
      detail = t('state.missing.detail');
      extra = s.message;
      break;
    case 'denied':
      ic = 'lock';
      title = t('state.denied', s.pid);
      detail = s.owner ? t('state.denied.owner', s.owner) : t('state.denied.detail');
      extra = s.message;
      break;
    case 'unsupported':
      ic = 'circle-slash';
      title = t('state.unsupported', s.platform);
      detail = t('state.unsupported.detail');
      break;
    case 'error':
      ic = 'error';
      title = t('state.error');
      detail = s.message;
      break;
  }
  const actions = m.actions.map((a, i) => {
    const b = h('vscode-button', { icon: ACTION_ICON[a], secondary: i > 0, 'data-action': a });
    b.textContent = t(`action.${a}`);
    b.addEventListener('click', () => cb.action(a));
    return b;
  });
  return h(
    'div',
    { class: `state-panel state-${s.kind}`, role: 'status', 'data-state': s.kind },
    h('span', { class: `codicon codicon-${ic} state-icon`, 'aria-hidden': 'true' }),
    h('h2', { class: 'state-title' }, title),
    detail ? h('p', { class: 'state-detail' }, detail) : null,
    extra ? h('p', { class: 'muted small state-extra' }, extra) : null,
    actions.length ? h('div', { class: 'state-actions' }, ...actions) : null,
  );
}

/** The candidate list and the manual PID field. */
export function picker(m: AttachMessage, cb: StatusCallbacks, onClose: () => void, focusPid: boolean): HTMLElement {
  const current = m.status.kind === 'attached' ? m.status.target.pid : undefined;
  const items = m.candidates.map((c) => {
    const attach = h('vscode-button', { secondary: c.pid === current, 'data-pid': c.pid, class: 'cand-attach' });
    attach.textContent = t('picker.attach');
    attach.addEventListener('click', () => cb.attach(c.pid, false));
    return h(
      'li',
      { class: 'cand', 'data-pid': c.pid },
      h(
        'div',
        { class: 'cand-main' },
        h(
          'div',
          {},
          h('strong', {}, c.name),
          ' ',
          h('span', { class: 'muted' }, `PID ${c.pid}`),
          ' ',
          h('span', { class: 'badge kind' }, t(`kind.${c.kind}`)),
        ),
        c.pid === current ? h('span', { class: 'badge current' }, t('picker.current')) : null,
        h('div', { class: 'muted small' }, c.reasons.map(tx).join(' · ')),
        c.exe ? h('div', { class: 'muted small mono', title: c.exe }, c.exe) : null,
      ),
      attach,
    );
  });
  const field = h('vscode-textfield', {
    id: 'pid-field',
    class: 'pid-field',
    inputmode: 'numeric',
    placeholder: t('picker.pidPlaceholder'),
    'aria-label': t('picker.pid'),
  }) as HTMLElement & { value: string };
  const err = h('p', { class: 'error-text small', role: 'alert', hidden: true }, t('picker.pidInvalid'));
  const submit = () => {
    const v = field.value.trim();
    const pid = /^\d+$/.test(v) ? Number(v) : NaN;
    if (!Number.isSafeInteger(pid) || pid <= 0) {
      err.hidden = false;
      field.setAttribute('invalid', '');
      return;
    }
    err.hidden = true;
    field.removeAttribute('invalid');
    cb.attach(pid, true);
  };
  field.addEventListener('keydown', (e) => {
    if ((e as KeyboardEvent).key === 'Enter') submit();
  });
  const go = h('vscode-button', { secondary: true, class: 'pid-attach' });
  go.textContent = t('picker.attach');
  go.addEventListener('click', submit);
  const close = h('vscode-toolbar-button', { icon: 'close', label: t('picker.close'), title: t('picker.close'), class: 'picker-close' });
  close.addEventListener('click', onClose);
  const el = h(
    'section',
    { class: 'picker', 'aria-labelledby': 'picker-title' },
    h('div', { class: 'picker-head' }, h('h2', { id: 'picker-title', class: 'section-title' }, t('picker.title')), close),
    items.length ? h('ul', { class: 'cands' }, ...items) : h('p', { class: 'muted' }, t('picker.none')),
    h('div', { class: 'pid-row' }, h('label', { for: 'pid-field' }, t('picker.pid')), field, go),
    err,
  );
  if (focusPid) requestAnimationFrame(() => field.focus());
  return el;
}
