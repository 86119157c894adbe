// @ts-check

/**
 * How long to measure. The full run feeds the README; the short run is the CI
 * gate and must stay under two minutes on a 2-core machine, which is why it
 * keeps every case (the ratios must mean the same) but takes fewer samples,
 * and skips timing the slowest contender/case pairs a case lists as `untimedShort`.
 * @type {Record<'full' | 'short', import('./types.js').Budget>}
 */
export const BUDGETS = {
  full: { rounds: 6, time: 400, iterations: 5, warmupTime: 1000, warmupIterations: 5, short: false },
  short: { rounds: 4, time: 150, iterations: 3, warmupTime: 300, warmupIterations: 2, short: true },
};
