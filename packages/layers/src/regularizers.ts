import { ArgumentError, abs, add, mul, square, sum, type Tensor } from '@neurite/core';

/**
 * A penalty on a weight, added to the training loss. Kept as data (`l1`,
 * `l2`) so saved models can record it.
 */
export interface Regularizer {
  readonly l1: number;
  readonly l2: number;
  /** The scalar penalty for `w`: l1 * sum|w| + l2 * sum w^2. */
  apply(w: Tensor): Tensor;
}

function check(name: string, v: number): number {
  if (!Number.isFinite(v) || v < 0) throw new ArgumentError(`${name}: the factor must be a finite number >= 0, got ${v}`);
  return v;
}

export function l1l2(options: { l1?: number; l2?: number } = {}): Regularizer {
  const l1f = check('l1l2', options.l1 ?? 0);
  const l2f = check('l1l2', options.l2 ?? 0);
  return {
    l1: l1f,
    l2: l2f,
    apply(w) {
      if (l1f > 0 && l2f > 0) return add(mul(sum(abs(w)), l1f), mul(sum(square(w)), l2f));
      if (l1f > 0) return mul(sum(abs(w)), l1f);
      return mul(sum(square(w)), l2f);
    },
  };
}

/** Lasso: l1 * sum|w|. */
export const l1 = (factor = 0.01): Regularizer => l1l2({ l1: check('l1', factor) });
/** Weight decay as a loss term: l2 * sum w^2 (Keras's convention, no 1/2). */
export const l2 = (factor = 0.01): Regularizer => l1l2({ l2: check('l2', factor) });
