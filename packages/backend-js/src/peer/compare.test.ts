/**
 * The comparison itself: these prove the peer tests' assertions can fail, for
 * values, shapes, dtypes, gradients and leaks.
 */
import { describe, expect, it } from 'vitest';
import { add, memory, mul, neg, square, tidy } from '@neurite/core';
import { TOLERANCE, checkForward, checkGrads, expectClose, mismatches } from './compare.js';
import { inputs } from './inputs.js';
import { usePeers } from './setup.js';
import { tf } from './tfjs.js';

usePeers();

describe('mismatches', () => {
  it('accepts a relative error of 1e-5 above 1 and an absolute one below', () => {
    expect(mismatches([1000 * (1 + 0.9 * TOLERANCE), 0.5 + 0.9 * TOLERANCE, 0], [1000, 0.5, 0.9 * TOLERANCE])).toEqual([]);
  });

  it('rejects twice the tolerance, relative and absolute', () => {
    expect(mismatches([1000 * (1 + 2 * TOLERANCE)], [1000])).toHaveLength(1);
    expect(mismatches([2 * TOLERANCE], [0])).toHaveLength(1);
    expect(mismatches([-1e-3], [1e-3])).toHaveLength(1);
  });

  it('matches NaN only with NaN and an infinity only with itself', () => {
    expect(mismatches([NaN, Infinity, -Infinity], [NaN, Infinity, -Infinity])).toEqual([]);
    expect(mismatches([0], [NaN])).toHaveLength(1);
    expect(mismatches([NaN], [0])).toHaveLength(1);
    expect(mismatches([3.4e38], [Infinity])).toHaveLength(1);
    expect(mismatches([Infinity], [-Infinity])).toHaveLength(1);
  });

  it('requires equality in exact mode and equal lengths always', () => {
    expect(mismatches([1 + 1e-9], [1], { exact: true })).toHaveLength(1);
    expect(mismatches([1, 2], [1])).toHaveLength(1);
  });
});

describe('expectClose', () => {
  it('fails on shape, dtype and value', () => {
    const x = inputs('expectClose').normal([2, 3]);
    tf.tidy(() => {
      const same = tf.tensor(x.dataSync(), [2, 3]);
      expectClose(x, same, 'same');
      expect(() => expectClose(x, tf.tensor(x.dataSync(), [3, 2]), 'shape')).toThrow(/shape/);
      expect(() => expectClose(x, tf.cast(same, 'int32'), 'dtype')).toThrow(/dtype/);
      expect(() => expectClose(x, tf.add(same, 1e-3), 'value')).toThrow(/values differ/);
    });
  });
});

describe('checkForward and checkGrads', () => {
  it('fail on a wrong op and still free what they made', () => {
    const x = inputs('wrong op').normal([3, 4]);
    expect(() => checkForward((a) => neg(a), (a) => tf.abs(a), [x])).toThrow(/values differ/);
  });

  it('fail on a wrong gradient whose value is right', () => {
    const x = inputs('wrong gradient').normal([5]);
    // tfjs value x^2 with gradient dy * x instead of dy * 2x.
    const halfGrad = tf.customGrad((input) => {
      const a = input as tf.Tensor;
      return { value: tf.square(a), gradFunc: (dy: tf.Tensor) => tf.mul(dy, a) };
    });
    expect(() => checkGrads((a) => square(a), (a) => halfGrad(a) as tf.Tensor, [x])).toThrow(/gradient 0/);
  });

  it('leave behind what a composite forgets, which the leak check counts', () => {
    const x = inputs('leak').normal([2, 2]);
    const leaked = tidy(() => {
      const before = memory().numTensors;
      checkForward((a) => mul(add(a, 1), 2), (a) => tf.mul(tf.add(a, 1), 2), [x]);
      return memory().numTensors - before;
    });
    expect(leaked).toBe(1);
  });
});
