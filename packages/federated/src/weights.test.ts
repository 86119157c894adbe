import { describe, expect, it } from 'vitest';
import { cloneWeights, sameWeights, type NamedArray } from './weights.js';

const w = (...values: number[][]): NamedArray[] => values.map((v, i) => ({ name: `w${i}`, shape: [v.length], values: Float32Array.from(v) }));

describe('sameWeights', () => {
  it('is true for a copy and false once one value changes', () => {
    const a = w([1, 2, 3], [4]);
    const b = cloneWeights(a);
    expect(sameWeights(a, b)).toBe(true);
    b[1].values[0] = 4.000001;
    expect(sameWeights(a, b)).toBe(false);
  });

  it('compares bits: NaN matches NaN, -0 does not match 0', () => {
    expect(sameWeights(w([NaN, 1]), w([NaN, 1]))).toBe(true);
    expect(sameWeights(w([-0]), w([0]))).toBe(false);
  });

  it('is false when names or shapes differ', () => {
    expect(sameWeights(w([1, 2]), [{ name: 'other', shape: [2], values: Float32Array.of(1, 2) }])).toBe(false);
    expect(sameWeights(w([1, 2]), [{ name: 'w0', shape: [1, 2], values: Float32Array.of(1, 2) }])).toBe(false);
    expect(sameWeights(w([1, 2]), w([1, 2], [3]))).toBe(false);
  });

  it('reads views at an offset into a larger buffer', () => {
    const big = Float32Array.of(9, 1, 2, 9);
    const view: NamedArray[] = [{ name: 'w0', shape: [2], values: big.subarray(1, 3) }];
    expect(sameWeights(view, w([1, 2]))).toBe(true);
    expect(sameWeights(view, w([1, 9]))).toBe(false);
  });
});
