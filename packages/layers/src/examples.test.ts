/**
 * The examples in ../examples, run as tests: the same training functions a
 * reader runs with node, on backend-js. The MNIST case is shortened (1 epoch
 * on 2,000 training digits); the full 3-epoch run is `node
 * packages/layers/examples/mnist-mlp.mjs`.
 */
import { describe, expect, it } from 'vitest';
import { memory } from '@neurite/core';
import { trainLinearRegression } from '../examples/linear-regression.mjs';
import { trainMnistMlp } from '../examples/mnist-mlp.mjs';
import { trainRegressionMlp } from '../examples/regression-mlp.mjs';
import { INPUTS, TARGETS, trainXor } from '../examples/xor.mjs';

describe('examples', () => {
  it('xor: a 2-2-1 tanh network gets all four cases right', async () => {
    const before = memory().numTensors;
    const { predictions } = await trainXor();
    expect(predictions.map((p: number) => (p >= 0.5 ? 1 : 0))).toEqual(TARGETS);
    expect(INPUTS.length).toBe(4);
    expect(memory().numTensors).toBe(before);
  });

  it('linear regression recovers w = 2 and b = 3 within 0.1', async () => {
    const { w, b } = await trainLinearRegression();
    expect(Math.abs(w - 2)).toBeLessThan(0.1);
    expect(Math.abs(b - 3)).toBeLessThan(0.1);
  });

  it('the 10-5-1 regression MLP (Adam) explains most of the variance of held-out data', async () => {
    const { testR2, testLoss } = await trainRegressionMlp({ epochs: 60 });
    expect(testR2).toBeGreaterThan(0.9);
    expect(testLoss).toBeLessThan(0.1);
  });

  it('the MNIST MLP learns (short run: 1 epoch on 2,000 digits, tested on the 1,756 test digits)', async () => {
    const { testAccuracy, history } = await trainMnistMlp({ epochs: 1, trainLimit: 2000 });
    expect(history.epoch).toEqual([0]);
    expect(testAccuracy).toBeGreaterThan(0.75);
  });
});
