/**
 * How Neurite's results are held against tfjs's.
 *
 * The criterion, per element, for float32 results:
 *
 *   |ours - theirs| <= TOLERANCE * max(1, |theirs|)
 *
 * a relative error of at most 1e-5 where |theirs| >= 1, and an absolute one of
 * 1e-5 below that, where a purely relative bound would ask two float32
 * computations that round differently (a sum in another order, erf by another
 * approximation) to agree on digits float32 does not have. NaN matches only
 * NaN and an infinity only the same infinity. Integer and boolean results
 * (comparisons, argMax, cast to int32) must be equal.
 */
import { expect } from 'vitest';
import { tidy, valueAndGrads, type Tensor } from '@neurite/core';
import { inputs } from './inputs.js';
import { asList, tf, toTf } from './tfjs.js';

export const TOLERANCE = 1e-5;

/** Describes every element where `ours` and `theirs` disagree (at most `limit` of them). */
export function mismatches(
  ours: ArrayLike<number>,
  theirs: ArrayLike<number>,
  { tolerance = TOLERANCE, exact = false, limit = 5 } = {},
): string[] {
  if (ours.length !== theirs.length) return [`${ours.length} values against ${theirs.length}`];
  const out: string[] = [];
  let count = 0;
  for (let i = 0; i < ours.length; i++) {
    const a = ours[i];
    const b = theirs[i];
    const ok = exact
      ? a === b
      : Number.isNaN(b)
        ? Number.isNaN(a)
        : Number.isFinite(b)
          ? Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(b))
          : a === b;
    if (!ok && count++ < limit) out.push(`[${i}] ours ${a} tfjs ${b}`);
  }
  if (count > limit) out.push(`... ${count - limit} more`);
  return out;
}

/** Same shape, matching dtype (int32 for tfjs's int32 and bool), values within the criterion. */
export function expectClose(ours: Tensor, theirs: tf.Tensor, label: string, tolerance = TOLERANCE): void {
  expect(ours.shape, `${label}: shape`).toEqual(theirs.shape);
  const exact = theirs.dtype === 'int32' || theirs.dtype === 'bool';
  expect(ours.dtype, `${label}: dtype`).toBe(exact ? 'int32' : 'float32');
  const bad = mismatches(ours.dataSync(), theirs.dataSync() as ArrayLike<number>, { tolerance, exact });
  expect(bad, `${label}: values differ from tfjs`).toEqual([]);
}

/**
 * Runs `ours` on Neurite tensors and `theirs` on the same values in tfjs and
 * compares each output. `ours` should be one op call (intermediates of a
 * composite would stay alive and fail the leak check); its outputs are freed here.
 */
export function checkForward(
  ours: (...xs: Tensor[]) => Tensor | Tensor[],
  theirs: (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[],
  xs: Tensor[],
  tolerance = TOLERANCE,
): void {
  const outs = asList(ours(...xs));
  try {
    tf.tidy(() => {
      const refs = asList(theirs(...xs.map(toTf)));
      expect(outs.length, 'number of outputs').toBe(refs.length);
      outs.forEach((o, i) => expectClose(o, refs[i], `output ${i}`, tolerance));
    });
  } finally {
    for (const o of outs) o.dispose();
  }
}

/**
 * The value and the gradient with respect to every x, Neurite's `valueAndGrads`
 * against `tf.valueAndGrads`, for a seeded random cotangent dy of the output's
 * shape (so each output element weighs differently; a sum would hide a
 * gradient that ignores or misplaces dy). Non-differentiable arguments
 * (indices, masks) are closed over, not passed as xs.
 */
export function checkGrads(
  ours: (...xs: Tensor[]) => Tensor,
  theirs: (...xs: tf.Tensor[]) => tf.Tensor,
  xs: Tensor[],
  tolerance = TOLERANCE,
): void {
  const probe = tidy(() => ours(...xs));
  const shape = probe.shape;
  probe.dispose();
  const dy = inputs(`dy ${shape.join('x')}`).normal(shape);
  const { value, grads } = valueAndGrads(ours)(xs, dy);
  try {
    tf.tidy(() => {
      const ref = tf.valueAndGrads(theirs)(xs.map(toTf), toTf(dy));
      expectClose(value, ref.value, 'value', tolerance);
      expect(grads.length).toBe(ref.grads.length);
      grads.forEach((g, i) => expectClose(g, ref.grads[i], `gradient ${i}`, tolerance));
    });
  } finally {
    value.dispose();
    for (const g of grads) g.dispose();
  }
}
