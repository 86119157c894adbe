import type { ClientUpdate, FitConfig, Strategy, StrategyState } from './strategy.js';

/** For each coordinate, the sorted values of all updates there; `f(sorted, i)` gives the coordinate's result. */
export function coordinatewise(updates: readonly ClientUpdate[], length: number, f: (sorted: Float64Array) => number): Float64Array {
  const out = new Float64Array(length);
  const column = new Float64Array(updates.length);
  for (let i = 0; i < length; i++) {
    for (let k = 0; k < updates.length; k++) column[k] = updates[k].params[i];
    column.sort();
    out[i] = f(column);
  }
  return out;
}

/** The median of sorted values (the mean of the middle two for an even count). */
export function medianOfSorted(s: ArrayLike<number>): number {
  const n = s.length;
  const h = n >> 1;
  return n % 2 === 1 ? s[h] : (s[h - 1] + s[h]) / 2;
}

/**
 * FedMedian (Yin et al. 2018): the coordinate-wise median of the clients'
 * weights, unweighted. A minority of arbitrary updates cannot move it past
 * the honest values' range.
 */
export class FedMedian implements Strategy {
  readonly aggregation = 'all-updates' as const;
  readonly name = 'median';
  fitConfig(): FitConfig {
    return {};
  }
  aggregate(global: Float64Array, updates: readonly ClientUpdate[]): Float64Array {
    if (updates.length === 0) return global.slice();
    return coordinatewise(updates, global.length, medianOfSorted);
  }
  state(): StrategyState {
    return {};
  }
  restore(): void {}
}

export const fedMedian = (): FedMedian => new FedMedian();
