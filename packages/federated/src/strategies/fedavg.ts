import { ArgumentError } from '@neurite/core';
import { weightedMean, type ClientUpdate, type FitConfig, type Strategy, type StrategyState } from './strategy.js';

/**
 * FedAvg (McMahan et al. 2017): the next global model is the mean of the
 * clients' models weighted by their example counts. With one client it is
 * exactly that client's model (n·w/n is exact in float64).
 */
export class FedAvg implements Strategy {
  readonly aggregation = 'mean' as const;
  readonly name: string = 'fedavg';
  fitConfig(_round: number): FitConfig {
    return {};
  }
  aggregate(global: Float64Array, updates: readonly ClientUpdate[]): Float64Array {
    if (updates.length === 0) return global.slice();
    return weightedMean(updates, global.length);
  }
  state(): StrategyState {
    return {};
  }
  restore(): void {}
}

/**
 * FedProx (Li et al. 2020): FedAvg's aggregation, with each client
 * minimising its loss plus (mu/2)·||w - w_global||², which keeps local
 * models near the global one when client data differ.
 */
export class FedProx extends FedAvg {
  override readonly name = 'fedprox';
  readonly mu: number;
  constructor(options: { mu: number }) {
    super();
    if (!(options.mu >= 0) || !Number.isFinite(options.mu)) throw new ArgumentError(`fedprox: mu must be a finite number >= 0, got ${options.mu}`);
    this.mu = options.mu;
  }
  override fitConfig(): FitConfig {
    return { proximalMu: this.mu };
  }
}

export const fedAvg = (): FedAvg => new FedAvg();
export const fedProx = (options: { mu: number }): FedProx => new FedProx(options);
