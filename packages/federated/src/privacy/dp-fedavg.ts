import { ArgumentError, Random } from '@neurite/core';
import { l2 } from '../weights.js';
import type { ClientUpdate } from '../strategies/strategy.js';
import { RdpAccountant } from './accountant.js';

export interface AdaptiveClipping {
  /** Target fraction of updates left unclipped, gamma (default 0.5: the median norm). */
  targetQuantile?: number;
  /** Geometric step eta_C (default 0.2). */
  learningRate?: number;
  /** Noise std on the count of unclipped updates, sigma_b (default: sampled clients / 20). */
  countNoise?: number;
}

export interface DpOptions {
  /** Clipping norm C of each client's change (the initial one with adaptive clipping). */
  clipNorm: number;
  /** Noise multiplier z: the noise std on the sum is z·C. */
  noiseMultiplier: number;
  /** Adapt C towards a quantile of the update norms (Andrew et al. 2021). */
  adaptive?: AdaptiveClipping | boolean;
  /** Target delta of the (epsilon, delta) report (default 1e-5). */
  delta?: number;
  /**
   * How a round picks its clients. 'fixed' (default): round(fractionFit × N)
   * of them, accounted as if each had joined with probability m / N, the
   * common approximation (TensorFlow Federated's too). 'poisson': each client
   * joins with probability fractionFit on its own, so the round's size varies
   * (it may be empty: the update is then noise alone), the noise is divided
   * by the expected count fractionFit × N, a round is never re-drawn, and the
   * accountant's subsampled-Gaussian bound holds exactly.
   */
  sampling?: 'fixed' | 'poisson';
}

export interface DpRoundReport {
  /** The clipping norm used this round. */
  clipNorm: number;
  /** Fraction of updates that were not clipped. */
  unclipped: number;
  epsilon: number;
}

/**
 * Scales `d` in place to L2 norm at most `clipNorm`; true when it was
 * already within it (unclipped), which adaptive clipping counts.
 */
export function clipInPlace(d: Float64Array, clipNorm: number): boolean {
  const norm = l2(d);
  const scale = Math.min(1, clipNorm / (norm || 1));
  if (scale < 1) for (let i = 0; i < d.length; i++) d[i] *= scale;
  return norm <= clipNorm;
}

/**
 * DP-FedAvg at the client level (McMahan et al. 2018): every client's
 * change is clipped to norm C, the clipped changes are summed, Gaussian
 * noise N(0, (z·C)²) is added to each coordinate, and the sum is divided
 * by the number of clients sampled (fixed, so one client's presence is
 * bounded by C / m). With adaptive clipping (Andrew et al. 2021), C moves
 * geometrically towards the gamma-quantile of the update norms, estimated
 * from a noised count, and the update noise is raised to
 * z_delta = (z^-2 - (2·sigma_b)^-2)^-1/2 so both releases together cost
 * what noise multiplier z alone would. Each round is recorded in an RDP
 * accountant as one subsampled Gaussian step with q = sampled / total.
 */
export class ClientLevelDp {
  readonly noiseMultiplier: number;
  readonly delta: number;
  readonly accountant = new RdpAccountant();
  readonly adaptive: Required<Omit<AdaptiveClipping, 'countNoise'>> & { countNoise?: number } | null;
  readonly sampling: 'fixed' | 'poisson';
  clipNorm: number;

  constructor(options: DpOptions) {
    if (!(options.clipNorm > 0) || !Number.isFinite(options.clipNorm)) throw new ArgumentError(`dp: clipNorm must be a finite number > 0, got ${options.clipNorm}`);
    if (!(options.noiseMultiplier >= 0) || !Number.isFinite(options.noiseMultiplier)) throw new ArgumentError(`dp: noiseMultiplier must be a finite number >= 0, got ${options.noiseMultiplier}`);
    this.clipNorm = options.clipNorm;
    this.noiseMultiplier = options.noiseMultiplier;
    this.delta = options.delta ?? 1e-5;
    this.sampling = options.sampling ?? 'fixed';
    if (this.sampling !== 'fixed' && this.sampling !== 'poisson') throw new ArgumentError(`dp: sampling must be 'fixed' or 'poisson', got '${String(this.sampling)}'`);
    const a = options.adaptive === true ? {} : options.adaptive || null;
    this.adaptive = a ? { targetQuantile: a.targetQuantile ?? 0.5, learningRate: a.learningRate ?? 0.2, countNoise: a.countNoise } : null;
  }

  /**
   * The noised mean change of one round as a single update for the server
   * strategy, and this round's report. `sampled` is how many clients were
   * asked (the fixed denominator; with Poisson sampling the expected count
   * q × population), `population` how many exist.
   */
  privatize(global: Float64Array, updates: readonly ClientUpdate[], options: { sampled: number; population: number; seed: number }): { update: ClientUpdate; report: DpRoundReport } {
    const n = global.length;
    const sum = new Float64Array(n);
    let unclipped = 0;
    for (const u of updates) {
      const d = new Float64Array(n);
      for (let i = 0; i < n; i++) d[i] = u.params[i] - global[i];
      if (clipInPlace(d, this.clipNorm)) unclipped++;
      for (let i = 0; i < n; i++) sum[i] += d[i];
    }
    return this.privatizeSum(global, sum, { ...options, contributions: updates.length, unclipped });
  }

  /**
   * The same from the sum of the clipped changes alone, as secure
   * aggregation delivers it (clients clip their own change to `clipNorm`
   * and add 1 to `unclipped` when they did not have to): the noise, the
   * clipping-norm update and the accounting happen here, on the server.
   */
  privatizeSum(global: Float64Array, clippedSum: Float64Array, options: { sampled: number; population: number; seed: number; contributions: number; unclipped: number }): { update: ClientUpdate; report: DpRoundReport } {
    const n = global.length;
    if (clippedSum.length !== n) throw new ArgumentError(`dp: a sum of ${clippedSum.length} values for a model of ${n}`);
    const m = options.sampled;
    const rng = new Random(options.seed);
    const C = this.clipNorm;
    let z = this.noiseMultiplier;
    const countNoise = this.adaptive ? (this.adaptive.countNoise ?? m / 20) : 0;
    if (this.adaptive && z > 0) {
      const rest = z ** -2 - (2 * countNoise) ** -2;
      if (!(rest > 0)) throw new ArgumentError(`dp: noise multiplier ${z} is too small for adaptive clipping with count noise ${countNoise} - raise the noise multiplier or the count noise`);
      z = rest ** -0.5;
    }
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) out[i] = global[i] + (clippedSum[i] + z * C * rng.normal()) / m;
    if (this.adaptive) {
      const noisyFraction = (options.unclipped + countNoise * rng.normal()) / m;
      this.clipNorm = C * Math.exp(-this.adaptive.learningRate * (noisyFraction - this.adaptive.targetQuantile));
    }
    this.accountant.step(m / options.population, this.noiseMultiplier);
    const epsilon = this.noiseMultiplier > 0 ? this.accountant.epsilon(this.delta) : Infinity;
    return { update: { clientId: -1, params: out, numExamples: 1 }, report: { clipNorm: C, unclipped: options.contributions ? options.unclipped / options.contributions : 0, epsilon } };
  }

  state(): { clipNorm: number; rdp: number[]; steps: number } {
    return { clipNorm: this.clipNorm, ...this.accountant.state() };
  }

  restore(s: { clipNorm: number; rdp: number[]; steps: number }): void {
    this.clipNorm = s.clipNorm;
    this.accountant.restore(s);
  }
}
