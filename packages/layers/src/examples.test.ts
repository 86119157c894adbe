/**
 * The examples in ../examples, run as tests: the same training functions a
 * reader runs with node, on backend-js and on backend-wasm. The MNIST cases are shortened (the
 * MLP: 1 epoch on 2,000 training digits; the CNN: 2 epochs on 2,000); the full runs are `node packages/layers/examples/mnist-mlp.mjs`
 * (3 epochs) and `node packages/layers/examples/mnist-cnn.mjs` (>= 96% test accuracy).
 */
import { describe, expect, it } from 'vitest';
import { memory } from '@neurite/core';
import { trainLinearRegression } from '../examples/linear-regression.mjs';
import { trainMnistCnn } from '../examples/mnist-cnn.mjs';
import { trainMnistMlp } from '../examples/mnist-mlp.mjs';
import { trainRegressionMlp } from '../examples/regression-mlp.mjs';
import { INPUTS, TARGETS, trainXor } from '../examples/xor.mjs';

describe.each(['js', 'wasm'] as const)('examples on backend-%s', (backend) => {
  it('xor: a 2-2-1 tanh network gets all four cases right', async () => {
    const before = memory().numTensors;
    const { predictions } = await trainXor({ backend });
    expect(predictions.map((p: number) => (p >= 0.5 ? 1 : 0))).toEqual(TARGETS);
    expect(INPUTS.length).toBe(4);
    expect(memory().numTensors).toBe(before);
  });

  it('linear regression recovers w = 2 and b = 3 within 0.1', async () => {
    const { w, b } = await trainLinearRegression({ backend });
    expect(Math.abs(w - 2)).toBeLessThan(0.1);
    expect(Math.abs(b - 3)).toBeLessThan(0.1);
  });

  it('the 10-5-1 regression MLP (Adam) explains most of the variance of held-out data', async () => {
    const { testR2, testLoss } = await trainRegressionMlp({ epochs: 60, backend });
    expect(testR2).toBeGreaterThan(0.9);
    expect(testLoss).toBeLessThan(0.1);
  });

  it('the MNIST MLP learns (short run: 1 epoch on 2,000 digits, tested on the 1,756 test digits)', async () => {
    const { testAccuracy, history } = await trainMnistMlp({ epochs: 1, trainLimit: 2000, backend });
    expect(history.epoch).toEqual([0]);
    expect(testAccuracy).toBeGreaterThan(0.75);
  });

  it('the MNIST CNN learns (short run: 2 epochs on 2,000 digits, tested on the 1,756 test digits)', async () => {
    const before = memory().numTensors;
    const { testAccuracy, history, epochSeconds } = await trainMnistCnn({ epochs: 2, trainLimit: 2000, backend });
    expect(history.epoch).toEqual([0, 1]);
    expect(epochSeconds).toHaveLength(2);
    expect(testAccuracy).toBeGreaterThan(0.8);
    expect(memory().numTensors).toBe(before);
  }, 120_000);
});
