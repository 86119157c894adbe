import type { DType, Random } from '../index.js';
import { ref, type Ref } from './reference.js';

/** Draws one value. */
export type Sampler = (rng: Random) => number;

export const uniform =
  (lo: number, hi: number): Sampler =>
  (rng) =>
    lo + (hi - lo) * rng.next();

/** Uniform in [lo, hi] but at least `margin` from each of `points` (kinks, poles, clip bounds). */
export const awayFrom =
  (points: readonly number[], margin: number, lo: number, hi: number): Sampler =>
  (rng) => {
    for (;;) {
      const v = lo + (hi - lo) * rng.next();
      if (points.every((p) => Math.abs(v - p) >= margin)) return v;
    }
  };

/** Uniform integers in [lo, hi] (stored as float unless the input is int32): ties on purpose. */
export const integers =
  (lo: number, hi: number): Sampler =>
  (rng) =>
    lo + rng.int(hi - lo + 1);

/** The default: order-one values of both signs. */
export const standard = uniform(-2, 2);
/** Domain of log, sqrt, rsqrt, pow's base: away from the pole at 0. */
export const positive = uniform(0.5, 2);
/** Away from the kink or pole at 0 (abs, relu, reciprocal, prod's gradient). */
export const nonZero = awayFrom([0], 0.1, -2, 2);

export interface InputSpec {
  readonly shape: readonly number[];
  /** Float inputs default to float32 in forward checks; int32 inputs are never differentiated. */
  readonly dtype?: DType;
  /** Fixed values (row-major); otherwise drawn with `sample`. */
  readonly values?: readonly number[];
  readonly sample?: Sampler;
}

export const input = (shape: readonly number[], sample: Sampler = standard, dtype?: DType): InputSpec => ({ shape, sample, dtype });
export const fixed = (shape: readonly number[], values: readonly number[], dtype?: DType): InputSpec => ({ shape, values, dtype });
export const int32 = (shape: readonly number[], values: readonly number[]): InputSpec => ({ shape, values, dtype: 'int32' });

/** Minimum gap between values of a `distinct` case: far beyond any finite-difference step. */
const DISTINCT_GAP = 0.02;

/**
 * Draws every input. Values are rounded to float32 (unless the input is
 * declared float64) so the float32 and float64 runs of a gradient check see
 * the same numbers and the reference sees exactly what the backend got. With `distinct`, drawn values differ pairwise by at least
 * DISTINCT_GAP across all inputs (max/min ties, maximum/minimum switches).
 */
export function sampleInputs(specs: readonly InputSpec[], rng: Random, distinct = false): Ref[] {
  const accepted: number[] = [];
  return specs.map((spec) => {
    const size = spec.shape.reduce((p, d) => p * d, 1);
    if (spec.values) return ref(spec.shape, spec.values);
    const sample = spec.sample ?? standard;
    const round = spec.dtype === 'float64' ? (v: number) => v : Math.fround;
    const data = new Float64Array(size);
    for (let i = 0; i < size; i++) {
      let v = round(sample(rng));
      for (let tries = 0; distinct && accepted.some((a) => Math.abs(a - v) < DISTINCT_GAP); tries++) {
        if (tries > 10_000) throw new Error('sampleInputs: cannot draw distinct values - widen the sampler');
        v = round(sample(rng));
      }
      accepted.push(v);
      data[i] = spec.dtype === 'int32' ? Math.trunc(v) : v;
    }
    return { shape: [...spec.shape], data };
  });
}
