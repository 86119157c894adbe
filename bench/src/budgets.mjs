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

/**
 * The short budget of the suites after the first three (crossEntropy, conv2d,
 * fused, the models): about a third of the time per contender, so the gate
 * stays under two minutes with every suite in it, but still four alternating
 * rounds, so a burst of load from other jobs does not land on one side of a
 * ratio only. Their floors sit far enough below the measured ratios for the
 * extra noise.
 * @type {Partial<import('./types.js').Budget>}
 */
export const LEAN_SHORT = { rounds: 4, time: 50, iterations: 1, warmupTime: 100, warmupIterations: 1 };

/**
 * Timed in full runs only in the later suites: the scalar build (its ratios
 * are gated on the first three suites) and the threaded one (it only splits
 * matMul and convolution, gated on matMul 1024) and the relaxed-SIMD one (it only changes
 * matMul). In the gate they still compute every case once for the agreement check.
 */
export const FULL_RUN_VARIANTS = ['wasm-scalar', 'wasm-threads', 'wasm-relaxed'];

/**
 * A case of the later suites with their gate settings: LEAN_SHORT unless the
 * case says otherwise, FULL_RUN_VARIANTS untimed in the gate.
 * @param {import('./types.js').Case} kase
 * @returns {import('./types.js').Case}
 */
export function lean(kase) {
  return {
    ...kase,
    budget: { ...kase.budget, short: { ...LEAN_SHORT, ...kase.budget?.short } },
    untimedShort: [...FULL_RUN_VARIANTS, ...(kase.untimedShort ?? [])],
  };
}
