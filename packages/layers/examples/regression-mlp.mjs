// A 10-5-1 regression MLP trained with Adam on a smooth nonlinear function
// of 10 inputs, scored by R^2 on held-out data.
//   node packages/layers/examples/regression-mlp.mjs [--backend wasm]
import * as nt from '@neurite/core';
import { Adam } from '@neurite/optimizers';
import { dense, earlyStopping, glorotUniform, r2, sequential } from '@neurite/layers';
import { backendArg, isMain, useBackend } from './setup.mjs';

/** y = sin(x0) + x1 * x2 + 0.5 * x3^2 - x4 + small noise; x5..x9 are distractors. */
export function makeData(n, seed) {
  const rng = new nt.Random(seed);
  const xs = new Float32Array(n * 10);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const r = xs.subarray(i * 10, i * 10 + 10);
    for (let k = 0; k < 10; k++) r[k] = rng.next() * 2 - 1;
    ys[i] = Math.sin(2 * r[0]) + r[1] * r[2] + 0.5 * r[3] * r[3] - r[4] + 0.05 * rng.normal();
  }
  return { x: nt.tensor(xs, [n, 10]), y: nt.tensor(ys, [n, 1]) };
}

/** @returns {Promise<{ trainLoss: number, testLoss: number, testR2: number, epochs: number }>} */
export async function trainRegressionMlp({ seed = 11, epochs = 150, backend = 'js' } = {}) {
  await useBackend(backend);
  const train = makeData(1024, seed);
  const test = makeData(256, seed + 1);
  const model = sequential(
    [
      dense({ units: 5, activation: 'tanh', inputShape: [10], kernelInitializer: glorotUniform({ seed }) }),
      dense({ units: 1, kernelInitializer: glorotUniform({ seed: seed + 1 }) }),
    ],
    { name: 'regression-mlp' },
  );
  const optimizer = new Adam({ learningRate: 0.01 });
  model.compile({ optimizer, loss: 'mse', metrics: [r2()] });
  try {
    const history = await model.fit(train.x, train.y, {
      epochs,
      batchSize: 32,
      seed,
      validationSplit: 0.2,
      callbacks: [earlyStopping({ monitor: 'val_loss', patience: 15, restoreBestWeights: true })],
    });
    const scores = model.evaluate(test.x, test.y);
    return { trainLoss: history.history.loss.at(-1), testLoss: scores.loss, testR2: scores.r2, epochs: history.epoch.length };
  } finally {
    nt.dispose([train, test]);
    optimizer.dispose();
    model.dispose();
  }
}

if (isMain(import.meta.url)) {
  const r = await trainRegressionMlp({ backend: backendArg() });
  console.log(`${r.epochs} epochs: train mse ${r.trainLoss.toFixed(4)}, test mse ${r.testLoss.toFixed(4)}, test R^2 ${r.testR2.toFixed(3)}`);
}
