/**
 * Training curves (loss on the left, the metric on the right, train and
 * validation lines) and accuracy per federated round, as SVG or PNG: the
 * layout is @neurite/explain's line chart, drawn by either renderer.
 */
import { rename, rm, writeFile } from 'node:fs/promises';
import { lineChart, renderChart, type Chart, type LinePanel, type LineSeries } from '@neurite/explain';
import { UsageError, describeFsError } from './errors.js';

export type Series = LineSeries;
export type Panel = LinePanel;
export type PlotFormat = 'svg' | 'png';

export interface CurvesOptions {
  /** Under each x axis. Default 'epoch'; federated runs use 'round'. */
  xLabel?: string;
}

/** The chart of the panels side by side, under a title. */
export function curvesChart(panels: readonly Panel[], title: string, options: CurvesOptions = {}): Chart {
  return lineChart(panels, { title, xLabel: options.xLabel ?? 'epoch' });
}

/** A standalone SVG document (with an XML declaration) of the panels. */
export function curvesSvg(panels: readonly Panel[], title: string, options: CurvesOptions = {}): string {
  return `<?xml version="1.0" encoding="UTF-8"?>\n${renderChart(curvesChart(panels, title, options), 'svg')}\n`;
}

/** PNG bytes of the panels, at twice the SVG's pixel size. */
export function curvesPng(panels: readonly Panel[], title: string, options: CurvesOptions = {}): Uint8Array {
  return renderChart(curvesChart(panels, title, options), 'png', { pixelRatio: 2 });
}

/** The format a --plot file name asks for, by its extension. */
export function plotFormat(path: string, flag = '--plot'): PlotFormat {
  if (/\.png$/i.test(path)) return 'png';
  if (/\.svg$/i.test(path)) return 'svg';
  throw new UsageError(`${flag} needs a file name ending in .png or .svg, got '${path}'`);
}

/**
 * Writes the panels to `path` as PNG or SVG (by its extension), through a
 * temporary file renamed into place so a reader never sees half of it. A
 * file-system failure is a UsageError naming the path. Used by `train
 * --plot` (loss and metric per epoch) and fit for `federate --plot`
 * (accuracy and loss per round: `{ xLabel: 'round' }`).
 */
export async function writePlot(path: string, panels: readonly Panel[], title: string, options: CurvesOptions & { flag?: string } = {}): Promise<PlotFormat> {
  const format = plotFormat(path, options.flag);
  const body = format === 'png' ? curvesPng(panels, title, options) : curvesSvg(panels, title, options);
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, body);
    await rename(tmp, path);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => undefined);
    throw new UsageError(`cannot write the plot '${path}': ${describeFsError(e)}`);
  }
  return format;
}

/** Panels for a fit history: loss and, when present, the first metric. */
export function historyPanels(history: Record<string, number[]>, metric: string): Panel[] {
  const panels: Panel[] = [
    {
      title: 'loss',
      series: [
        { label: 'train', values: history.loss ?? [], color: '#1f77b4' },
        ...(history.val_loss ? [{ label: 'validation', values: history.val_loss, color: '#ff7f0e', dashed: true }] : []),
      ],
    },
  ];
  if (history[metric]) {
    panels.push({
      title: metric,
      series: [
        { label: 'train', values: history[metric], color: '#1f77b4' },
        ...(history[`val_${metric}`] ? [{ label: 'validation', values: history[`val_${metric}`], color: '#ff7f0e', dashed: true }] : []),
      ],
    });
  }
  return panels;
}
