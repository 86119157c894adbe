import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, tensor, tidy } from '@neurite/core';
import { clipByGlobalNorm, clipByNorm, clipByValue, globalNorm } from './clip.js';
import { useJs } from './peer/harness.js';

beforeAll(useJs);

const values = (t: { dataSync(): ArrayLike<number> }) => Array.from(t.dataSync());
/** Equal to 14 digits: the scale factor is one rounded division. */
const expectClose = (actual: number[], expected: number[]) => {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, i) => expect(a).toBeCloseTo(expected[i], 14));
};

describe('clipping, on hand-computed values', () => {
  it('clipByValue limits each element', () => {
    tidy(() => {
      const [a, b] = clipByValue([tensor([-3, -0.5, 0, 2]), tensor([[5, -5]])], 1);
      expect(values(a)).toEqual([-1, -0.5, 0, 1]);
      expect(values(b)).toEqual([1, -1]);
      expect(b.shape).toEqual([1, 2]);
    });
  });

  it('clipByNorm rescales a tensor whose norm is too large and leaves a small one alone', () => {
    tidy(() => {
      // ||[3, 4]|| = 5 -> scaled by 2/5.
      expectClose(values(clipByNorm(tensor([3, 4], undefined, 'float64'), 2)), [1.2, 1.6]);
      expect(values(clipByNorm(tensor([0.3, 0.4], undefined, 'float64'), 2))).toEqual([0.3, 0.4]);
      expect(values(clipByNorm(tensor([0, 0]), 1))).toEqual([0, 0]);
    });
  });

  it('clipByGlobalNorm scales all tensors by one factor', () => {
    tidy(() => {
      // global norm of [3] and [4, 0] is 5; clip to 1 -> factor 0.2; clip to 10 -> unchanged.
      const grads = [tensor([3], undefined, 'float64'), tensor([4, 0], undefined, 'float64')];
      const { grads: clipped, norm } = clipByGlobalNorm(grads, 1);
      expect(norm.dataSync()[0]).toBe(5);
      expectClose(values(clipped[0]), [0.6]);
      expectClose(values(clipped[1]), [0.8, 0]);
      const loose = clipByGlobalNorm(grads, 10).grads;
      expect(values(loose[0])).toEqual([3]);
      expect(values(loose[1])).toEqual([4, 0]);
    });
  });

  it('globalNorm of mixed dtypes keeps each gradient dtype after clipping', () => {
    tidy(() => {
      const { grads } = clipByGlobalNorm([tensor([6], undefined, 'float32'), tensor([8], undefined, 'float64')], 5);
      expect(grads.map((g) => g.dtype)).toEqual(['float32', 'float64']);
      expect(values(grads[0])[0]).toBeCloseTo(3, 6);
      expect(values(grads[1])[0]).toBeCloseTo(4, 12);
      expect(globalNorm([]).dataSync()[0]).toBe(0);
    });
  });

  it('a non-finite global norm gives non-finite gradients (a NaN guard must see them)', () => {
    tidy(() => {
      const { grads } = clipByGlobalNorm([tensor([Infinity, 1])], 1);
      expect(values(grads[0]).some((x) => !Number.isFinite(x))).toBe(true);
    });
  });

  it('rejects a clip threshold <= 0, naming it', () => {
    expect(() => clipByValue([], 0)).toThrow(ArgumentError);
    expect(() => clipByNorm(tensor([1]), -1)).toThrow(/'maxNorm'/);
    expect(() => clipByGlobalNorm([], NaN)).toThrow(/'clipNorm'/);
  });
});
