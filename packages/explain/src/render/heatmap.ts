import { ArgumentError } from '@neurite/core';
import { DIVERGING, SEQUENTIAL, colorAt, type ColorMap } from './colormap.js';
import type { RasterImage } from './png.js';

export interface HeatmapOptions {
  /**
   * Signed values use the diverging map around zero; unsigned ones (or
   * `signed: false`) the sequential map of |value|. Default: signed when
   * any value is negative.
   */
  signed?: boolean;
  /**
   * Values are divided by this percentile of |value| (then clamped), so a
   * few extreme pixels do not wash out the rest. Default 99.
   */
  percentile?: number;
  map?: ColorMap;
}

/** The scale that maps |values| to [0, 1]: the given percentile of the magnitudes. */
export function attributionScale(values: ArrayLike<number>, percentile = 99): number {
  const mags = Float64Array.from(values, Math.abs).sort();
  if (mags.length === 0) return 1;
  const k = Math.min(mags.length - 1, Math.max(0, Math.ceil((percentile / 100) * mags.length) - 1));
  return mags[k] > 0 ? mags[k] : mags[mags.length - 1] || 1;
}

/** Colours for attribution values: RGB bytes, one pixel per value. */
export function colorize(values: ArrayLike<number>, options: HeatmapOptions = {}): Uint8Array {
  let negative = false;
  for (let i = 0; i < values.length; i++) if (values[i] < 0) negative = true;
  const signed = options.signed ?? negative;
  const map = options.map ?? (signed ? DIVERGING : SEQUENTIAL);
  const scale = attributionScale(values, options.percentile ?? 99);
  const out = new Uint8Array(values.length * 3);
  for (let i = 0; i < values.length; i++) {
    const v = values[i] / scale;
    const rgb = colorAt(map, signed ? 0.5 + 0.5 * v : Math.abs(v));
    out.set(rgb, i * 3);
  }
  return out;
}

export interface HeatmapRow {
  /** The input image, height x width, grayscale values (scaled by their own min and max to 0..255). */
  image: ArrayLike<number>;
  /** Attributions of the same height x width (sum channels first for colour inputs). */
  attribution: ArrayLike<number>;
}

export interface HeatmapGridOptions extends HeatmapOptions {
  height: number;
  width: number;
  /** Pixels per input pixel. Default 8 (a 28 x 28 digit becomes 224 x 224). */
  zoom?: number;
  /** Also draw the heatmap blended over the image, as a third column. Default true. */
  overlay?: boolean;
}

/**
 * One row per example: the input, its heatmap, and (optionally) the heatmap
 * blended over the input, side by side with a 1-pixel white gap, scaled up
 * by `zoom` with nearest-neighbour pixels. Each row's colours are scaled on
 * their own. Encode the result with `encodePng`.
 */
export function heatmapGrid(rows: readonly HeatmapRow[], options: HeatmapGridOptions): RasterImage {
  const { height: h, width: w } = options;
  const zoom = options.zoom ?? 8;
  const columns = options.overlay === false ? 2 : 3;
  if (rows.length === 0) throw new ArgumentError('heatmapGrid: no rows - pass at least one image with its attribution');
  if (!Number.isInteger(zoom) || zoom < 1 || zoom > 64) throw new ArgumentError(`heatmapGrid: zoom must be an integer from 1 to 64, got ${zoom}`);
  const gap = 2;
  const cellW = w * zoom;
  const cellH = h * zoom;
  const width = columns * cellW + (columns + 1) * gap;
  const height = rows.length * cellH + (rows.length + 1) * gap;
  const data = new Uint8Array(width * height * 3).fill(255);
  rows.forEach((row, r) => {
    if (row.image.length !== h * w || row.attribution.length !== h * w) {
      throw new ArgumentError(`heatmapGrid: row ${r} has ${row.image.length} image and ${row.attribution.length} attribution values for ${h} x ${w} - flatten them to height x width`);
    }
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < h * w; i++) {
      lo = Math.min(lo, row.image[i]);
      hi = Math.max(hi, row.image[i]);
    }
    const gray = Float64Array.from({ length: h * w }, (_, i) => (hi > lo ? (row.image[i] - lo) / (hi - lo) : 0));
    const colors = colorize(row.attribution, options);
    const top = gap + r * (cellH + gap);
    for (let y = 0; y < cellH; y++) {
      for (let x = 0; x < cellW; x++) {
        const p = Math.floor(y / zoom) * w + Math.floor(x / zoom);
        const g = Math.round(gray[p] * 255);
        const pixel = [
          [g, g, g],
          [colors[p * 3], colors[p * 3 + 1], colors[p * 3 + 2]],
          // Overlay: the heatmap at 60% over the image.
          [0, 1, 2].map((c) => Math.round(0.4 * g + 0.6 * colors[p * 3 + c])),
        ];
        for (let c = 0; c < columns; c++) {
          const o = ((top + y) * width + gap + c * (cellW + gap) + x) * 3;
          data.set(pixel[c], o);
        }
      }
    }
  });
  return { width, height, channels: 3, data };
}
