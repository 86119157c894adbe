import { ArgumentError } from '@neurite/core';
import { coordinatewise } from './median.js';
import type { ClientUpdate, FitConfig, Strategy, StrategyState } from './strategy.js';

/**
 * Coordinate-wise trimmed mean (Yin et al. 2018): per coordinate, drop the
 * floor(beta·n) largest and the floor(beta·n) smallest values and average
 * the rest, unweighted.
 */
export class TrimmedMean implements Strategy {
  readonly aggregation = 'all-updates' as const;
  readonly name = 'trimmed';
  readonly beta: number;
  constructor(options: { beta: number }) {
    if (!(options.beta >= 0 && options.beta < 0.5)) throw new ArgumentError(`trimmed mean: beta must be in [0, 0.5), got ${options.beta}`);
    this.beta = options.beta;
  }
  fitConfig(): FitConfig {
    return {};
  }
  aggregate(global: Float64Array, updates: readonly ClientUpdate[]): Float64Array {
    if (updates.length === 0) return global.slice();
    const cut = Math.floor(this.beta * updates.length);
    return coordinatewise(updates, global.length, (s) => {
      let sum = 0;
      for (let k = cut; k < s.length - cut; k++) sum += s[k];
      return sum / (s.length - 2 * cut);
    });
  }
  state(): StrategyState {
    return {};
  }
  restore(): void {}
}

export const trimmedMean = (options: { beta: number }): TrimmedMean => new TrimmedMean(options);
