// Entry of the Live Sockets webview (bundled as dist/webview.js + dist/webview.css). It keeps the model the host
// feeds through validated messages (src/sockets/viewProtocol.ts), renders each part when its data changes, and
// keeps its UI choices and the last chart/guidance in vscode.setState so a hidden-and-shown view paints at once.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import '@vscode-elements/elements/dist/vscode-toolbar-button/index.js';
import 'uplot/dist/uPlot.min.css';
import './webview.css';
import {
  applyDiff,
  parseHostMessage,
  PROTOCOL_VERSION,
  type AttachMessage,
  type ChipState,
  type FindingsMessage,
  type GoroutinesMessage,
  type HelloMessage,
  type HostMessage,
  type SamplingMessage,
  type StateAction,
  type ViewGuidance,
  type ViewMessage,
  type ViewSample,
  type ViewSocket,
} from '../src/sockets/viewProtocol';
import { Charts } from './chart';
import { Chips } from './chips';
import { fill, h, icon, setText } from './dom';
import { GuidancePanel } from './guidance';
import { num, setStrings, t } from './i18n';
import { listenPortsOf, RowBuilder, type GroupBy, type SortSpec } from './rows';
import { picker, statePanel, Toolbar, type StatusCallbacks } from './status';
import { SocketTable } from './table';

