import { ArgumentError } from '@neurite/core';
import { encodePng, type RasterImage } from './png.js';
import { Canvas } from './raster.js';

/**
 * A chart laid out once as marks in a width x height box (pixels at the
 * SVG's size), then written by either renderer: `chartSvg` as vector text,
 * `rasterizeChart`/`chartPng` as pixels. The layout functions in charts.ts
 * build these, so bar charts, partial dependence and training curves look
 * the same in both formats.
 */
export interface Chart {
  width: number;
  height: number;
  /** The document's title (SVG <title>); drawn titles are text marks. */
  title?: string;
  background: string;
  /** Painted in order, later over earlier. */
  marks: Mark[];
}

/** Colours are '#rgb' or '#rrggbb'. */
export type Mark =
  | { kind: 'rect'; x: number; y: number; width: number; height: number; fill: string; opacity?: number }
  | { kind: 'line'; points: [number, number][]; stroke: string; width?: number; dash?: number[]; opacity?: number }
  | { kind: 'circle'; cx: number; cy: number; r: number; fill: string }
  | { kind: 'text'; x: number; y: number; text: string; color?: string; size?: number; anchor?: 'start' | 'middle' | 'end'; bold?: boolean; rotate?: -90 };

export type ChartFormat = 'svg' | 'png';

export interface RasterOptions {
  /** Device pixels per chart pixel: 2 gives a sharper, twice as large image. Default 2. */
  pixelRatio?: number;
}

/** The font size of text marks without one, as in the SVG. */
const DEFAULT_SIZE = 12;

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
const f = (v: number) => String(Number(v.toFixed(1)));

/** A standalone SVG document (no XML declaration, no DOM needed). */
export function chartSvg(chart: Chart): string {
  const parts = [`<svg xmlns="http://www.w3.org/2000/svg" width="${chart.width}" height="${chart.height}" viewBox="0 0 ${chart.width} ${chart.height}" font-family="sans-serif" font-size="${DEFAULT_SIZE}">`];
  if (chart.title !== undefined) parts.push(`<title>${esc(chart.title)}</title>`);
  parts.push(`<rect width="100%" height="100%" fill="${chart.background}"/>`);
  for (const m of chart.marks) {
    const opacity = 'opacity' in m && m.opacity !== undefined && m.opacity < 1 ? ` opacity="${m.opacity}"` : '';
    if (m.kind === 'rect') parts.push(`<rect x="${f(m.x)}" y="${f(m.y)}" width="${f(m.width)}" height="${f(m.height)}" fill="${m.fill}"${opacity}/>`);
    else if (m.kind === 'circle') parts.push(`<circle cx="${f(m.cx)}" cy="${f(m.cy)}" r="${f(m.r)}" fill="${m.fill}"/>`);
    else if (m.kind === 'line') {
      const style = `fill="none" stroke="${m.stroke}"${m.width !== undefined && m.width !== 1 ? ` stroke-width="${m.width}"` : ''}${m.dash ? ` stroke-dasharray="${m.dash.join(' ')}"` : ''}${opacity.replace('opacity', 'stroke-opacity')}`;
      const [a, b] = m.points;
      if (m.points.length === 2) parts.push(`<line x1="${f(a[0])}" y1="${f(a[1])}" x2="${f(b[0])}" y2="${f(b[1])}" ${style}/>`);
      else parts.push(`<polyline points="${m.points.map(([x, y]) => `${f(x)},${f(y)}`).join(' ')}" ${style}/>`);
    } else {
      const attrs = [
        `x="${f(m.x)}"`,
        `y="${f(m.y)}"`,
        ...(m.anchor && m.anchor !== 'start' ? [`text-anchor="${m.anchor}"`] : []),
        ...(m.size !== undefined && m.size !== DEFAULT_SIZE ? [`font-size="${m.size}"`] : []),
        ...(m.bold ? ['font-weight="bold"'] : []),
        ...(m.color ? [`fill="${m.color}"`] : []),
        ...(m.rotate ? [`transform="rotate(${m.rotate} ${f(m.x)} ${f(m.y)})"`] : []),
      ];
      parts.push(`<text ${attrs.join(' ')}>${esc(m.text)}</text>`);
    }
  }
  parts.push('</svg>');
  return parts.join('\n');
}

/**
 * Pixels of the chart. Text uses the 5 x 7 bitmap font at a whole-number
 * scale near the SVG's font size; axis-parallel lines are snapped so that
 * they cover whole pixels, as a browser's crisp-edges rendering would.
 */
export function rasterizeChart(chart: Chart, options: RasterOptions = {}): RasterImage {
  const r = options.pixelRatio ?? 2;
  if (!(Number.isInteger(r) && r >= 1 && r <= 8)) throw new ArgumentError(`rasterizeChart: pixelRatio must be an integer from 1 to 8, got ${r}`);
  const canvas = new Canvas(Math.ceil(chart.width * r), Math.ceil(chart.height * r), chart.background);
  for (const m of chart.marks) {
    if (m.kind === 'rect') {
      // Whole device pixels: bars keep their proportions to within one pixel and have sharp edges.
      const x0 = Math.round(m.x * r);
      const y0 = Math.round(m.y * r);
      canvas.fillRect(x0, y0, Math.round((m.x + m.width) * r) - x0, Math.round((m.y + m.height) * r) - y0, m.fill, m.opacity ?? 1);
    } else if (m.kind === 'circle') canvas.fillCircle(m.cx * r, m.cy * r, m.r * r, m.fill);
    else if (m.kind === 'line') {
      const width = (m.width ?? 1) * r;
      canvas.stroke(snap(m.points, r, width), m.stroke, { width, dash: m.dash?.map((d) => d * r), opacity: m.opacity });
    } else {
      const scale = Math.max(1, Math.round((r * (m.size ?? DEFAULT_SIZE)) / 10));
      canvas.text(m.text, m.x * r, m.y * r, m.color ?? '#000000', { scale, anchor: m.anchor, bold: m.bold, rotate: m.rotate });
    }
  }
  return canvas.image();
}

/**
 * Device coordinates of a line; a line that is entirely horizontal or
 * vertical moves across by under a pixel so both edges land on pixel
 * boundaries (a 1-pixel line at y = 36 would otherwise be two half-grey rows).
 */
function snap(points: readonly [number, number][], r: number, width: number): [number, number][] {
  const scaled = points.map(([x, y]) => [x * r, y * r] as [number, number]);
  const onEdge = (v: number) => Math.round(v - width / 2) + width / 2;
  if (scaled.every((p) => p[1] === scaled[0][1])) return scaled.map(([x, y]) => [x, onEdge(y)]);
  if (scaled.every((p) => p[0] === scaled[0][0])) return scaled.map(([x, y]) => [onEdge(x), y]);
  return scaled;
}

/** PNG bytes of the chart. */
export function chartPng(chart: Chart, options: RasterOptions = {}): Uint8Array {
  return encodePng(rasterizeChart(chart, options));
}

/** The chart as SVG text or PNG bytes. */
export function renderChart(chart: Chart, format: 'svg', options?: RasterOptions): string;
export function renderChart(chart: Chart, format: 'png', options?: RasterOptions): Uint8Array;
export function renderChart(chart: Chart, format: ChartFormat, options?: RasterOptions): string | Uint8Array;
export function renderChart(chart: Chart, format: ChartFormat, options: RasterOptions = {}): string | Uint8Array {
  if (format === 'svg') return chartSvg(chart);
  if (format === 'png') return chartPng(chart, options);
  throw new ArgumentError(`renderChart: unknown format '${String(format)}' - use 'svg' or 'png'`);
}
