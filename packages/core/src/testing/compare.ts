import { assert, expect } from 'vitest';
import type { DType, Tensor } from '../index.js';
import type { Ref } from './reference.js';

/** An element passes when |actual - expected| <= atol + rtol * max(|expected|, scale). */
export interface Tolerance {
  readonly rtol: number;
  readonly atol: number;
}

/** Integer results (comparisons, argMax, int32 arithmetic) and pure data movement must be exact. */
export const EXACT: Tolerance = { rtol: 0, atol: 0 };

/**
 * Arithmetic with one or a few float32 roundings (add, mul, div, sqrt...):
 * each rounding is at most 6e-8 relative, so 1e-5 leaves a wide margin while
 * catching any wrong formula.
 */
export const FLOAT32: Tolerance = { rtol: 1e-5, atol: 1e-6 };

/**
 * exp, log, sin, tanh, erf and the activations built from them. Backends
 * without a float64 libm (WebAssembly has none) evaluate these with their own
 * float32 polynomial approximations, good to a few ulp; composites such as
 * gelu (x * Phi(x) through erf), selu, softplus and sigmoid chain two or three
 * of them with float32 intermediates. 5e-5 relative (about 400 float32 ulp)
 * admits that while a wrong constant or formula is still off by far more.
 */
export const TRANSCENDENTAL: Tolerance = { rtol: 5e-5, atol: 5e-6 };

/**
 * Sums (reductions, matMul): the error of a float32 sum is bounded by
 * n * eps * sum(|terms|), not by the size of the result, which cancellation
 * can make tiny. Cases pass that sum of magnitudes as `scale`; 1e-5 of it
 * covers naive accumulation over the ~100 terms the suite reduces.
 */
export const SUMMATION: Tolerance = { rtol: 1e-5, atol: 1e-6 };

export interface Expectation {
  /** The dtype the result must have. */
  readonly dtype: DType;
  readonly tol: Tolerance;
  /** Per-element magnitude (one per result element, or a single one) the relative error is measured against. */
  readonly scale?: Ref;
}

/** Checks shape, dtype and every value of `actual` against a float64 reference. */
export function expectTensor(what: string, actual: Tensor, expected: Ref, { dtype, tol, scale }: Expectation): void {
  expect(actual.shape, `${what}: shape`).toEqual(expected.shape);
  expect(actual.dtype, `${what}: dtype`).toBe(dtype);
  expectValues(what, actual.dataSync(), expected.data, tol, scale?.data);
}

/** Element-wise comparison with NaN matching NaN and infinities matching exactly. */
export function expectValues(
  what: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
  tol: Tolerance,
  scale?: ArrayLike<number>,
): void {
  expect(actual.length, `${what}: number of elements`).toBe(expected.length);
  let worst = -1;
  let worstExcess = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i];
    const e = expected[i];
    if (Number.isNaN(e) || !Number.isFinite(e)) {
      if (Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e))) continue;
      assert.fail(`${what}: element ${i} is ${a}, expected ${e}`);
    }
    const s = scale === undefined ? 0 : Math.abs(scale[scale.length === 1 ? 0 : i]);
    const bound = tol.atol + tol.rtol * Math.max(Math.abs(e), s);
    const excess = Math.abs(a - e) - bound;
    // `!(excess <= 0)` also catches a NaN where a number was expected.
    if (!(excess <= 0) && (worst < 0 || !(excess <= worstExcess))) {
      worst = i;
      worstExcess = excess;
    }
  }
  if (worst >= 0) {
    const a = actual[worst];
    const e = expected[worst];
    assert.fail(
      `${what}: element ${worst} is ${a}, expected ${e} (error ${Math.abs(a - e).toExponential(2)}, ` +
        `tolerance rtol ${tol.rtol} atol ${tol.atol}${scale ? ` at scale ${Math.abs(scale[scale.length === 1 ? 0 : worst])}` : ''})`,
    );
  }
}
