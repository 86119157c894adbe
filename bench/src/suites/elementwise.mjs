// @ts-check

const N = 1 << 20;

/**
 * Element-wise ops on 1M float32 elements, in GB/s (binary: two reads and one
 * write per element; unary: one read, one write). add, mul and relu are
 * memory-bound; relu stands for the cheap unary ops, the activation every
 * dense and conv layer runs. exp, sigmoid and tanh are compute-bound: the
 * transcendental ops, each backend with its own approximation, held to the
 * reference within 1e-6 of the largest value.
 * @type {import('../types.js').Suite}
 */
export default {
  name: 'elementwise',
  unit: 'GB/s',
  cases: [
    ...(/** @type {const} */ (['add', 'mul']).map((op) => ({
      id: `${op}-1M`,
      label: `${op} 1M`,
      inputs: [[N], [N]],
      work: 3 * 4 * N,
      tolerance: 1e-6,
      /** @type {import('../types.js').Case['run']} */
      run: (lib, [a, b]) => lib[op](a, b),
    }))),
    {
      id: 'relu-1M',
      label: 'relu 1M',
      inputs: [[N]],
      work: 2 * 4 * N,
      tolerance: 0,
      run: (lib, [a]) => lib.relu(a),
    },
    ...(/** @type {const} */ (['exp', 'sigmoid', 'tanh']).map((op) => ({
      id: `${op}-1M`,
      label: `${op} 1M`,
      inputs: [[N]],
      work: 2 * 4 * N,
      tolerance: 1e-6,
      /** @type {import('../types.js').Case['run']} */
      run: (lib, [a]) => lib[op](a),
    }))),
  ],
};
