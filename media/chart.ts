// Time series with uPlot: the state counts per sample, and open fds against the fd limit. Colours come from the
// theme's chart variables (--vscode-charts-*), re-read when the theme changes.
import uPlot from 'uplot';
import { CHIP_STATES, type ChipState, type ViewSample } from '../src/sockets/viewProtocol';
import { chipCount } from './chips';
import { h } from './dom';
import { num, t } from './i18n';

const STATE_COLOR: Record<ChipState, [string, string]> = {
  ESTABLISHED: ['--vscode-charts-green', '#388a34'],
  CLOSE_WAIT: ['--vscode-charts-red', '#e51400'],
  TIME_WAIT: ['--vscode-charts-yellow', '#bf8803'],
  SYN_SENT: ['--vscode-charts-orange', '#d18616'],
  FIN_WAIT: ['--vscode-charts-purple', '#652d90'],
  LISTEN: ['--vscode-charts-blue', '#1a85ff'],
};

function cssVar(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

/** #rgb/#rrggbb(aa) with its alpha scaled (grid lines: the theme's border colour, fainter). */
function faint(color: string, alpha: number): string {
  const m = /^#([0-9a-f]{3,8})$/i.exec(color);
  if (!m) return color;
  let hex = m[1];
  if (hex.length <= 4) hex = [...hex].map((c) => c + c).join('');
  const a = hex.length === 8 ? parseInt(hex.slice(6), 16) / 255 : 1;
  const [r, g, b] = [0, 2, 4].map((i) => parseInt(hex.slice(i, i + 2), 16));
  return `rgba(${r}, ${g}, ${b}, ${(a * alpha).toFixed(3)})`;
}

const TIME_INCRS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200];

/** Local wall-clock time of a uPlot x value (seconds since the epoch), HH:MM:SS. */
function clock(v: number): string {
  const d = new Date(v * 1000);
  return [d.getHours(), d.getMinutes(), d.getSeconds()].map((n) => String(n).padStart(2, '0')).join(':');
}

/** A limit more than this many times the highest fd count is left off the scale (it would flatten the line). */
const LIMIT_IN_SCALE = 3;

export interface ChartSeries {
  labels: string[];
  data: (number | null)[][];
}

export class Charts {
  readonly el: HTMLElement;
  private readonly statesBox: HTMLElement;
  private readonly fdsBox: HTMLElement;
  private readonly limitNote: HTMLElement;
  private readonly openValue: HTMLElement;
  private readonly limitValue: HTMLElement;
  private states: uPlot | undefined;
  private fds: uPlot | undefined;
  private samples: ViewSample[] = [];
  private width = 0;
  /** on screen (IntersectionObserver); off screen, new samples wait and the plots are not redrawn */
  private onScreen = true;
  private stale = false;

  constructor() {
    this.statesBox = h('div', { class: 'chart', role: 'img', 'aria-label': t('chart.states') });
    this.fdsBox = h('div', { class: 'chart', role: 'img', 'aria-label': t('chart.fds') });
    this.limitNote = h('span', { class: 'limit-note' });
    this.openValue = h('span', { class: 'legend-value' });
    this.limitValue = h('span', { class: 'legend-value' });
    this.el = h(
      'div',
      { class: 'charts' },
      h('div', { class: 'chart-title' }, t('chart.states')),
      this.statesBox,
      h('div', { class: 'chart-title' }, t('chart.fds')),
      this.fdsBox,
      h(
        'div',
        { class: 'legend' },
        h('span', { class: 'swatch open', 'aria-hidden': 'true' }),
        t('chart.open'),
        ' ',
        this.openValue,
        h('span', { class: 'swatch limit', 'aria-hidden': 'true' }),
        t('chart.limit'),
        ' ',
        this.limitValue,
        this.limitNote,
      ),
    );
    new ResizeObserver(() => {
      const w = Math.floor(this.el.clientWidth);
      if (w && w !== this.width) {
        this.width = w;
        this.states?.setSize({ width: w, height: 130 });
        this.fds?.setSize({ width: w, height: 90 });
        if (!this.states) this.rebuild();
      }
    }).observe(this.el);
    // A chart scrolled out of the view (the sidebar, reading the table) costs nothing per sample: uPlot redraws
    // both canvases, axis labels included, on every setData. It catches up when it comes back into view.
    new IntersectionObserver((entries) => {
      this.onScreen = entries[entries.length - 1].isIntersecting;
      if (this.onScreen && this.stale) this.plot();
    }).observe(this.el);
  }

