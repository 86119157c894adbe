import { ArgumentError } from '@neurite/core';
import { mean, type ClientUpdate, type FitConfig, type Strategy, type StrategyState } from './strategy.js';

/** Squared Euclidean distances between every pair of vectors. */
export function pairwiseSquaredDistances(vectors: readonly Float64Array[]): Float64Array[] {
  const n = vectors.length;
  const d = Array.from({ length: n }, () => new Float64Array(n));
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const a = vectors[i];
      const b = vectors[j];
      let s = 0;
      for (let k = 0; k < a.length; k++) {
        const t = a[k] - b[k];
        s += t * t;
      }
      d[i][j] = s;
      d[j][i] = s;
    }
  }
  return d;
}

/**
 * Krum scores (Blanchard et al. 2017): for each vector, the sum of squared
 * distances to its n - f - 2 nearest other vectors. Honest vectors sit in a
 * cluster and score low; outliers score high.
 */
export function krumScores(distances: readonly Float64Array[], f: number, among: readonly number[] = distances.map((_, i) => i)): number[] {
  const n = among.length;
  const k = n - f - 2;
  if (k < 1) throw new ArgumentError(`krum: ${n} updates leave no neighbours to score with f = ${f} - pass at least ${f + 3} updates`);
  return among.map((i) => {
    const others = among.filter((j) => j !== i).map((j) => distances[i][j]).sort((a, b) => a - b);
    let s = 0;
    for (let t = 0; t < k; t++) s += others[t];
    return s;
  });
}

/** Indices of the m lowest scores (ties: the lower index first). */
function lowest(scores: readonly number[], m: number): number[] {
  return scores
    .map((s, i) => [s, i] as const)
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .slice(0, m)
    .map(([, i]) => i);
}

/**
 * Krum and Multi-Krum (Blanchard et al. 2017), tolerating f Byzantine
 * clients out of n > 2f + 2: Krum takes the one update with the lowest
 * score; Multi-Krum averages the m lowest-scoring ones (m = 1 is Krum).
 */
export class Krum implements Strategy {
  readonly aggregation = 'all-updates' as const;
  readonly name: string;
  readonly f: number;
  readonly m: number;
  constructor(options: { f: number; m?: number }) {
    if (!Number.isInteger(options.f) || options.f < 0) throw new ArgumentError(`krum: f must be an integer >= 0, got ${options.f}`);
    const m = options.m ?? 1;
    if (!Number.isInteger(m) || m < 1) throw new ArgumentError(`krum: m must be an integer >= 1, got ${m}`);
    this.f = options.f;
    this.m = m;
    this.name = m === 1 ? 'krum' : 'multikrum';
  }
  fitConfig(): FitConfig {
    return {};
  }
  minUpdates(): number {
    return Math.max(2 * this.f + 3, this.m);
  }
  /** The indices of the updates Krum keeps, best first. */
  select(updates: readonly ClientUpdate[]): number[] {
    if (updates.length < 2 * this.f + 3) throw new ArgumentError(`krum: ${updates.length} updates cannot tolerate f = ${this.f} - Krum needs n > 2f + 2, so at least ${2 * this.f + 3} updates`);
    const vectors = updates.map((u) => u.params);
    const scores = krumScores(pairwiseSquaredDistances(vectors), this.f);
    return lowest(scores, Math.min(this.m, updates.length));
  }
  aggregate(global: Float64Array, updates: readonly ClientUpdate[]): Float64Array {
    if (updates.length === 0) return global.slice();
    const chosen = this.select(updates);
    return mean(chosen.map((i) => updates[i].params), global.length);
  }
  state(): StrategyState {
    return {};
  }
  restore(): void {}
}

export const krum = (options: { f: number }): Krum => new Krum({ f: options.f, m: 1 });
export const multiKrum = (options: { f: number; m: number }): Krum => new Krum(options);
