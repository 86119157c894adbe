import { ArgumentError, ShapeError, add, div, mul, sub, tensor, tidy, type Tensor } from '@neurite/core';

/**
 * Column statistics are fitted once, on training data, and applied unchanged
 * to validation and test data, so no information leaks from held-out
 * examples. Columns are the last axis: for images [n, h, w, c] that is per channel.
 * Scalers hold plain numbers, not tensors: nothing to dispose, easy to save.
 */
export interface Scaler {
  /** Scaled copy of x (same shape; the caller disposes it). */
  transform(x: Tensor): Tensor;
  /** Undoes transform (to report predictions in the original units). */
  inverseTransform(x: Tensor): Tensor;
  toJSON(): ScalerJSON;
}

export type ScalerJSON =
  | { kind: 'standard'; mean: number[]; std: number[] }
  | { kind: 'minmax'; min: number[]; max: number[]; range: [number, number] };

interface ColumnStats {
  mean: Float64Array;
  std: Float64Array;
  min: Float64Array;
  max: Float64Array;
}

/** Per-column statistics in float64, so that large columns do not lose digits to float32 sums. */
function columnStats(op: string, x: Tensor): ColumnStats {
  if (x.rank < 2 || x.size === 0) {
    throw new ShapeError(`${op}: needs at least one example of shape [n, ..., features], got [${x.shape.join(',')}]`);
  }
  const d = x.shape[x.rank - 1];
  const data = x.dataSync();
  const rows = data.length / d;
  const mean = new Float64Array(d);
  const min = new Float64Array(d).fill(Infinity);
  const max = new Float64Array(d).fill(-Infinity);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < d; j++) {
      const v = data[r * d + j];
      mean[j] += v;
      if (v < min[j]) min[j] = v;
      if (v > max[j]) max[j] = v;
    }
  }
  for (let j = 0; j < d; j++) mean[j] /= rows;
  // Two passes: the one-pass formula cancels badly when the mean is large against the spread.
  const std = new Float64Array(d);
  for (let r = 0; r < rows; r++) for (let j = 0; j < d; j++) std[j] += (data[r * d + j] - mean[j]) ** 2;
  for (let j = 0; j < d; j++) {
    std[j] = Math.sqrt(std[j] / rows);
    if (!Number.isFinite(mean[j]) || !Number.isFinite(std[j])) {
      throw new ArgumentError(`${op}: column ${j} holds NaN or infinite values - clean the data before fitting`);
    }
  }
  return { mean, std, min, max };
}

function checkColumns(op: string, x: Tensor, d: number): void {
  if (x.rank < 1 || x.shape[x.rank - 1] !== d) {
    throw new ShapeError(`${op}: the scaler was fitted on ${d} columns but x has shape [${x.shape.join(',')}] - apply it to data with the same features`);
  }
}

/** Applies (x - shift) / scale per column, or its inverse. */
function affine(op: string, x: Tensor, shift: ArrayLike<number>, scale: ArrayLike<number>, inverse: boolean): Tensor {
  checkColumns(op, x, shift.length);
  return tidy(() => {
    const s = tensor(Float32Array.from(shift), [shift.length], x.dtype);
    const k = tensor(Float32Array.from(scale), [scale.length], x.dtype);
    return inverse ? add(mul(x, k), s) : div(sub(x, s), k);
  });
}

/**
 * Standardization to zero mean and unit (population) variance per column.
 * A constant column has no spread to divide by: its scale is taken as 1, so
 * it becomes all zeros rather than NaN.
 */
export function fitStandardizer(x: Tensor): Scaler {
  const { mean, std, min, max } = columnStats('fitStandardizer', x);
  const scale = Array.from(std, (s, j) => (s === 0 || min[j] === max[j] ? 1 : s));
  return standardizerFrom(Array.from(mean), scale);
}

function standardizerFrom(mean: number[], std: number[]): Scaler {
  return {
    transform: (x) => affine('standardize', x, mean, std, false),
    inverseTransform: (x) => affine('standardize.inverse', x, mean, std, true),
    toJSON: () => ({ kind: 'standard', mean: [...mean], std: [...std] }),
  };
}

/**
 * Min-max scaling of each column to `range` (default [0, 1]) using the
 * fitted minimum and maximum. A constant column maps to the low end of the range.
 */
export function fitMinMaxScaler(x: Tensor, range: [number, number] = [0, 1]): Scaler {
  const [lo, hi] = range;
  if (!(hi > lo)) throw new ArgumentError(`fitMinMaxScaler: range [${lo}, ${hi}] must have low < high`);
  const { min, max } = columnStats('fitMinMaxScaler', x);
  return minMaxFrom(Array.from(min), Array.from(max), range);
}

function minMaxFrom(min: number[], max: number[], range: [number, number]): Scaler {
  const [lo, hi] = range;
  // x' = (x - min) / (max - min) * (hi - lo) + lo, written as (x - shift) / scale.
  const scale = min.map((m, j) => (max[j] === m ? 1 : (max[j] - m) / (hi - lo)));
  const shift = min.map((m, j) => m - lo * scale[j]);
  return {
    transform: (x) => affine('minMaxScale', x, shift, scale, false),
    inverseTransform: (x) => affine('minMaxScale.inverse', x, shift, scale, true),
    toJSON: () => ({ kind: 'minmax', min: [...min], max: [...max], range: [lo, hi] }),
  };
}

/** Rebuilds a scaler saved with `toJSON()`. */
export function scalerFromJSON(json: ScalerJSON): Scaler {
  if (json.kind === 'standard') return standardizerFrom([...json.mean], [...json.std]);
  if (json.kind === 'minmax') return minMaxFrom([...json.min], [...json.max], json.range);
  throw new ArgumentError(`scalerFromJSON: unknown kind '${(json as { kind: string }).kind}' - expected 'standard' or 'minmax'`);
}
