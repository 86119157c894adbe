// @ts-check
import { lean } from '../budgets.mjs';
import { stepCase } from './mlp.mjs';

/**
 * A small MNIST CNN: 3×3 convolution to 8 channels (relu, 'valid'), 2×2 max
 * pool, flatten, dense 10 softmax; categorical cross-entropy, Adam lr 1e-3,
 * batch 64 of 28×28×1 images. Neurite builds it from @neurite/layers' Conv2D
 * and MaxPool2D (a row says "unavailable" while those are missing), the peers
 * with tfjs-layers' conv2d and maxPooling2d; same initial weights, same batch.
 * @type {import('../models.mjs').ModelSpec}
 */
export const CNN = {
  inputShape: [28, 28, 1],
  layers: [
    { type: 'conv2d', filters: 8, kernelSize: 3, activation: 'relu', padding: 'valid' },
    { type: 'maxPool2d', poolSize: 2 },
    { type: 'flatten' },
    { type: 'dense', units: 10, activation: 'softmax' },
  ],
  learningRate: 1e-3,
};

/** @type {import('../types.js').Suite} */
export default {
  name: 'cnn',
  unit: 'samples/s',
  cases: /** @type {import('../types.js').Case[]} */ ([
    {
      id: 'step-64',
      label: 'train step, batch 64',
      work: 64,
      tolerance: 2e-4,
      prepare: stepCase(CNN, [28, 28, 1]),
      // tfjs-cpu: ~1-3 s a step (its conv backprop); it computes the reference once in the gate,
      // and full runs take two calls a round instead of five.
      untimedShort: ['tfjs-cpu'],
      budget: { full: { iterations: 2 } },
    },
  ]).map(lean),
};
