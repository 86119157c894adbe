// @ts-check

/**
 * tfjs-cpu's matMul runs at ~1 GFLOP/s: one 1024 product takes ~2 s, so timing
 * it there would cost more than the whole gate may take. At 1024 it computes
 * the reference once for the agreement check and is not timed.
 * @param {number} n
 */
const untimedAt = (n) => (n >= 1024 ? ['tfjs-cpu'] : []);
/**
 * js (~0.5-1 s) and wasm-scalar (~0.3-0.6 s) at 1024 would take a quarter of
 * the gate's two minutes: the gate checks them at 512 and below, full runs time them.
 * @param {number} n
 */
const untimedShortAt = (n) => (n >= 1024 ? ['js', 'wasm-scalar'] : []);

/**
 * Square matMul: compute-bound, the op that dominates dense and conv layers.
 * 128 fits in L2, 512 and 1024 do not, so together they show blocking at work.
 * Every call multiplies the same two tensors (steady state, as in inference).
 * tfjs-wasm caches its XNNPACK operator, with B packed, per B tensor, so it packs
 * B once here; with a fresh B each call it measured ~10% slower on this machine.
 * @type {import('../types.js').Suite}
 */
export default {
  name: 'matMul',
  unit: 'GFLOP/s',
  cases: [128, 256, 512, 1024].map((n) => ({
    id: String(n),
    label: `${n}×${n} · ${n}×${n}`,
    inputs: [
      [n, n],
      [n, n],
    ],
    work: 2 * n ** 3,
    // float32 accumulation in a different order than the reference.
    tolerance: 1e-4,
    untimed: untimedAt(n),
    untimedShort: untimedShortAt(n),
    run: (lib, [a, b]) => lib.matMul(a, b),
  })),
};