  /** Theme changed: colours are baked into the plots, so make new ones. */
  rebuild(): void {
    this.states?.destroy();
    this.fds?.destroy();
    this.states = this.fds = undefined;
    if (!this.width) return;
    const axisStroke = cssVar('--vscode-descriptionForeground', '#717171');
    const gridStroke = faint(cssVar('--vscode-editorWidget-border', cssVar('--vscode-panel-border', '#808080')), 0.45);
    const font = `11px ${cssVar('--vscode-font-family', 'sans-serif')}`;
    const axes = (): uPlot.Axis[] => [
      {
        stroke: axisStroke,
        font,
        grid: { stroke: gridStroke, width: 0.5 },
        ticks: { stroke: gridStroke, width: 0.5 },
        size: 28,
        space: 70,
        // whole seconds at least: samples are ≥ 250 ms apart, and "58.500" says nothing useful
        incrs: TIME_INCRS,
        values: (_u, vals) => vals.map(clock),
      },
      {
        stroke: axisStroke,
        font,
        grid: { stroke: gridStroke, width: 0.5 },
        ticks: { show: false },
        size: 44,
        space: 18,
        values: (_u, vals) => vals.map((v) => (Number.isInteger(v) ? num(v) : '')),
      },
    ];
    const restartMarks = (u: uPlot) => {
      const ctx = u.ctx;
      const xs = u.data[0];
      ctx.save();
      ctx.strokeStyle = axisStroke;
      ctx.setLineDash([4, 3]);
      ctx.lineWidth = 1;
      for (let i = 1; i < this.samples.length && i < xs.length; i++) {
        if (this.samples[i].pid === this.samples[i - 1].pid) continue;
        const x = Math.round(u.valToPos(xs[i], 'x', true));
        ctx.beginPath();
        ctx.moveTo(x, u.bbox.top);
        ctx.lineTo(x, u.bbox.top + u.bbox.height);
        ctx.stroke();
      }
      ctx.restore();
    };
    this.states = new uPlot(
      {
        width: this.width,
        height: 130,
        // the state chips above are the legend (same colours)
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 5 } },
        scales: { y: { range: (_u, _min, max) => [0, Math.max(4, Math.ceil(max * 1.1))] } },
        axes: axes(),
        series: [
          { label: t('chart.time') },
          ...CHIP_STATES.map((c) => ({
            label: c,
            stroke: cssVar(...STATE_COLOR[c]),
            width: c === 'CLOSE_WAIT' ? 2 : 1.25,
            points: { show: false },
          })),
        ],
        hooks: { draw: [restartMarks] },
      },
      this.statesData(),
      this.statesBox,
    );
    const openColor = cssVar('--vscode-charts-blue', '#1a85ff');
    const limitColor = cssVar('--vscode-charts-red', '#e51400');
    this.fds = new uPlot(
      {
        width: this.width,
        height: 90,
        legend: { show: false },
        cursor: { drag: { x: false, y: false }, points: { size: 5 } },
        scales: {
          y: {
            range: (u) => {
              const open = (u.data[1] as (number | null)[]).reduce<number>((m, v) => Math.max(m, v ?? 0), 0);
              const limit = (u.data[2] as (number | null)[]).reduce<number>((m, v) => Math.max(m, v ?? 0), 0);
              const top = limit && limit <= Math.max(open, 1) * LIMIT_IN_SCALE ? limit : open;
              return [0, Math.max(8, Math.ceil(top * 1.1))];
            },
          },
        },
        axes: axes(),
        series: [
          { label: t('chart.time') },
          { label: t('chart.open'), stroke: openColor, width: 1.5, fill: `${openColor}22`, points: { show: false } },
          { label: t('chart.limit'), stroke: limitColor, width: 1, dash: [6, 4], points: { show: false } },
        ],
        hooks: { draw: [restartMarks] },
      },
      this.fdsData(),
      this.fdsBox,
    );
    this.stale = false;
    this.updateLimitNote();
  }

  setSamples(samples: ViewSample[]): void {
    this.samples = samples;
    if (this.onScreen) this.plot();
    else this.stale = true;
  }

  private plot(): void {
    this.stale = false;
    this.states?.setData(this.statesData());
    this.fds?.setData(this.fdsData());
    this.updateLimitNote();
  }

  /** The plotted series (for tests): labels and values as uPlot holds them. */
  series(): { states: ChartSeries; fds: ChartSeries } {
    if (this.stale) this.plot();
    const pick = (u: uPlot | undefined): ChartSeries => ({
      labels: u ? u.series.map((s) => String(s.label ?? '')) : [],
      data: u ? u.data.map((d) => Array.from(d as ArrayLike<number | null>)) : [],
    });
    return { states: pick(this.states), fds: pick(this.fds) };
  }

  private statesData(): uPlot.AlignedData {
    const xs = this.samples.map((s) => s.time / 1000);
    return [xs, ...CHIP_STATES.map((c) => this.samples.map((s) => chipCount(s, c)))];
  }

  private fdsData(): uPlot.AlignedData {
    return [this.samples.map((s) => s.time / 1000), this.samples.map((s) => s.fds ?? null), this.samples.map((s) => s.fdLimit ?? null)];
  }

  private updateLimitNote(): void {
    const last = this.samples.at(-1);
    const open = this.samples.reduce((m, s) => Math.max(m, s.fds ?? 0), 0);
    const off = last?.fdLimit !== undefined && last.fdLimit > Math.max(open, 1) * LIMIT_IN_SCALE;
    this.openValue.textContent = last?.fds !== undefined ? num(last.fds) : '–';
    this.limitValue.textContent = last?.fdLimit !== undefined ? num(last.fdLimit) : '–';
    this.limitNote.hidden = !off;
    this.limitNote.textContent = off ? t('chart.limitOff') : '';
  }
}
