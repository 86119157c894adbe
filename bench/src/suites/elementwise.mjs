// @ts-check

const N = 1 << 20;

/**
 * Binary ops on 1M elements of equal shape: memory-bound, so measured in GB/s
 * (two float32 reads and one write per element).
 * @type {import('../types.js').Suite}
 */
export default {
  name: 'elementwise',
  unit: 'GB/s',
  cases: /** @type {const} */ (['add', 'mul']).map((op) => ({
    id: `${op}-1M`,
    label: `${op} 1M`,
    inputs: [[N], [N]],
    work: 3 * 4 * N,
    tolerance: 1e-6,
    run: (lib, [a, b]) => lib[op](a, b),
  })),
};
