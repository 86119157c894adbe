/**
 * Chart layouts: feature-importance bars, partial dependence and line charts
 * (training curves, accuracy per round) as `Chart`s, each written as SVG or
 * PNG by the renderers in chart.ts from the same marks.
 */
import { chartPng, chartSvg, type Chart, type Mark, type RasterOptions } from './chart.js';

const num = (v: number) => (Math.abs(v) >= 1000 || (Math.abs(v) < 0.01 && v !== 0) ? v.toExponential(1) : Number(v.toPrecision(3)).toString());

/** Round tick values from lo to hi, about `count` of them. */
export function niceTicks(lo: number, hi: number, count = 5): number[] {
  const span = hi - lo || 1;
  const mag = 10 ** Math.floor(Math.log10(span / count));
  const step = [1, 2, 5, 10].map((k) => k * mag).find((s) => span / s <= count) ?? 10 * mag;
  const out: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) out.push(Number(v.toPrecision(12)));
  return out;
}

export interface BarChartOptions {
  title?: string;
  /** Error bars (e.g. the std of permutation importance), one per bar. */
  errors?: readonly number[];
  /** Show at most this many bars, largest |value| first. Default 20. */
  top?: number;
}

/**
 * Horizontal bars sorted by |value|, positive to the right in red and
 * negative to the left in blue (the colours of the diverging heatmap map).
 */
export function barChart(labels: readonly string[], values: readonly number[], options: BarChartOptions = {}): Chart {
  const order = values.map((_, i) => i).sort((a, b) => Math.abs(values[b]) - Math.abs(values[a])).slice(0, options.top ?? 20);
  const err = options.errors ?? [];
  const rowH = 22;
  const left = 150;
  const plotW = 420;
  const top = options.title ? 36 : 12;
  const extent = Math.max(1e-12, ...order.map((i) => Math.abs(values[i]) + (err[i] ?? 0)));
  const hasNegative = order.some((i) => values[i] < 0);
  const zero = left + (hasNegative ? plotW / 2 : 0);
  const scale = (hasNegative ? plotW / 2 : plotW) / extent;
  const marks: Mark[] = [];
  if (options.title) marks.push({ kind: 'text', x: left, y: 22, text: options.title, size: 14, bold: true });
  order.forEach((i, r) => {
    const y = top + r * rowH;
    const v = values[i];
    const w = Math.abs(v) * scale;
    marks.push({ kind: 'text', x: left - 8, y: y + 15, text: labels[i] ?? String(i), anchor: 'end' });
    marks.push({ kind: 'rect', x: v >= 0 ? zero : zero - w, y: y + 3, width: w, height: rowH - 6, fill: v >= 0 ? '#b2182b' : '#2166ac' });
    if (err[i] !== undefined && err[i] > 0) {
      const end = zero + v * scale;
      const e = err[i] * scale;
      marks.push({ kind: 'line', points: [[end - e, y + rowH / 2], [end + e, y + rowH / 2]], stroke: '#000000' });
    }
    marks.push({ kind: 'text', x: left + plotW + 6, y: y + 15, text: num(v) });
  });
  marks.push({ kind: 'line', points: [[zero, top], [zero, top + order.length * rowH]], stroke: '#444444' });
  return { width: left + plotW + 70, height: top + order.length * rowH + 30, title: options.title, background: '#ffffff', marks };
}

export interface LinePlotOptions {
  title?: string;
  xLabel?: string;
  yLabel?: string;
}

/**
 * A partial-dependence plot: the average (thick) over the ICE curves (thin,
 * translucent), against the grid of the feature.
 */
