// Linear regression: recover w = 2 and b = 3 from y = 2x + 3 + noise with
// one Dense unit, mean squared error and plain SGD.
//   node packages/layers/examples/linear-regression.mjs [--backend wasm]
import * as nt from '@neurite/core';
import { SGD } from '@neurite/optimizers';
import { dense, sequential } from '@neurite/layers';
import { backendArg, isMain, useBackend } from './setup.mjs';

/** `n` points x in [-1, 1] with y = 2x + 3 + N(0, noise^2), from `seed`. */
export function makeLine(n, noise, seed) {
  const rng = new nt.Random(seed);
  const xs = new Float32Array(n);
  const ys = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = rng.next() * 2 - 1;
    ys[i] = 2 * xs[i] + 3 + noise * rng.normal();
  }
  return { x: nt.tensor(xs, [n, 1]), y: nt.tensor(ys, [n, 1]) };
}

/** @returns {Promise<{ w: number, b: number, loss: number }>} */
export async function trainLinearRegression({ seed = 7, n = 256, noise = 0.1, epochs = 60, learningRate = 0.1, backend = 'js' } = {}) {
  await useBackend(backend);
  const { x, y } = makeLine(n, noise, seed);
  const model = sequential([dense({ units: 1, inputShape: [1], kernelInitializer: 'zeros' })], { name: 'line' });
  const optimizer = new SGD({ learningRate });
  try {
    const history = await model.fit(x, y, { optimizer, loss: 'mse', epochs, batchSize: 32, seed });
    const [kernel, bias] = model.getWeights();
    const result = { w: kernel.dataSync()[0], b: bias.dataSync()[0], loss: history.history.loss.at(-1) };
    nt.dispose([kernel, bias]);
    return result;
  } finally {
    nt.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

if (isMain(import.meta.url)) {
  const { w, b, loss } = await trainLinearRegression({ backend: backendArg() });
  console.log(`w = ${w.toFixed(3)} (true 2), b = ${b.toFixed(3)} (true 3), mse ${loss.toFixed(4)} (noise variance 0.01)`);
}