interface VsCodeApi {
  postMessage(m: ViewMessage): void;
  getState(): unknown;
  setState(s: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** UI choices, kept across reloads. */
interface UiState {
  sort: SortSpec;
  filter: string;
  groupBy: GroupBy;
  collapsed: string[];
  chip?: ChipState;
}

/** What vscode.setState keeps: the UI choices and the small part of the model (not the sockets). */
interface Persisted {
  v: 1;
  ui: UiState;
  hello?: HelloMessage;
  attach?: AttachMessage;
  sampling?: SamplingMessage;
  samples?: ViewSample[];
  guidance?: ViewGuidance[];
  findings?: FindingsMessage[];
  goroutines?: GoroutinesMessage;
}

const vscode = acquireVsCodeApi();
const send = (m: ViewMessage) => vscode.postMessage(m);

// ---- model
const sockets = new Map<string, ViewSocket>();
const rowBuilder = new RowBuilder();
let closed: ViewSocket[] = [];
let opened = new Set<string>();
let seq = -1;
let now = 0;
let firstSampleTime = 0;
let samples: ViewSample[] = [];
let hello: HelloMessage | undefined;
let attach: AttachMessage | undefined;
let sampling: SamplingMessage | undefined;
let guidance: ViewGuidance[] = [];
let goroutines: GoroutinesMessage | undefined;
let hasSnapshot = false;
let elapsedMs: number | undefined;
let notes: string[] = [];
let otherNetns = false;
let evidence: { title: string; keys: Set<string> } | undefined;
let pickerOpen: false | 'list' | 'pid' = false;

const defaults: UiState = { sort: { col: 'state', desc: false }, filter: '', groupBy: 'none', collapsed: [] };
let ui: UiState = { ...defaults };

// ---- restore
// (declared before the restore below uses it: bundled, a later declaration was undefined there, and a state holding
// findings threw before anything was drawn — a blank view after hide and show once "Find the cause" had been used)
const restoredFindings: FindingsMessage[] = [];
const saved = vscode.getState() as Partial<Persisted> | undefined;
if (saved && saved.v === 1) {
  ui = { ...defaults, ...saved.ui };
  for (const [k, v] of Object.entries(saved)) {
    // cached messages go through the same validation as live ones (the state may come from an older build)
    if (k === 'v' || k === 'ui' || v === undefined) continue;
    if (k === 'samples') samples = validSamples(v);
    else if (k === 'guidance') guidance = validGuidance(v);
    else if (k === 'findings' && Array.isArray(v)) for (const f of v) cachedFindings(f);
    else if (k === 'goroutines' || k === 'hello' || k === 'attach' || k === 'sampling') cacheRestore(v);
  }
}

function validSamples(v: unknown): ViewSample[] {
  const r = parseHostMessage({ type: 'history', samples: v });
  return r.ok && r.value.type === 'history' ? r.value.samples : [];
}
function validGuidance(v: unknown): ViewGuidance[] {
  const r = parseHostMessage({ type: 'guidance', items: v });
  return r.ok && r.value.type === 'guidance' ? r.value.items : [];
}
function cachedFindings(v: unknown): void {
  const r = parseHostMessage(v);
  // a search that was running when the view went away will not report back to this instance
  if (r.ok && r.value.type === 'findings' && r.value.status !== 'running') restoredFindings.push(r.value);
}
function cacheRestore(v: unknown): void {
  const r = parseHostMessage(v);
  if (!r.ok) return;
  const m = r.value;
  if (m.type === 'hello') hello = m;
  else if (m.type === 'attach') attach = m;
  else if (m.type === 'sampling') sampling = m;
  else if (m.type === 'goroutines') goroutines = m;
}

let saveTimer = 0;
function persist(): void {
  if (saveTimer) return;
  saveTimer = window.setTimeout(() => {
    saveTimer = 0;
    const p: Persisted = {
      v: 1,
      ui,
      hello,
      attach,
      sampling,
      samples: samples.slice(-600),
      guidance,
      findings: view?.guidance.allFindings(),
      goroutines,
    };
    vscode.setState(p);
  }, 300);
}

// ---- view
interface View {
  root: HTMLElement;
  toolbar: Toolbar;
  stateBox: HTMLElement;
  pickerBox: HTMLElement;
  content: HTMLElement;
  chips: Chips;
  charts: Charts;
  guidance: GuidancePanel;
  table: SocketTable;
  filter: HTMLElement & { value: string };
  groupBy: HTMLElement & { value: string };
  count: HTMLElement;
  evidenceNote: HTMLElement;
  empty: HTMLElement;
  notes: HTMLElement;
}
let view: View | undefined;

const callbacks: StatusCallbacks = {
  action(a: StateAction) {
    if (a === 'pick') openPicker('list');
    else if (a === 'manualPid') openPicker('pid');
    else if (a === 'retry') send({ type: 'discover' });
    else send({ type: a });
  },
  attach(pid, manual) {
    pickerOpen = false;
    send({ type: 'attach', pid, manual });
    renderAttach();
  },
  pause: () => send({ type: 'pause' }),
  resume: () => send({ type: 'resume' }),
  setInterval: (ms) => send({ type: 'setInterval', ms }),
  exportAs: (format) => send({ type: 'export', format }),
};

function openPicker(mode: 'list' | 'pid'): void {
  pickerOpen = mode;
  send({ type: 'discover' });
  renderAttach();
}

function mount(): void {
  const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
  const toolbar = new Toolbar(callbacks, () => openPicker('list'));
  const chips = new Chips((c) => {
    ui.chip = ui.chip === c ? undefined : c;
    persist();
    renderTable(true);
    renderChips();
  });
  const charts = new Charts();
  const guidancePanel = new GuidancePanel({
    findCause: (symptom) => send({ type: 'findCause', symptom }),
    open: (file, line, column) => send({ type: 'openLocation', file, line, column }),
    showSockets: (_symptom, keys, title) => {
      evidence = { title, keys: new Set(keys) };
      ui.chip = undefined;
      renderChips();
      renderTable(true);
      view?.table.el.focus();
      view?.table.el.scrollIntoView({ block: 'nearest' });
    },
  });
  const table = new SocketTable({
    onSort: (sort) => {
      ui.sort = sort;
      persist();
      renderTable(true);
    },
    onToggleGroup: (key) => {
      const set = new Set(ui.collapsed);
      if (set.has(key)) set.delete(key);
      else set.add(key);
      ui.collapsed = [...set];
      persist();
      renderTable();
    },
  });
  const filter = h('vscode-textfield', {
    class: 'filter',
    type: 'search',
    placeholder: t('table.filter'),
    'aria-label': t('table.filter'),
    value: ui.filter,
  }) as HTMLElement & { value: string };
  filter.append(h('span', { slot: 'content-before', class: 'codicon codicon-filter', 'aria-hidden': 'true' }));
  let filterTimer = 0;
  filter.addEventListener('input', () => {
    clearTimeout(filterTimer);
    filterTimer = window.setTimeout(() => {
      ui.filter = filter.value;
      persist();
      renderTable(true);
    }, 80);
  });
  const groupBy = h(
    'vscode-single-select',
    { class: 'group-by', 'aria-label': t('table.groupBy'), title: t('table.groupBy') },
    ...(['none', 'peer', 'port'] as GroupBy[]).map((g) => h('vscode-option', { value: g, selected: ui.groupBy === g }, t(`group.${g}`))),
  ) as HTMLElement & { value: string };
  groupBy.addEventListener('change', () => {
    ui.groupBy = groupBy.value as GroupBy;
    persist();
    renderTable(true);
  });
  const count = h('span', { class: 'muted small count', 'aria-live': 'polite' });
  const evidenceNote = h('div', { class: 'filter-note', hidden: true });
  const empty = h('p', { class: 'muted empty', hidden: true });
  const notesEl = h('p', { class: 'muted small notes', hidden: true });
  const stateBox = h('div', { class: 'state-box' });
  const pickerBox = h('div', { class: 'picker-box' });
  // one column in the side bar; in a wide panel the overview and the table side by side (container query)
  const content = h(
    'div',
    { class: 'content', hidden: true },
    h(
      'div',
      { class: 'layout' },
      h('div', { class: 'overview' }, chips.el, charts.el, guidancePanel.el),
      h(
        'section',
        { class: 'sockets', 'aria-labelledby': 'sockets-title' },
        h(
          'div',
          { class: 'table-tools' },
          h('h2', { id: 'sockets-title', class: 'section-title' }, t('table.label')),
          filter,
          groupBy,
          count,
        ),
        evidenceNote,
        table.el,
        empty,
        notesEl,
      ),
    ),
  );
  fill(app, toolbar.el, stateBox, pickerBox, content);
  view = {
    root: app,
    toolbar,
    stateBox,
    pickerBox,
    content,
    chips,
    charts,
    guidance: guidancePanel,
    table,
    filter,
    groupBy,
    count,
    evidenceNote,
    empty,
    notes: notesEl,
  };
  for (const f of restoredFindings) guidancePanel.setFindings(f);
  renderAll();
}

function renderAll(): void {
  renderAttach();
  if (sampling) view?.toolbar.setSampling(sampling);
  renderChips();
  view?.charts.setSamples(samples);
  view?.guidance.setItems(guidance);
  view?.guidance.setGoroutines(goroutines, hello?.goroutinesEnabled ?? false);
  renderTable();
}

function renderAttach(): void {
  if (!view) return;
  const a = attach ?? { type: 'attach', status: { kind: 'discovering' }, actions: [], candidates: [] };
  view.toolbar.setAttach(a);
  const panel = statePanel(a, callbacks);
  fill(view.stateBox, panel);
  const showPicker = pickerOpen !== false || a.status.kind === 'choose';
  fill(view.pickerBox, showPicker ? picker(a, callbacks, closePicker, pickerOpen === 'pid') : null);
  const live = a.status.kind === 'attached' || a.status.kind === 'exited';
  view.content.hidden = !(live && (hasSnapshot || samples.length > 0));
  view.content.classList.toggle('stale', a.status.kind === 'exited');
}

function closePicker(): void {
  pickerOpen = false;
  renderAttach();
}

function renderChips(): void {
  view?.chips.update(samples.at(-1), samples.at(-2), ui.chip);
}

/** Rebuilds the row model and repaints the visible rows. */
function renderTable(userChange = false): void {
  if (!view) return;
  if (userChange) view.table.scrollToTop();
  const keys = evidence?.keys;
  const t0 = performance.now();
  const model = rowBuilder.build(
    sockets,
    closed,
    opened,
    { sort: ui.sort, filter: ui.filter, chip: ui.chip, keys, groupBy: ui.groupBy, collapsed: new Set(ui.collapsed) },
    () => listenPortsOf(sockets.values()),
  );
  stages.rows = performance.now() - t0;
  view.table.setRows(model.rows, now, firstSampleTime, ui.sort);
  setText(view.count, t('table.count', num(model.matched), num(model.total)));
  view.evidenceNote.hidden = !evidence;
  if (evidence) {
    const clear = h('button', { class: 'link', type: 'button' }, t('table.clearFilter'));
    clear.addEventListener('click', () => {
      evidence = undefined;
      renderTable();
    });
    fill(view.evidenceNote, icon('filter'), ' ', t('table.evidenceFilter', evidence.title), ' ', clear);
  }
  const filtered = !!(ui.filter.trim() || ui.chip || evidence);
  view.empty.hidden = model.rows.length > 0 || !hasSnapshot;
  if (!view.empty.hidden) {
    if (filtered) {
      const clear = h('button', { class: 'link', type: 'button' }, t('table.clearFilter'));
      clear.addEventListener('click', () => {
        ui.filter = '';
        ui.chip = undefined;
        evidence = undefined;
        view!.filter.value = '';
        persist();
        renderChips();
        renderTable();
      });
      fill(view.empty, t('table.noMatch'), ' ', clear);
    } else fill(view.empty, t('table.empty'));
  }
  view.table.el.hidden = model.rows.length === 0;
  view.notes.hidden = !notes.length && !otherNetns;
  if (!view.notes.hidden)
    setText(
      view.notes,
      [otherNetns ? t('misc.otherNetns') : '', notes.length ? `${t('misc.notes')}: ${notes.join('; ')}` : ''].filter(Boolean).join(' '),
    );
}

function addSample(s: ViewSample): void {
  if (samples.at(-1)?.time === s.time) samples[samples.length - 1] = s;
  else samples.push(s);
  if (samples.length > 600) samples.splice(0, samples.length - 600);
}

/** Handles one host message (validated). Exposed to the bench to time an update without the event loop. */
/** Where the last update's time went (ms), for the bench. */
const stages: Record<string, number> = {};
function stage<T>(name: string, fn: () => T): T {
  const t0 = performance.now();
  const r = fn();
  stages[name] = performance.now() - t0;
  return r;
}

function receive(raw: unknown): void {
  for (const k of Object.keys(stages)) delete stages[k];
  const r = stage('validate', () => parseHostMessage(raw));
  if (!r.ok) {
    console.warn(`conndoctor: ignored an invalid message: ${r.error}`);
    return;
  }
  handle(r.value);
  persist();
}

function handle(m: HostMessage): void {
  switch (m.type) {
    case 'hello': {
      if (m.version !== PROTOCOL_VERSION) console.warn(`conndoctor: host speaks protocol ${m.version}, view ${PROTOCOL_VERSION}`);
      const changed = !hello || hello.locale !== m.locale || JSON.stringify(hello.strings) !== JSON.stringify(m.strings);
      hello = m;
      setStrings(m.locale, m.strings);
      if (changed || !view) mount();
      else view.guidance.setGoroutines(goroutines, m.goroutinesEnabled);
      return;
    }
    case 'attach': {
      const prevPid = attach?.status.kind === 'attached' ? attach.status.target.pid : undefined;
      attach = m;
      if (m.status.kind === 'attached' && prevPid !== m.status.target.pid) pickerOpen = false;
      if (m.status.kind === 'no-process' || m.status.kind === 'discovering' || m.status.kind === 'unsupported') {
        // nothing to show any more: forget the previous target's sockets
        sockets.clear();
        closed = [];
        hasSnapshot = false;
      }
      renderAttach();
      return;
    }
    case 'sampling':
      sampling = m;
      view?.toolbar.setSampling(m);
      return;
    case 'snapshot':
      sockets.clear();
      for (const s of m.sockets) sockets.set(s.key, s);
      closed = m.closed;
      opened = new Set(m.opened);
      seq = m.seq;
      now = m.time;
      firstSampleTime = m.firstSampleTime;
      hasSnapshot = true;
      afterSample(m.sample, m.elapsedMs, m.notes, m.otherNetns);
      return;
    case 'diff':
      if (m.baseSeq !== seq || !hasSnapshot) {
        // missed a message (the view was reloaded, or a message was dropped): ask for everything
        send({ type: 'requestState' });
        return;
      }
      closed = stage('apply', () => applyDiff(sockets, m));
      opened = new Set(m.opened);
      seq = m.seq;
      now = m.time;
      afterSample(m.sample, m.elapsedMs, m.notes, otherNetns);
      return;
    case 'history':
      samples = m.samples.slice(-600);
      view?.charts.setSamples(samples);
      renderChips();
      return;
    case 'guidance':
      guidance = m.items;
      view?.guidance.setItems(m.items);
      return;
    case 'findings':
      view?.guidance.setFindings(m);
      return;
    case 'goroutines':
      goroutines = m;
      view?.guidance.setGoroutines(m, hello?.goroutinesEnabled ?? false);
      return;
  }
}

function afterSample(sample: ViewSample, ms: number, n: string[] | undefined, netns: boolean | undefined): void {
  addSample(sample);
  elapsedMs = ms;
  notes = n ?? [];
  otherNetns = !!netns;
  if (!view) return;
  view.toolbar.setSampled(elapsedMs);
  stage('chips', renderChips);
  stage('charts', () => view!.charts.setSamples(samples));
  stage('table', () => renderTable());
  renderAttach();
}

window.addEventListener('message', (e: MessageEvent) => receive(e.data));

// theme switches change the body class (vscode-light/dark/high-contrast) and the variables; chart colours follow
new MutationObserver(() => view?.charts.rebuild()).observe(document.body, { attributes: true, attributeFilter: ['class'] });

// Inspection for the UI tests and the bench (the webview is sandboxed; this exposes nothing the page cannot see).
Object.assign(window, {
  conndoctorView: {
    receive,
    charts: () => view?.charts.series(),
    renderedRows: () => view?.table.renderedRows ?? 0,
    stages: () => ({ ...stages }),
  },
});

if (hello) {
  setStrings(hello.locale, hello.strings);
  mount();
}
send({ type: 'ready' });
