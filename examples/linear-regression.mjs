// Linear regression by gradient descent: recover w = 2 and b = 3 from noisy
// samples of y = 2x + 3.
import * as nt from '@neurite/core';
import { isMain, useBackend } from './setup.mjs';

export const TRUE_W = 2;
export const TRUE_B = 3;

/**
 * Fits y = w x + b to `samples` points (x uniform in [-1, 1], Gaussian noise
 * with standard deviation `noise`) by minimising the mean squared error.
 * @returns {Promise<{ w: number, b: number, loss: number, steps: number, tensorsBefore: number, tensorsAfter: number }>}
 */
export async function trainLinearRegression({ seed = 1, samples = 200, noise = 0.1, learningRate = 0.5, steps = 200, backend = 'auto' } = {}) {
  await useBackend(backend);
  // Separate seeds per stream, so changing the noise never changes the xs.
  const [x, y] = nt.tidy(() => {
    const xs = nt.randomUniform([samples, 1], -1, 1, { seed });
    return [xs, nt.add(nt.add(nt.mul(xs, TRUE_W), TRUE_B), nt.randomNormal([samples, 1], 0, noise, { seed: seed + 1 }))];
  });
  const [w, b] = nt.tidy(() => [nt.variable(nt.zeros([1, 1]), { name: 'linear/w' }), nt.variable(nt.zeros([1]), { name: 'linear/b' })]);

  const tensorsBefore = nt.memory().numTensors;
  let loss = Infinity;
  for (let step = 0; step < steps; step++) {
    // tidy() frees the step's intermediates; only the variables change.
    loss = nt.tidy(() => {
      const { value, grads } = nt.variableGrads(() => nt.mean(nt.square(nt.sub(nt.add(nt.matMul(x, w), b), y))), [w, b]);
      nt.assign(w, nt.sub(w, nt.mul(grads[w.name], learningRate)));
      nt.assign(b, nt.sub(b, nt.mul(grads[b.name], learningRate)));
      return value.dataSync()[0];
    });
  }
  const tensorsAfter = nt.memory().numTensors;
  const result = { w: w.dataSync()[0], b: b.dataSync()[0], loss, steps, tensorsBefore, tensorsAfter };
  nt.dispose([x, y, w, b]);
  return result;
}

/** True when the fit is within `tolerance` of the line the data came from. */
export const recovered = ({ w, b }, tolerance = 0.1) => Math.abs(w - TRUE_W) < tolerance && Math.abs(b - TRUE_B) < tolerance;

if (isMain(import.meta.url)) {
  const r = await trainLinearRegression({ seed: 1 });
  console.log(`w = ${r.w.toFixed(4)} (true ${TRUE_W}), b = ${r.b.toFixed(4)} (true ${TRUE_B}), mse ${r.loss.toFixed(5)} after ${r.steps} steps`);
  console.log(`live tensors ${r.tensorsBefore} before training, ${r.tensorsAfter} after`);
  if (!recovered(r)) {
    console.error('linear-regression: w or b is more than 0.1 away from the truth');
    process.exitCode = 1;
  }
}
