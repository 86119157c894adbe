import { beforeAll, describe, expect, it } from 'vitest';
import { listBackends, setBackend } from '@neurite/core';
import { register } from '@neurite/backend-js';
import { loadMnistArrays, partition } from '@neurite/data';
import { FedAvg } from '../strategies/fedavg.js';
import { simulate } from './simulation.js';

beforeAll(async () => {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
});

/** Every k-th example of a digit-ordered set, so a small subset still has all ten digits. */
function every<T extends { x: Float32Array; y: Int32Array }>(d: T, k: number): { x: Float32Array; y: Int32Array } {
  const n = Math.floor(d.y.length / k);
  const x = new Float32Array(n * 784);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    x.set(d.x.subarray(i * k * 784, (i * k + 1) * 784), i * 784);
    y[i] = d.y[i * k];
  }
  return { x, y };
}

describe('federated MNIST, end to end (small)', () => {
  it('5 clients, Dirichlet(0.5) label skew, 4 rounds of FedAvg: test accuracy well above chance', async () => {
    const { train, test } = await loadMnistArrays('standard');
    const small = every(train, 4); // 2000 training examples
    const heldOut = every(test, 2); // 878 test examples
    const parts = partition(small.y, { kind: 'dirichlet', alpha: 0.5 }, { clients: 5, seed: 1 });
    const res = await simulate({
      model: { kind: 'mlp', inputs: 784, hidden: [32], outputs: 10 },
      train: small,
      test: heldOut,
      partition: parts,
      training: { epochs: 1, batchSize: 32, learningRate: 0.1 },
      strategy: new FedAvg(),
      rounds: 4,
      seed: 3,
    });
    const acc = res.history.map((r) => r.accuracy!);
    expect(acc[3]).toBeGreaterThan(0.6); // chance is 0.1
    expect(res.history[3].trainLoss).toBeLessThan(res.history[0].trainLoss);
  });
});
