// @ts-check

const N = 1 << 20;

/**
 * Full sum of 1M elements: one float32 read per element, so GB/s. Both sides
 * accumulate in doubles, hence the tight tolerance.
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
      tolerance: 1e-5,
      run: (lib, [a]) => lib.sum(a),
    },
  ],
};
