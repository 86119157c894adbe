import { ArgumentError } from '@neurite/core';

/** How integrated gradients places its steps on the path from baseline (alpha 0) to input (alpha 1). */
export type QuadratureRule = 'riemannLeft' | 'riemannRight' | 'riemannMiddle' | 'riemannTrapezoid' | 'gaussLegendre';

export const QUADRATURE_RULES: readonly QuadratureRule[] = ['riemannLeft', 'riemannRight', 'riemannMiddle', 'riemannTrapezoid', 'gaussLegendre'];

/** Points in [0, 1] and weights summing to 1: the integral of g over [0, 1] is approximately sum(w_k g(alpha_k)). */
export interface Quadrature {
  alphas: Float64Array;
  weights: Float64Array;
}

/**
 * The nodes and weights of `rule` with `steps` points. Riemann rules are
 * exact for constant integrands (a linear model), the trapezoid and midpoint
 * rules for linear ones; Gauss-Legendre with m points is exact for
 * polynomials of degree 2m - 1, which is why 50 points already make the
 * completeness error of a smooth network tiny.
 */
export function quadrature(rule: QuadratureRule, steps: number): Quadrature {
  if (!Number.isInteger(steps) || steps < 1) throw new ArgumentError(`integratedGradients: steps must be a positive integer, got ${steps}`);
  const m = steps;
  const alphas = new Float64Array(m);
  const weights = new Float64Array(m);
  switch (rule) {
    case 'riemannLeft':
    case 'riemannRight':
    case 'riemannMiddle': {
      const shift = rule === 'riemannLeft' ? 0 : rule === 'riemannRight' ? 1 : 0.5;
      for (let k = 0; k < m; k++) {
        alphas[k] = (k + shift) / m;
        weights[k] = 1 / m;
      }
      break;
    }
    case 'riemannTrapezoid': {
      if (m < 2) throw new ArgumentError('integratedGradients: the trapezoid rule needs at least 2 steps (both ends of the path)');
      for (let k = 0; k < m; k++) {
        alphas[k] = k / (m - 1);
        weights[k] = (k === 0 || k === m - 1 ? 0.5 : 1) / (m - 1);
      }
      break;
    }
    case 'gaussLegendre': {
      const [x, w] = gaussLegendre(m);
      for (let k = 0; k < m; k++) {
        alphas[k] = (x[k] + 1) / 2;
        weights[k] = w[k] / 2;
      }
      break;
    }
    default:
      throw new ArgumentError(`integratedGradients: unknown rule '${String(rule)}' - use one of ${QUADRATURE_RULES.join(', ')}`);
  }
  return { alphas, weights };
}

/**
 * Gauss-Legendre nodes and weights on [-1, 1]: the roots of the Legendre
 * polynomial P_m by Newton's method from the Chebyshev-like first guess
 * cos(pi (k + 0.75) / (m + 0.5)), weights 2 / ((1 - x^2) P_m'(x)^2).
 */
export function gaussLegendre(m: number): [Float64Array, Float64Array] {
  const x = new Float64Array(m);
  const w = new Float64Array(m);
  for (let k = 0; k < m; k++) {
    let r = Math.cos((Math.PI * (k + 0.75)) / (m + 0.5));
    let dp = 0;
    for (let iter = 0; iter < 100; iter++) {
      // P_m(r) and P_{m-1}(r) by the three-term recurrence.
      let p0 = 1;
      let p1 = r;
      for (let j = 2; j <= m; j++) {
        const p2 = ((2 * j - 1) * r * p1 - (j - 1) * p0) / j;
        p0 = p1;
        p1 = p2;
      }
      const pm = m === 1 ? r : p1;
      const pm1 = m === 1 ? 1 : p0;
      dp = (m * (r * pm - pm1)) / (r * r - 1);
      const step = pm / dp;
      r -= step;
      if (Math.abs(step) < 1e-15) break;
    }
    // Recompute the derivative at the converged root for the weight.
    let p0 = 1;
    let p1 = r;
    for (let j = 2; j <= m; j++) {
      const p2 = ((2 * j - 1) * r * p1 - (j - 1) * p0) / j;
      p0 = p1;
      p1 = p2;
    }
    dp = m === 1 ? 1 : (m * (r * p1 - p0)) / (r * r - 1);
    // Roots come out in decreasing order; store ascending so alphas increase.
    x[m - 1 - k] = r;
    w[m - 1 - k] = 2 / ((1 - r * r) * dp * dp);
  }
  return [x, w];
}
