import { ArgumentError, type Random } from '@neurite/core';

/**
 * log of a Gamma(shape, 1) draw, by Marsaglia and Tsang (2000), "A simple
 * method for generating gamma variables": for shape >= 1, with d = shape - 1/3
 * and c = 1/sqrt(9d), draw x ~ N(0,1), v = (1 + c x)^3, and accept d*v when
 * log(u) < x^2/2 + d - d v + d log(v) (u uniform); the acceptance rate is
 * above 95%. For shape < 1 the paper's boost gives Gamma(shape) =
 * Gamma(shape + 1) * u^(1/shape). We return the logarithm because for the
 * small shapes of strong label skew (alpha = 0.01) u^(1/shape) underflows to
 * 0 in float64, and a Dirichlet draw made of zeros cannot be normalized.
 */
export function logGamma(rng: Random, shape: number): number {
  if (!(shape > 0) || !Number.isFinite(shape)) {
    throw new ArgumentError(`gamma: shape must be a finite number > 0, got ${shape}`);
  }
  if (shape < 1) {
    let u = 0;
    while (u === 0) u = rng.next();
    return logGamma(rng, shape + 1) + Math.log(u) / shape;
  }
  const d = shape - 1 / 3;
  const c = 1 / Math.sqrt(9 * d);
  for (;;) {
    let x: number;
    let v: number;
    do {
      x = rng.normal();
      v = 1 + c * x;
    } while (v <= 0);
    v = v * v * v;
    const u = rng.next();
    if (u > 0 && Math.log(u) < 0.5 * x * x + d - d * v + d * Math.log(v)) return Math.log(d * v);
  }
}

/** A Gamma(shape, 1) draw (see {@link logGamma}). */
export function sampleGamma(rng: Random, shape: number): number {
  return Math.exp(logGamma(rng, shape));
}

/**
 * A Dirichlet(alpha) draw: independent Gamma(alpha_i) draws divided by their
 * sum, normalized in log space so that tiny alphas still give a valid
 * probability vector (mostly one entry near 1).
 */
export function sampleDirichlet(rng: Random, alpha: readonly number[]): Float64Array {
  const logs = alpha.map((a) => logGamma(rng, a));
  const top = Math.max(...logs);
  const out = new Float64Array(alpha.length);
  let total = 0;
  for (let i = 0; i < logs.length; i++) total += out[i] = Math.exp(logs[i] - top);
  for (let i = 0; i < out.length; i++) out[i] /= total;
  return out;
}
