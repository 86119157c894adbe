import { beforeAll, describe, expect, it } from 'vitest';
import { createJsBackend } from '@neurite/backend-js';
import { ArgumentError, gather, logSumExp, oneHot, registerBackend, scatterAdd, setBackend, tensor } from '../index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('index arguments', () => {
  it('gather, scatterAdd and oneHot accept plain arrays of integers', () => {
    expect(gather(tensor([10, 20, 30]), [2, 0]).arraySync()).toEqual([30, 10]);
    expect(scatterAdd(tensor([1, 2, 3]), [1, 1, 0], 2).arraySync()).toEqual([3, 3]);
    expect(oneHot([1, 0], 2).arraySync()).toEqual([
      [0, 1],
      [1, 0],
    ]);
  });
  it('rejects fractional indices with the position', () => {
    expect(() => gather(tensor([1, 2]), [0.5])).toThrow(ArgumentError);
    expect(() => gather(tensor([1, 2]), [0.5])).toThrow(/position 0 holds 0.5/);
  });
});

describe('logSumExp at the edges', () => {
  it('is -inf for a row of -inf and inf when a value is inf, like TensorFlow', () => {
    expect(Array.from(logSumExp(tensor([[-Infinity, -Infinity], [0, Infinity]]), 1).dataSync())).toEqual([-Infinity, Infinity]);
  });
});
