import { ArgumentError } from '@neurite/core';
import { krumScores, pairwiseSquaredDistances } from './krum.js';
import { medianOfSorted } from './median.js';
import type { ClientUpdate, FitConfig, Strategy, StrategyState } from './strategy.js';

/**
 * Bulyan (El Mhamdi et al. 2018), for n >= 4f + 3 updates:
 * 1. pick theta = n - 2f updates by running Krum again and again, each time
 *    removing the chosen one from the candidates;
 * 2. per coordinate, average the beta = theta - 2f selected values closest
 *    to their median.
 */
export class Bulyan implements Strategy {
  readonly aggregation = 'all-updates' as const;
  readonly name = 'bulyan';
  readonly f: number;
  constructor(options: { f: number }) {
    if (!Number.isInteger(options.f) || options.f < 0) throw new ArgumentError(`bulyan: f must be an integer >= 0, got ${options.f}`);
    this.f = options.f;
  }
  fitConfig(): FitConfig {
    return {};
  }
  minUpdates(): number {
    return 4 * this.f + 3;
  }
  /** Indices chosen by step 1, in the order Krum picked them. */
  select(updates: readonly ClientUpdate[]): number[] {
    const n = updates.length;
    if (n < 4 * this.f + 3) throw new ArgumentError(`bulyan: ${n} updates cannot tolerate f = ${this.f} - Bulyan needs n >= 4f + 3 = ${4 * this.f + 3}`);
    const distances = pairwiseSquaredDistances(updates.map((u) => u.params));
    const theta = n - 2 * this.f;
    let candidates = updates.map((_, i) => i);
    const chosen: number[] = [];
    while (chosen.length < theta) {
      // Krum on the remaining candidates; with too few left for f, it degenerates to the nearest-neighbour score.
      const f = Math.min(this.f, Math.max(0, candidates.length - 3));
      const scores = krumScores(distances, f, candidates);
      let best = 0;
      for (let k = 1; k < scores.length; k++) if (scores[k] < scores[best]) best = k;
      chosen.push(candidates[best]);
      candidates = candidates.filter((_, k) => k !== best);
    }
    return chosen;
  }
  aggregate(global: Float64Array, updates: readonly ClientUpdate[]): Float64Array {
    if (updates.length === 0) return global.slice();
    const chosen = this.select(updates).map((i) => updates[i].params);
    const beta = chosen.length - 2 * this.f;
    const out = new Float64Array(global.length);
    const column = new Float64Array(chosen.length);
    for (let i = 0; i < global.length; i++) {
      for (let k = 0; k < chosen.length; k++) column[k] = chosen[k][i];
      column.sort();
      const med = medianOfSorted(column);
      // The beta values nearest the median: a window of the sorted column, grown one side at a time.
      let lo = column.length >> 1;
      let hi = lo;
      if (column.length % 2 === 0 && med - column[lo - 1] <= column[lo] - med) lo = hi = lo - 1;
      hi++;
      while (hi - lo < beta) {
        if (hi >= column.length || (lo > 0 && med - column[lo - 1] <= column[hi] - med)) lo--;
        else hi++;
      }
      let s = 0;
      for (let k = lo; k < hi; k++) s += column[k];
      out[i] = s / beta;
    }
    return out;
  }
  state(): StrategyState {
    return {};
  }
  restore(): void {}
}

export const bulyan = (options: { f: number }): Bulyan => new Bulyan(options);
