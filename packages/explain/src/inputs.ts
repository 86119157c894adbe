import { ArgumentError, ShapeError, Tensor } from '@neurite/core';

/** A batch in JS memory: `n` rows of `featureShape`, row-major. */
export interface Rows {
  data: Float32Array;
  n: number;
  featureShape: number[];
  featureSize: number;
}

export function readRows(op: string, x: Tensor): Rows {
  if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: x must be a Tensor of shape [N, ...features]`);
  if (x.rank < 2) throw new ShapeError(`${op}: x has shape [${x.shape.join(',')}] - it needs a batch axis first: [N, ...features] (expandDims(x, 0) for one example)`);
  const featureShape = x.shape.slice(1);
  const featureSize = featureShape.reduce((a, b) => a * b, 1);
  const data = x.dtype === 'float32' ? (x.dataSync() as Float32Array).slice() : Float32Array.from(x.dataSync());
  return { data, n: x.shape[0], featureShape, featureSize };
}

/** A reference input: a number for every feature, one example (`[...features]`), or one per example. */
export type Baseline = number | Tensor | Float32Array;

/** The baseline expanded to one row per example. */
export function baselineRows(op: string, baseline: Baseline | undefined, rows: Rows): Float32Array {
  const { n, featureSize: d } = rows;
  const out = new Float32Array(n * d);
  if (baseline === undefined || typeof baseline === 'number') {
    const v = baseline ?? 0;
    if (!Number.isFinite(v)) throw new ArgumentError(`${op}: baseline must be a finite number, got ${v}`);
    return out.fill(v);
  }
  const values = baseline instanceof Tensor ? Float32Array.from(baseline.dataSync()) : baseline;
  if (values.length === d) {
    for (let i = 0; i < n; i++) out.set(values, i * d);
    return out;
  }
  if (values.length === n * d) return Float32Array.from(values);
  throw new ShapeError(`${op}: baseline has ${values.length} values; it needs ${d} (one example [${rows.featureShape.join(',')}]) or ${n * d} (one per example) - or pass a number`);
}

export function positiveInt(op: string, name: string, v: number, max = Number.MAX_SAFE_INTEGER): number {
  if (!Number.isInteger(v) || v < 1 || v > max) throw new ArgumentError(`${op}: ${name} must be an integer from 1 to ${max}, got ${v}`);
  return v;
}

/** What every attribution method returns: one attribution per input element, and what it cost. */
export interface Attribution {
  /** The input's shape, `[N, ...features]`. */
  shape: number[];
  /** Attributions, row-major like the input. */
  values: Float32Array;
  /** Batched model calls made (a forward+backward counts once). */
  modelCalls: number;
  /** Rows (inputs, perturbations, interpolation steps) the model saw in total. */
  evaluations: number;
}
