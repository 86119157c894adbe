import { ArgumentError, ShapeError, gather, tensor, type DType, type Tensor } from '@neurite/core';

/** Examples as two tensors whose first axis is the example axis. */
export interface Dataset {
  x: Tensor;
  y: Tensor;
}

export type Rows = readonly (readonly number[])[] | readonly number[];

/** Options of {@link fromArrays}. */
export interface FromArraysOptions {
  /** Shape of one example's features; defaults to the row length (or [] for a flat list). */
  featureShape?: readonly number[];
  /** Defaults to int32 when every label is an integer (class indices), float32 otherwise. */
  yDtype?: DType;
  xDtype?: DType;
}

/**
 * Builds a dataset from JS arrays: one row per example in `features`, one
 * label (or label row) per example in `labels`.
 */
export function fromArrays(features: Rows | Float32Array, labels: Rows | Int32Array | Float32Array, options: FromArraysOptions = {}): Dataset {
  const n = labels.length;
  const xFlat = flattenRows('fromArrays', 'features', features);
  const yFlat = flattenRows('fromArrays', 'labels', labels);
  if (!ArrayBuffer.isView(features) && features.length !== n) {
    throw new ShapeError(`fromArrays: ${features.length} feature rows but ${n} labels - give one label per example`);
  }
  const featureShape = options.featureShape ?? xFlat.rowShape;
  const perExample = featureShape.reduce((a, b) => a * b, 1);
  if (perExample * n !== xFlat.values.length) {
    throw new ShapeError(
      `fromArrays: featureShape [${featureShape.join(',')}] holds ${perExample} values per example but the ${n} examples have ${xFlat.values.length} in all - fix featureShape`,
    );
  }
  const yDtype = options.yDtype ?? (labels instanceof Float32Array ? 'float32' : allIntegers(yFlat.values) ? 'int32' : 'float32');
  const x = tensor(xFlat.values, [n, ...featureShape], options.xDtype ?? 'float32');
  const y = tensor(yFlat.values, [n, ...yFlat.rowShape], yDtype);
  return { x, y };
}

function flattenRows(op: string, name: string, rows: Rows | Float32Array | Int32Array): { values: Float32Array | Int32Array | Float64Array; rowShape: number[] } {
  if (ArrayBuffer.isView(rows)) return { values: rows, rowShape: [] };
  if (rows.length === 0 || typeof rows[0] === 'number') {
    const flat = rows as readonly number[];
    const bad = flat.findIndex((v) => typeof v !== 'number');
    if (bad >= 0) throw new ArgumentError(`${op}: ${name} entry ${bad} is ${typeof flat[bad]} - tensors hold numbers only`);
    return { values: Float64Array.from(flat), rowShape: [] };
  }
  const table = rows as readonly (readonly number[])[];
  const width = table[0].length;
  const values = new Float64Array(table.length * width);
  for (let i = 0; i < table.length; i++) {
    const row = table[i];
    if (!Array.isArray(row) || row.length !== width) {
      throw new ShapeError(
        `${op}: ${name} row ${i} has ${Array.isArray(row) ? row.length : 'no'} values but row 0 has ${width} - every row must have the same length`,
      );
    }
    for (let j = 0; j < width; j++) {
      if (typeof row[j] !== 'number') throw new ArgumentError(`${op}: ${name} row ${i}, column ${j} is ${typeof row[j]} - tensors hold numbers only`);
      values[i * width + j] = row[j];
    }
  }
  return { values, rowShape: [width] };
}

function allIntegers(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isInteger(values[i])) return false;
  return true;
}

/** The number of examples (the length of the first axis), checked to agree between x and y. */
export function numExamples(ds: Dataset): number {
  const n = ds.x.shape[0];
  if (ds.x.rank === 0 || ds.y.rank === 0 || ds.y.shape[0] !== n) {
    throw new ShapeError(
      `dataset: x [${ds.x.shape.join(',')}] and y [${ds.y.shape.join(',')}] must share the example axis (axis 0)`,
    );
  }
  return n;
}

/** The examples at `indices`, in that order, as new tensors (the caller disposes them). */
export function take(ds: Dataset, indices: ArrayLike<number>): Dataset {
  numExamples(ds);
  const idx = indices instanceof Int32Array ? indices : Int32Array.from(indices as ArrayLike<number>);
  if (idx.length === 0) {
    // gather needs a non-empty index list on some backends' fast paths; an empty slice is plainer.
    return { x: tensor(new Float32Array(0), [0, ...ds.x.shape.slice(1)], ds.x.dtype), y: tensor(new Float32Array(0), [0, ...ds.y.shape.slice(1)], ds.y.dtype) };
  }
  const t = tensor(idx, [idx.length], 'int32');
  try {
    return { x: gather(ds.x, t, 0), y: gather(ds.y, t, 0) };
  } finally {
    t.dispose();
  }
}

/** Frees both tensors of a dataset. */
export function disposeDataset(ds: Dataset): void {
  ds.x.dispose();
  ds.y.dispose();
}

/** Reads class labels (a 1-D tensor or array of non-negative integers) into an Int32Array. */
export function toLabelArray(op: string, labels: ArrayLike<number> | Tensor): Int32Array {
  let values: ArrayLike<number>;
  if (isTensor(labels)) {
    if (labels.rank !== 1) {
      throw new ShapeError(
        `${op}: labels must be 1-D class indices, got shape [${labels.shape.join(',')}] - pass argMax(y, -1) for one-hot labels`,
      );
    }
    values = labels.dataSync();
  } else {
    values = labels;
  }
  const out = new Int32Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (!Number.isInteger(v) || v < 0) {
      throw new ArgumentError(`${op}: label ${i} is ${v} - class labels must be integers >= 0`);
    }
    out[i] = v;
  }
  return out;
}

function isTensor(v: unknown): v is Tensor {
  return typeof v === 'object' && v !== null && 'dataSync' in v && 'shape' in v;
}
