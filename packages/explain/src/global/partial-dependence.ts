import { ArgumentError, type Tensor } from '@neurite/core';
import { positiveInt, readRows } from '../inputs.js';
import type { Explainable, Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';

export interface PartialDependenceOptions extends BatchOptions {
  /** The output to follow (a class index) for models with several outputs. */
  target?: number;
  /** The values the feature is set to. Default: `gridSize` points evenly from its minimum to its maximum in x. */
  grid?: readonly number[];
  /** Default 20. */
  gridSize?: number;
}

export interface PartialDependenceResult {
  feature: number;
  grid: Float64Array;
  /** Partial dependence: the mean over examples of the ICE curves, one value per grid point. */
  average: Float64Array;
  /** ICE curves (Goldstein et al. 2015), `[N, grid]`: each example's output as the feature moves over the grid. */
  ice: Float64Array;
  modelCalls: number;
}

/**
 * Partial dependence (Friedman 2001) and ICE curves of one feature (a flat
 * index into one example): every example with the feature set to every grid
 * value, in one batched evaluation of N x grid rows.
 */
export function partialDependence(model: Explainable, x: Tensor, feature: number, options: PartialDependenceOptions = {}): PartialDependenceResult {
  const op = 'partialDependence';
  const rows = readRows(op, x);
  const { n, featureSize: d, data } = rows;
  if (!Number.isInteger(feature) || feature < 0 || feature >= d) throw new ArgumentError(`${op}: feature ${feature} is not an index of the ${d} features`);
  let grid: Float64Array;
  if (options.grid !== undefined) {
    if (options.grid.length === 0) throw new ArgumentError(`${op}: grid is empty - give at least one value`);
    grid = Float64Array.from(options.grid);
  } else {
    const size = positiveInt(op, 'gridSize', options.gridSize ?? 20);
    let lo = Infinity;
    let hi = -Infinity;
    for (let i = 0; i < n; i++) {
      lo = Math.min(lo, data[i * d + feature]);
      hi = Math.max(hi, data[i * d + feature]);
    }
    grid = Float64Array.from({ length: size }, (_, k) => (size === 1 ? lo : lo + ((hi - lo) * k) / (size - 1)));
  }
  const g = grid.length;
  const batch = new Float32Array(n * g * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < g; k++) {
      const o = (i * g + k) * d;
      batch.set(data.subarray(i * d, (i + 1) * d), o);
      batch[o + feature] = grid[k];
    }
  }
  const runner = new Runner(op, model, rows.featureShape, options);
  const ice = runner.forward(batch, n * g, options.target as Target);
  const average = new Float64Array(g);
  for (let i = 0; i < n; i++) for (let k = 0; k < g; k++) average[k] += ice[i * g + k] / n;
  return { feature, grid, average, ice, modelCalls: runner.calls };
}
