// XOR with a 2-2-1 network: two tanh hidden units, a sigmoid output and
// binary cross-entropy. The smallest problem a linear model cannot solve.
//   node packages/layers/examples/xor.mjs [--backend wasm]
import * as nt from '@neurite/core';
import { Adam } from '@neurite/optimizers';
import { dense, glorotUniform, sequential } from '@neurite/layers';
import { backendArg, isMain, useBackend } from './setup.mjs';

export const INPUTS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
export const TARGETS = [0, 1, 1, 0];

/**
 * Trains the 2-2-1 network on the four cases (full batch).
 * @returns {Promise<{ predictions: number[], loss: number, history: object }>}
 */
export async function trainXor({ seed = 3, epochs = 300, learningRate = 0.1, backend = 'js' } = {}) {
  await useBackend(backend);
  const model = sequential(
    [
      dense({ units: 2, activation: 'tanh', kernelInitializer: glorotUniform({ seed }) }),
      dense({ units: 1, activation: 'sigmoid', kernelInitializer: glorotUniform({ seed: seed + 1 }) }),
    ],
    { inputShape: [2], name: 'xor' },
  );
  const optimizer = new Adam({ learningRate });
  model.compile({ optimizer, loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  const x = nt.tensor(INPUTS);
  const y = nt.tensor(TARGETS, [4, 1]);
  try {
    const history = await model.fit(x, y, { epochs, batchSize: 4, seed });
    const p = model.predict(x);
    const predictions = Array.from(p.dataSync());
    p.dispose();
    return { predictions, loss: history.history.loss.at(-1), history };
  } finally {
    nt.dispose([x, y]);
    optimizer.dispose();
    model.dispose();
  }
}

if (isMain(import.meta.url)) {
  const { predictions, loss } = await trainXor({ backend: backendArg() });
  INPUTS.forEach((input, i) => console.log(`${input.join(' xor ')} -> ${predictions[i].toFixed(3)} (target ${TARGETS[i]})`));
  console.log(`final loss ${loss.toFixed(4)}`);
}