export function partialDependenceChart(grid: ArrayLike<number>, average: ArrayLike<number>, ice: ArrayLike<number> = [], options: LinePlotOptions = {}): Chart {
  const g = grid.length;
  const curves = Math.floor(ice.length / Math.max(1, g));
  const all = [...Array.from(average), ...Array.from(ice)];
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (hi === lo) {
    lo -= 1;
    hi += 1;
  }
  const xs = Array.from(grid);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs) === x0 ? x0 + 1 : Math.max(...xs);
  const W = 560;
  const H = 360;
  const m = { l: 60, r: 20, t: options.title ? 36 : 16, b: 44 };
  const px = (x: number) => m.l + ((x - x0) / (x1 - x0)) * (W - m.l - m.r);
  const py = (y: number) => H - m.b - ((y - lo) / (hi - lo)) * (H - m.t - m.b);
  const curve = (ys: (k: number) => number) => xs.map((x, k) => [px(x), py(ys(k))] as [number, number]);
  const marks: Mark[] = [
    { kind: 'line', points: [[m.l, H - m.b], [W - m.r, H - m.b]], stroke: '#444444' },
    { kind: 'line', points: [[m.l, m.t], [m.l, H - m.b]], stroke: '#444444' },
    { kind: 'text', x: m.l, y: H - m.b + 16, text: num(x0) },
    { kind: 'text', x: W - m.r, y: H - m.b + 16, text: num(x1), anchor: 'end' },
    { kind: 'text', x: m.l - 6, y: H - m.b, text: num(lo), anchor: 'end' },
    { kind: 'text', x: m.l - 6, y: m.t + 10, text: num(hi), anchor: 'end' },
  ];
  if (options.title) marks.push({ kind: 'text', x: m.l, y: 22, text: options.title, size: 14, bold: true });
  if (options.xLabel) marks.push({ kind: 'text', x: (W + m.l) / 2, y: H - 8, text: options.xLabel, anchor: 'middle' });
  if (options.yLabel) marks.push({ kind: 'text', x: 14, y: (H - m.b + m.t) / 2, text: options.yLabel, anchor: 'middle', rotate: -90 });
  for (let c = 0; c < curves; c++) marks.push({ kind: 'line', points: curve((k) => ice[c * g + k]), stroke: '#2166ac', opacity: 0.25 });
  marks.push({ kind: 'line', points: curve((k) => average[k]), stroke: '#b2182b', width: 3 });
  return { width: W, height: H, title: options.title, background: '#ffffff', marks };
}

export interface LineSeries {
  label: string;
  /** One value per step; NaN or infinite values leave a gap out of the line. */
  values: ArrayLike<number>;
  /** '#rgb' or '#rrggbb'. */
  color: string;
  dashed?: boolean;
}

export interface LinePanel {
  title: string;
  series: LineSeries[];
}

export interface LineChartOptions {
  /** Drawn above the panels and used as the document title. */
  title?: string;
  /** Under each panel's x axis, e.g. 'epoch' or 'round'. */
  xLabel?: string;
  /** The x value of the first step. Default 1. */
  xStart?: number;
}

const PANEL_W = 420;
const PANEL_H = 300;
const PANEL_M = { left: 56, right: 16, top: 36, bottom: 44 };
const HEADER = 24;

/**
 * Panels side by side, each with a line per series against the step (epoch,
 * round), round y ticks, and a legend placed where the lines end up not
 * being. A series with one finite value is a dot.
 */
export function lineChart(panels: readonly LinePanel[], options: LineChartOptions = {}): Chart {
  const marks: Mark[] = [];
  panels.forEach((p, i) => marks.push(...panelMarks(p, i * PANEL_W, HEADER, options)));
  const width = PANEL_W * Math.max(1, panels.length);
  if (options.title) marks.push({ kind: 'text', x: width / 2, y: 16, text: options.title, anchor: 'middle', size: 13 });
  return { width, height: PANEL_H + HEADER, title: options.title, background: '#ffffff', marks };
}

