// @ts-check

const N = 1 << 20;

/**
 * Full reductions of 1M elements: one float32 read per element, so GB/s.
 * sum: the contenders accumulate in different orders and precisions (tfjs-cpu
 * in doubles, tfjs-wasm in float32, one element after the other: 1.7e-5 off
 * the reference on seed 1), hence 1e-4; a wrong kernel is off by far more.
 * max is exact.
 * @type {import('../types.js').Suite}
 */
export default {
  name: 'reduction',
  unit: 'GB/s',
  cases: [
    {
      id: 'sum-1M',
      label: 'sum 1M',
      inputs: [[N]],
      work: 4 * N,
      tolerance: 1e-4,
      run: (lib, [a]) => lib.sum(a),
    },
    {
      id: 'max-1M',
      label: 'max 1M',
      inputs: [[N]],
      work: 4 * N,
      tolerance: 0,
      run: (lib, [a]) => lib.max(a),
    },
  ],
};
