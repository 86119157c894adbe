import { ArgumentError } from '@neurite/core';
import { logAbsBinomial, logAdd, logErfc, logSub } from './log-math.js';

/** The orders TensorFlow Privacy and Opacus use by default: 1.1, 1.2, ..., 10.9, then 12, 13, ..., 63. */
export const DEFAULT_ORDERS: readonly number[] = [...Array.from({ length: 99 }, (_, x) => 1 + (x + 1) / 10), ...Array.from({ length: 52 }, (_, x) => 12 + x)];

/**
 * log A_alpha for an integer order: A = sum_k C(alpha,k) (1-q)^(alpha-k) q^k exp((k²-k)/(2σ²))
 * (Mironov, Talwar and Zhang 2019, Section 3.3), summed in log space.
 */
function logAInt(q: number, sigma: number, alpha: number): number {
  let logA = -Infinity;
  for (let k = 0; k <= alpha; k++) {
    const { log: logBinom } = logAbsBinomial(alpha, k);
    const term = logBinom + k * Math.log(q) + (alpha - k) * Math.log1p(-q) + (k * k - k) / (2 * sigma * sigma);
    logA = logAdd(logA, term);
  }
  return logA;
}

/**
 * log A_alpha for a fractional order: the two-sided series of Mironov et al.
 * (2019), Section 3.3, split at z0 = σ² log(1/q - 1) + 1/2 so that every
 * tail is an erfc; summed until the terms fall below e^-30.
 */
function logAFrac(q: number, sigma: number, alpha: number): number {
  let logA0 = -Infinity;
  let logA1 = -Infinity;
  const z0 = sigma * sigma * Math.log(1 / q - 1) + 0.5;
  const s2 = sigma * sigma;
  for (let i = 0; i < 10_000; i++) {
    const { log: logCoef, sign } = logAbsBinomial(alpha, i);
    const j = alpha - i;
    const logT0 = logCoef + i * Math.log(q) + j * Math.log1p(-q);
    const logT1 = logCoef + j * Math.log(q) + i * Math.log1p(-q);
    const logE0 = Math.log(0.5) + logErfc((i - z0) / (Math.SQRT2 * sigma));
    const logE1 = Math.log(0.5) + logErfc((z0 - j) / (Math.SQRT2 * sigma));
    const logS0 = logT0 + (i * i - i) / (2 * s2) + logE0;
    const logS1 = logT1 + (j * j - j) / (2 * s2) + logE1;
    if (sign > 0) {
      logA0 = logAdd(logA0, logS0);
      logA1 = logAdd(logA1, logS1);
    } else if (sign < 0) {
      logA0 = logSub(logA0, logS0);
      logA1 = logSub(logA1, logS1);
    }
    if (Math.max(logS0, logS1) < -30) break;
  }
  return logAdd(logA0, logA1);
}

/**
 * Renyi DP of one step of the Poisson-subsampled Gaussian mechanism with
 * sampling rate q and noise multiplier sigma, at order alpha > 1.
 */
export function rdpSampledGaussian(q: number, sigma: number, alpha: number): number {
  if (!(q >= 0 && q <= 1)) throw new ArgumentError(`rdp: sampling rate q must be in [0, 1], got ${q}`);
  if (!(alpha > 1)) throw new ArgumentError(`rdp: order alpha must be > 1, got ${alpha}`);
  if (q === 0) return 0;
  if (sigma === 0) return Infinity;
  if (q === 1) return alpha / (2 * sigma * sigma);
  const logA = Number.isInteger(alpha) ? logAInt(q, sigma, alpha) : logAFrac(q, sigma, alpha);
  return logA / (alpha - 1);
}

/**
 * How RDP turns into (epsilon, delta):
 * - 'improved': Canonne, Kamath and Steinke (2020), what TensorFlow Privacy
 *   and Opacus use today: eps = rdp + log1p(-1/alpha) - log(delta·alpha)/(alpha - 1);
 * - 'classic': Mironov (2017), Proposition 3: eps = rdp - log(delta)/(alpha - 1),
 *   which TensorFlow Privacy used when it published its MNIST tables (looser,
 *   kept so those published numbers can be reproduced).
 */
export type RdpConversion = 'improved' | 'classic';

/** (epsilon, delta)-DP from RDP values, minimised over the orders. */
export function epsilonFromRdp(
  orders: readonly number[],
  rdp: readonly number[],
  delta: number,
  conversion: RdpConversion = 'improved',
): { epsilon: number; order: number } {
  if (!(delta > 0 && delta < 1)) throw new ArgumentError(`epsilon: delta must be in (0, 1), got ${delta}`);
  let best = { epsilon: Infinity, order: NaN };
  orders.forEach((a, i) => {
    const r = rdp[i];
    let eps: number;
    if (conversion === 'classic') eps = r - Math.log(delta) / (a - 1);
    else if (delta * delta + Math.expm1(-r) > 0) eps = 0;
    else if (a > 1.01) eps = r + Math.log1p(-1 / a) - Math.log(delta * a) / (a - 1);
    else eps = Infinity;
    if (eps < best.epsilon) best = { epsilon: eps, order: a };
  });
  return best;
}

/**
 * A running privacy ledger for DP-FedAvg: each round is one step of the
 * subsampled Gaussian mechanism (rate q = sampled clients / all clients,
 * noise multiplier sigma). RDP composes by addition, so the ledger keeps
 * the RDP total per order and converts to (epsilon, delta) when asked.
 */
export class RdpAccountant {
  readonly orders: readonly number[];
  private total: Float64Array;
  private cache = new Map<string, Float64Array>();
  steps = 0;

  constructor(orders: readonly number[] = DEFAULT_ORDERS) {
    this.orders = orders;
    this.total = new Float64Array(orders.length);
  }

  /** Records `steps` steps at rate q with noise multiplier sigma. */
  step(q: number, sigma: number, steps = 1): void {
    const key = `${q}:${sigma}`;
    let per = this.cache.get(key);
    if (!per) {
      per = Float64Array.from(this.orders, (a) => rdpSampledGaussian(q, sigma, a));
      this.cache.set(key, per);
    }
    for (let i = 0; i < per.length; i++) this.total[i] += steps * per[i];
    this.steps += steps;
  }

  epsilon(delta: number, conversion: RdpConversion = 'improved'): number {
    return epsilonFromRdp(this.orders, Array.from(this.total), delta, conversion).epsilon;
  }

  state(): { rdp: number[]; steps: number } {
    return { rdp: Array.from(this.total), steps: this.steps };
  }

  restore(s: { rdp: number[]; steps: number }): void {
    if (s.rdp.length !== this.orders.length) throw new ArgumentError(`RdpAccountant.restore: ${s.rdp.length} orders saved, ${this.orders.length} expected`);
    this.total = Float64Array.from(s.rdp);
    this.steps = s.steps;
  }
}

/** Epsilon after `steps` steps of the subsampled Gaussian mechanism (one call of the ledger above). */
export function computeEpsilon(options: {
  q: number;
  noiseMultiplier: number;
  steps: number;
  delta: number;
  orders?: readonly number[];
  conversion?: RdpConversion;
}): number {
  const acc = new RdpAccountant(options.orders);
  acc.step(options.q, options.noiseMultiplier, options.steps);
  return acc.epsilon(options.delta, options.conversion);
}