function panelMarks(p: LinePanel, dx: number, dy: number, options: LineChartOptions): Mark[] {
  const M = PANEL_M;
  const values = p.series.map((s) => Array.from(s.values));
  const finite = values.flat().filter(Number.isFinite);
  const steps = Math.max(1, ...values.map((v) => v.length));
  const start = options.xStart ?? 1;
  let lo = finite.length ? Math.min(...finite) : 0;
  let hi = finite.length ? Math.max(...finite) : 1;
  if (hi - lo < 1e-12) {
    lo -= 0.5;
    hi += 0.5;
  }
  const pw = PANEL_W - M.left - M.right;
  const ph = PANEL_H - M.top - M.bottom;
  const x = (i: number) => dx + M.left + (steps === 1 ? pw / 2 : (pw * i) / (steps - 1));
  const y = (v: number) => dy + M.top + ph - (ph * (v - lo)) / (hi - lo);
  const size = 11;
  const marks: Mark[] = [{ kind: 'text', x: dx + PANEL_W / 2, y: dy + 20, text: p.title, anchor: 'middle', bold: true, size }];
  const [left, right, top, bottom] = [dx + M.left, dx + M.left + pw, dy + M.top, dy + M.top + ph];
  for (const t of niceTicks(lo, hi)) {
    if (t < lo || t > hi) continue;
    marks.push({ kind: 'line', points: [[left, y(t)], [right, y(t)]], stroke: '#eeeeee' });
    marks.push({ kind: 'text', x: left - 6, y: y(t) + 4, text: num(t), anchor: 'end', size });
  }
  for (const edge of [[[left, top], [right, top]], [[right, top], [right, bottom]], [[right, bottom], [left, bottom]], [[left, bottom], [left, top]]] as [number, number][][]) {
    marks.push({ kind: 'line', points: edge, stroke: '#999999' });
  }
  for (const t of niceTicks(start, start + steps - 1, Math.min(6, steps))) {
    if (!Number.isInteger(t) || t < start || t > start + steps - 1) continue;
    marks.push({ kind: 'text', x: x(t - start), y: bottom + 16, text: String(t), anchor: 'middle', size });
  }
  if (options.xLabel) marks.push({ kind: 'text', x: left + pw / 2, y: dy + PANEL_H - 8, text: options.xLabel, anchor: 'middle', size });
  // The legend goes where the curves end up not being: top right when they fall, bottom right when they rise.
  const ends = values.map((v) => v.at(-1)).filter((v): v is number => v !== undefined && Number.isFinite(v));
  const rising = ends.length > 0 && ends.reduce((a, b) => a + b, 0) / ends.length > (lo + hi) / 2;
  const legendTop = rising ? bottom - 10 - 16 * p.series.length : top;
  p.series.forEach((s, k) => {
    const dash = s.dashed ? [6, 4] : undefined;
    const pts = values[k].flatMap((v, i) => (Number.isFinite(v) ? [[x(i), y(v)] as [number, number]] : []));
    if (pts.length === 1) marks.push({ kind: 'circle', cx: pts[0][0], cy: pts[0][1], r: 3, fill: s.color });
    else if (pts.length > 1) marks.push({ kind: 'line', points: pts, stroke: s.color, width: 2, dash });
    const ly = legendTop + 14 + 16 * k;
    marks.push({ kind: 'line', points: [[right - 110, ly - 4], [right - 90, ly - 4]], stroke: s.color, width: 2, dash });
    marks.push({ kind: 'text', x: right - 84, y: ly, text: s.label, size });
  });
  return marks;
}

export function barChartSvg(labels: readonly string[], values: readonly number[], options: BarChartOptions = {}): string {
  return chartSvg(barChart(labels, values, options));
}

export function barChartPng(labels: readonly string[], values: readonly number[], options: BarChartOptions & RasterOptions = {}): Uint8Array {
  return chartPng(barChart(labels, values, options), options);
}

export function partialDependenceSvg(grid: ArrayLike<number>, average: ArrayLike<number>, ice: ArrayLike<number> = [], options: LinePlotOptions = {}): string {
  return chartSvg(partialDependenceChart(grid, average, ice, options));
}

export function partialDependencePng(grid: ArrayLike<number>, average: ArrayLike<number>, ice: ArrayLike<number> = [], options: LinePlotOptions & RasterOptions = {}): Uint8Array {
  return chartPng(partialDependenceChart(grid, average, ice, options), options);
}

export function lineChartSvg(panels: readonly LinePanel[], options: LineChartOptions = {}): string {
  return chartSvg(lineChart(panels, options));
}

export function lineChartPng(panels: readonly LinePanel[], options: LineChartOptions & RasterOptions = {}): Uint8Array {
  return chartPng(lineChart(panels, options), options);
}
