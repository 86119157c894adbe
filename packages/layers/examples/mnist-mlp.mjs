// The MNIST MLP of our reports: 784-128-10 (relu, softmax), Adam lr 1e-3,
// batch 64, 3 epochs, on the standard split (8,000 train / 1,756 test).
//   node packages/layers/examples/mnist-mlp.mjs [--backend wasm] [--epochs 3] [--seed 42]
import * as nt from '@neurite/core';
import { Adam } from '@neurite/optimizers';
import { loadMnist } from '@neurite/data';
import { dense, printProgress, sequential } from '@neurite/layers';
import { backendArg, isMain, numberArg, seededSubset, useBackend } from './setup.mjs';

/**
 * `trainLimit` trains on the first examples of a seeded shuffle (for quick
 * tests). Returns test accuracy and training throughput (examples per
 * second of fit, validation excluded since there is none).
 * @returns {Promise<{ testAccuracy: number, testLoss: number, samplesPerSecond: number, history: object }>}
 */
export async function trainMnistMlp({ epochs = 3, seed = 42, trainLimit, backend = 'js', log } = {}) {
  await useBackend(backend);
  const { train, test } = await loadMnist({ split: 'standard' });
  const { x, y } = seededSubset(train, trainLimit, seed);
  nt.seed(seed); // the initializers draw from core's global generator
  const model = sequential([dense({ units: 128, activation: 'relu', inputShape: [784] }), dense({ units: 10, activation: 'softmax' })], { name: 'mnist-mlp' });
  const optimizer = new Adam({ learningRate: 1e-3 });
  model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'] });
  try {
    const start = performance.now();
    const history = await model.fit(x, y, { epochs, batchSize: 64, seed, callbacks: log ? [printProgress(log)] : [] });
    const seconds = (performance.now() - start) / 1000;
    const scores = model.evaluate(test.x, test.y, { batchSize: 256 });
    return { testAccuracy: scores.accuracy, testLoss: scores.loss, samplesPerSecond: (x.shape[0] * history.epoch.length) / seconds, history };
  } finally {
    nt.dispose([x, y, test]);
    optimizer.dispose();
    model.dispose();
  }
}

if (isMain(import.meta.url)) {
  const epochs = numberArg('--epochs', 3);
  const backend = backendArg();
  const r = await trainMnistMlp({ epochs, seed: numberArg('--seed', 42), backend, log: console.log });
  console.log(`backend ${backend}: test accuracy ${(100 * r.testAccuracy).toFixed(2)}% after ${epochs} epochs, ${Math.round(r.samplesPerSecond)} samples/s in fit`);
}
