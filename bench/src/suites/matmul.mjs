// @ts-check

/**
 * Square matMul: compute-bound, the op that dominates dense and conv layers.
 * 128 fits in L2, 512 does not, so together they show blocking at work.
 * @type {import('../types.js').Suite}
 */
export default {
  name: 'matMul',
  unit: 'GFLOP/s',
  cases: [128, 256, 512].map((n) => ({
    id: String(n),
    label: `${n}×${n} · ${n}×${n}`,
    inputs: [
      [n, n],
      [n, n],
    ],
    work: 2 * n ** 3,
    // float32 accumulation in a different order than the reference.
    tolerance: 1e-4,
    run: (lib, [a, b]) => lib.matMul(a, b),
  })),
};
