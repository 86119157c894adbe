/**
 * Scalar reference formulas in float64, written from the definitions with
 * Math.* only. They are deliberately independent of any backend's kernels
 * (different algorithms where an algorithm is needed, e.g. erf) so that a
 * shared mistake cannot pass unnoticed.
 */

/**
 * erf by its Maclaurin series for |x| < 2 (cancellation costs at most
 * e^4 ~ 55 ulp there) and by the Laplace continued fraction of erfc beyond,
 * where 60 terms converge to float64 rounding.
 */
export function erf(x: number): number {
  if (Number.isNaN(x)) return NaN;
  const ax = Math.abs(x);
  if (ax < 2) {
    // sum_n (-1)^n x^(2n+1) / (n! (2n+1)); terms fall below 1e-17 of the sum before n = 40.
    let term = x;
    let total = x;
    for (let n = 1; n < 80; n++) {
      term *= (-x * x) / n;
      const add = term / (2 * n + 1);
      total += add;
      if (Math.abs(add) < 1e-17 * Math.abs(total)) break;
    }
    return (2 / Math.sqrt(Math.PI)) * total;
  }
  // erfc(x) = exp(-x^2)/sqrt(pi) * 1/(x + (1/2)/(x + 1/(x + (3/2)/(x + ...)))), evaluated bottom-up.
  let frac = 0;
  for (let k = 60; k >= 1; k--) frac = k / 2 / (ax + frac);
  const erfc = Math.exp(-ax * ax) / Math.sqrt(Math.PI) / (ax + frac);
  return Math.sign(x) * (1 - erfc);
}

export const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));
export const relu = (x: number): number => (x > 0 ? x : 0);
export const relu6 = (x: number): number => Math.min(Math.max(x, 0), 6);
export const leakyRelu = (x: number, alpha: number): number => (x > 0 ? x : alpha * x);
export const elu = (x: number): number => (x > 0 ? x : Math.exp(x) - 1);

/** SELU constants from Klambauer et al. 2017, written out here rather than imported from core. */
export const SELU_ALPHA = 1.6732632423543772848170429916717;
export const SELU_SCALE = 1.0507009873554804934193349852946;
export const selu = (x: number): number => SELU_SCALE * (x > 0 ? x : SELU_ALPHA * (Math.exp(x) - 1));

/** Exact GELU: x * Phi(x) with the standard normal CDF. */
export const gelu = (x: number): number => 0.5 * x * (1 + erf(x / Math.SQRT2));

/** log(1 + e^x); the inputs the suite uses are small enough for the direct form. */
export const softplus = (x: number): number => (x > 30 ? x : Math.log(1 + Math.exp(x)));

export const sign = (x: number): number => (x > 0 ? 1 : x < 0 ? -1 : x === 0 ? 0 : NaN);

/** Round half to even (banker's rounding), as NumPy does. */
export function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const diff = x - f;
  const r = diff < 0.5 ? f : diff > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  // -0.4 rounds to -0, as in NumPy.
  return r === 0 && x < 0 ? -0 : r;
}

/** What storing into an Int32Array does with an in-range value: truncation toward zero. */
export const truncate = (x: number): number => (x < 0 ? Math.ceil(x) : Math.floor(x));
