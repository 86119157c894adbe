// A small convolutional network for MNIST: two conv blocks (3x3 relu
// convolutions, 2x2 max pooling), then a softmax layer; 5,258 parameters.
// Adam lr 3e-3 (1e-3 learns too slowly for 8 epochs), batch 64, 8 epochs, on
// the standard split (8,000 train / 1,756 test): 96.5% test accuracy with
// seed 42 (backend-js and wasm), in about 25 s of training on wasm and 140 s
// on backend-js on a busy 2-core machine.
//   node packages/layers/examples/mnist-cnn.mjs [--backend js|wasm] [--epochs 8] [--seed 42]
import * as nt from '@neurite/core';
import { Adam } from '@neurite/optimizers';
import { loadMnist } from '@neurite/data';
import { conv2d, dense, flatten, maxPool2d, printProgress, reshape, sequential } from '@neurite/layers';
import { backendArg, isMain, numberArg, seededSubset, useBackend } from './setup.mjs';

/**
 * The network. loadMnist gives each digit as a row of 784 pixels, so the
 * first layer turns it back into a 28x28 image with one channel.
 */
export function mnistCnn() {
  return sequential(
    [
      reshape({ targetShape: [28, 28, 1], inputShape: [784] }),
      conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }), // -> 26x26x8
      maxPool2d({ poolSize: 2 }), //                                -> 13x13x8
      conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }), // -> 11x11x16
      maxPool2d({ poolSize: 2 }), //                                 -> 5x5x16
      flatten(), //                                                  -> 400
      dense({ units: 10, activation: 'softmax' }),
    ],
    { name: 'mnist-cnn' },
  );
}

/**
 * `trainLimit` trains on the first examples of a seeded shuffle (for quick
 * tests). Returns test accuracy, the seconds each epoch took and training
 * throughput (examples per second of fit).
 * @returns {Promise<{ testAccuracy: number, testLoss: number, epochSeconds: number[], samplesPerSecond: number, history: object }>}
 */
export async function trainMnistCnn({ epochs = 8, seed = 42, learningRate = 3e-3, trainLimit, backend = 'js', log } = {}) {
  await useBackend(backend);
  const { train, test } = await loadMnist({ split: 'standard' });
  const { x, y } = seededSubset(train, trainLimit, seed);
  nt.seed(seed); // the initializers draw from core's global generator
  const model = mnistCnn();
  const optimizer = new Adam({ learningRate });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  const epochSeconds = [];
  let epochStart = 0;
  const timer = { onEpochBegin: () => void (epochStart = performance.now()), onEpochEnd: () => void epochSeconds.push((performance.now() - epochStart) / 1000) };
  try {
    if (log) log(model.summary());
    const history = await model.fit(x, y, { epochs, batchSize: 64, seed, callbacks: log ? [timer, printProgress(log)] : [timer] });
    const seconds = epochSeconds.reduce((a, b) => a + b, 0);
    const scores = model.evaluate(test.x, test.y, { batchSize: 256 });
    return { testAccuracy: scores.accuracy, testLoss: scores.loss, epochSeconds, samplesPerSecond: (x.shape[0] * history.epoch.length) / seconds, history };
  } finally {
    nt.dispose([x, y, test]);
    optimizer.dispose();
    model.dispose();
  }
}

if (isMain(import.meta.url)) {
  const epochs = numberArg('--epochs', 8);
  // Convolutions are compute-bound and wasm runs them about 5x faster: it is the default here when it loads.
  let backend = backendArg();
  if (!process.argv.includes('--backend')) backend = await useBackend('wasm').catch(() => 'js');
  const r = await trainMnistCnn({ epochs, seed: numberArg('--seed', 42), backend, log: console.log });
  const total = r.epochSeconds.reduce((a, b) => a + b, 0);
  console.log(
    `backend ${backend}: test accuracy ${(100 * r.testAccuracy).toFixed(2)}% after ${epochs} epochs, ` +
      `${total.toFixed(1)} s of training (${Math.round(r.samplesPerSecond)} samples/s)`,
  );
}
