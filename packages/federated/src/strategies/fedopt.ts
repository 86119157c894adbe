import { ArgumentError } from '@neurite/core';
import { weightedMean, type ClientUpdate, type FitConfig, type Strategy, type StrategyState } from './strategy.js';

export interface FedOptOptions {
  /** Server learning rate eta. */
  learningRate?: number;
  /** First-moment decay beta1 (default 0.9). */
  beta1?: number;
  /** Second-moment decay beta2 (default 0.99; unused by FedAdagrad). */
  beta2?: number;
  /** Adaptivity tau: the floor under sqrt(v) (default 1e-3). */
  tau?: number;
}

type Kind = 'fedadagrad' | 'fedadam' | 'fedyogi';

/**
 * Adaptive server optimizers of Reddi et al. (2021), "Adaptive Federated
 * Optimization", Algorithm 2. The pseudo-gradient is the weighted mean of
 * the client deltas Δ = mean(w_i) - w; then
 *
 *     m <- beta1·m + (1 - beta1)·Δ
 *     v <- v + Δ²                                  (FedAdagrad)
 *     v <- beta2·v + (1 - beta2)·Δ²                (FedAdam)
 *     v <- v - (1 - beta2)·Δ²·sign(v - Δ²)         (FedYogi)
 *     w <- w + eta·m / (sqrt(v) + tau)
 *
 * with v starting at tau² and m at 0, and no bias correction, as in the
 * paper. Defaults are the paper's: beta1 = 0.9, beta2 = 0.99, tau = 1e-3;
 * eta defaults to 1e-2 (the paper tunes it per task on a grid of powers of
 * ten; 1e-2 is in its best region for FedAdam and FedYogi on EMNIST).
 */
export class FedOpt implements Strategy {
  readonly aggregation = 'mean' as const;
  readonly name: Kind;
  readonly learningRate: number;
  readonly beta1: number;
  readonly beta2: number;
  readonly tau: number;
  private m: Float64Array | null = null;
  private v: Float64Array | null = null;

  constructor(kind: Kind, options: FedOptOptions = {}) {
    this.name = kind;
    this.learningRate = positive(kind, 'learningRate', options.learningRate ?? 1e-2);
    this.beta1 = unit(kind, 'beta1', options.beta1 ?? 0.9);
    this.beta2 = unit(kind, 'beta2', options.beta2 ?? 0.99);
    this.tau = positive(kind, 'tau', options.tau ?? 1e-3);
  }

  fitConfig(): FitConfig {
    return {};
  }

  aggregate(global: Float64Array, updates: readonly ClientUpdate[]): Float64Array {
    if (updates.length === 0) return global.slice();
    const n = global.length;
    const avg = weightedMean(updates, n);
    this.m ??= new Float64Array(n);
    this.v ??= new Float64Array(n).fill(this.tau * this.tau);
    const { m, v, beta1, beta2, tau, learningRate } = this;
    const out = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const d = avg[i] - global[i];
      const d2 = d * d;
      m[i] = beta1 * m[i] + (1 - beta1) * d;
      if (this.name === 'fedadagrad') v[i] = v[i] + d2;
      else if (this.name === 'fedadam') v[i] = beta2 * v[i] + (1 - beta2) * d2;
      else v[i] = v[i] - (1 - beta2) * d2 * Math.sign(v[i] - d2);
      out[i] = global[i] + (learningRate * m[i]) / (Math.sqrt(v[i]) + tau);
    }
    return out;
  }

  state(): StrategyState {
    return { m: this.m ? Array.from(this.m) : null, v: this.v ? Array.from(this.v) : null };
  }

  restore(state: StrategyState): void {
    this.m = Array.isArray(state.m) ? Float64Array.from(state.m) : null;
    this.v = Array.isArray(state.v) ? Float64Array.from(state.v) : null;
  }
}

function positive(op: string, name: string, v: number): number {
  if (!(v > 0) || !Number.isFinite(v)) throw new ArgumentError(`${op}: ${name} must be a finite number > 0, got ${v}`);
  return v;
}
function unit(op: string, name: string, v: number): number {
  if (!(v >= 0 && v < 1)) throw new ArgumentError(`${op}: ${name} must be in [0, 1), got ${v}`);
  return v;
}

export const fedAdagrad = (o?: FedOptOptions): FedOpt => new FedOpt('fedadagrad', o);
export const fedAdam = (o?: FedOptOptions): FedOpt => new FedOpt('fedadam', o);
export const fedYogi = (o?: FedOptOptions): FedOpt => new FedOpt('fedyogi', o);
