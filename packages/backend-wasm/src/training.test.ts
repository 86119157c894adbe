import {
  add, argMax, assign, dispose, mean, memory, matMul, mul, oneHot, randomNormal, registerBackend, relu, removeBackend,
  setBackend, softmaxCrossEntropyWithLogits, sub, tidy, variable, variableGrads,
} from '@neurite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';

describe('a training loop on wasm', () => {
  let backend: WasmBackend;
  beforeAll(async () => {
    registerBackend('wasm-training', async () => (backend = await createWasmBackend()));
    await setBackend('wasm-training');
  });
  afterAll(() => removeBackend('wasm-training'));

  it('learns, and neither live tensors nor the heap grow after the first epoch', () => {
    // A two-layer MLP on a separable toy problem: the label is the argmax of the 8 features.
    const x = randomNormal([64, 8], 0, 1, { seed: 3 });
    const labels = tidy(() => oneHot(argMax(x, -1), 8));
    const w1 = variable(randomNormal([8, 32], 0, 0.3, { seed: 4 }), { name: 'w1' });
    const b1 = variable(randomNormal([32], 0, 0.01, { seed: 5 }), { name: 'b1' });
    const w2 = variable(randomNormal([32, 8], 0, 0.3, { seed: 6 }), { name: 'w2' });
    const params = [w1, b1, w2];
    const step = (): number =>
      tidy(() => {
        const { value, grads } = variableGrads(
          () => mean(softmaxCrossEntropyWithLogits(labels, matMul(relu(add(matMul(x, w1), b1)), w2))),
          params,
        );
        for (const p of params) assign(p, sub(p, mul(grads[p.name], 0.5)));
        return value.dataSync()[0];
      });
    const epoch = () => {
      let loss = 0;
      for (let i = 0; i < 20; i++) loss = step();
      return loss;
    };
    const first = epoch();
    const tensorsAfterFirst = memory().numTensors;
    const heapAfterFirst = backend.memoryInfo().heapBytes;
    let last = first;
    for (let e = 0; e < 4; e++) last = epoch();
    expect(last).toBeLessThan(first * 0.8);
    expect(memory().numTensors).toBe(tensorsAfterFirst);
    expect(backend.memoryInfo().heapBytes).toBe(heapAfterFirst);
    dispose([x, labels, ...params]);
  });
});
