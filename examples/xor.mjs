// XOR with a 2-2-1 tanh network and plain full-batch gradient descent: the
// smallest problem a linear model cannot solve.
import * as nt from '@neurite/core';
import { isMain, useBackend } from './setup.mjs';

const INPUTS = [
  [0, 0],
  [0, 1],
  [1, 0],
  [1, 1],
];
const TARGETS = [0, 1, 1, 0];

/**
 * Trains until every case is within `margin` of its target (so rounding at
 * 0.5 is right with room to spare), or throws after `maxSteps`.
 * @returns {Promise<{ predictions: number[], loss: number, steps: number, tensorsBefore: number, tensorsAfter: number }>}
 */
export async function trainXor({ seed = 1, learningRate = 0.5, margin = 0.2, maxSteps = 5000, backend = 'auto' } = {}) {
  await useBackend(backend);
  const x = nt.tensor(INPUTS);
  const y = nt.tensor(TARGETS, [4, 1]);
  // Variables survive tidy(); the random initial values made for them do not.
  const [w1, b1, w2, b2] = nt.tidy(() => [
    nt.variable(nt.randomNormal([2, 2], 0, 1, { seed }), { name: 'xor/w1' }),
    nt.variable(nt.zeros([2]), { name: 'xor/b1' }),
    nt.variable(nt.randomNormal([2, 1], 0, 1, { seed: seed + 1 }), { name: 'xor/w2' }),
    nt.variable(nt.zeros([1]), { name: 'xor/b2' }),
  ]);
  const params = [w1, b1, w2, b2];
  const predict = () => nt.tanh(nt.add(nt.matMul(nt.tanh(nt.add(nt.matMul(x, w1), b1)), w2), b2));

  const tensorsBefore = nt.memory().numTensors;
  let steps = 0;
  let loss = Infinity;
  let predictions = [];
  while (steps < maxSteps) {
    // One step: loss and gradients, then w -= lr * dL/dw. tidy() frees every
    // intermediate, so the live-tensor count is the same after each step.
    [loss, predictions] = nt.tidy(() => {
      const { value, grads } = nt.variableGrads(() => nt.mean(nt.square(nt.sub(predict(), y))), params);
      const before = Array.from(predict().dataSync());
      for (const p of params) nt.assign(p, nt.sub(p, nt.mul(grads[p.name], learningRate)));
      return [value.dataSync()[0], before];
    });
    steps++;
    if (predictions.every((p, i) => Math.abs(p - TARGETS[i]) < margin)) break;
  }
  const tensorsAfter = nt.memory().numTensors;
  nt.dispose([x, y, ...params]);
  if (steps === maxSteps) throw new Error(`xor: not solved in ${maxSteps} steps (seed ${seed}, loss ${loss.toFixed(4)}) - try another seed or learning rate`);
  return { predictions, loss, steps, tensorsBefore, tensorsAfter };
}

/** One line per case: input, prediction, and whether it rounds to the target. */
export function formatXor({ predictions }) {
  return INPUTS.map(([a, b], i) => `${a} xor ${b} = ${TARGETS[i]}   predicted ${predictions[i].toFixed(3)} ${Math.round(predictions[i]) === TARGETS[i] ? 'ok' : 'WRONG'}`).join('\n');
}

if (isMain(import.meta.url)) {
  const r = await trainXor({ seed: 1 });
  console.log(formatXor(r));
  console.log(`solved in ${r.steps} steps, loss ${r.loss.toFixed(4)}; live tensors ${r.tensorsBefore} before training, ${r.tensorsAfter} after`);
}
