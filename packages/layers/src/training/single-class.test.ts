import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { dispose, memory, seed, tensor, type Tensor } from '@neurite/core';
import { SGD } from '@neurite/optimizers';
import { dense } from '../layers/dense.js';
import type { LossName } from '../losses.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { singleClass } from './single-class.js';

beforeAll(useJs);
afterEach(() => vi.restoreAllMocks());

const N = 40;
/** Labels 0, 1, 2 in blocks (sorted, as the bundled data sets ship) or cycling (shuffled). */
const classOf = (i: number, sorted: boolean) => (sorted ? Math.min(2, Math.floor((i * 3) / N)) : i % 3);
const features = () => tensor(Array.from({ length: N * 2 }, (_, i) => Math.sin(i)), [N, 2]);

async function fitWith(y: Tensor, units: number, loss: LossName, options: { validationData?: [Tensor, Tensor]; validationSplit?: number } = { validationSplit: 0.25 }) {
  seed(1);
  const model = sequential([dense({ units, inputShape: [2], activation: loss === 'binaryCrossentropy' ? 'sigmoid' : units > 1 ? 'softmax' : 'linear' })]);
  const optimizer = new SGD({ learningRate: 0.01 });
  model.compile({ optimizer, loss });
  const x = features();
  const warn = vi.fn();
  await model.fit(x, y, { epochs: 3, batchSize: 8, seed: 2, warn, ...options });
  dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return warn;
}

describe('fit warns when the validation labels hold a single class', () => {
  it('sparse labels sorted by class: validationSplit takes only the last class, warned once', async () => {
    const before = memory().numTensors;
    const warn = await fitWith(tensor(Array.from({ length: N }, (_, i) => classOf(i, true)), [N], 'int32'), 3, 'sparseCategoricalCrossentropy');
    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0][0]).toMatch(/^fit: all 10 validation labels are class 2 - validationSplit takes the last 10 rows .*shuffle the examples with a seed first/);
    expect(memory().numTensors).toBe(before);
  });

  it('one-hot labels and binary labels [n, 1] are read as classes too', async () => {
    const oneHot = tensor(Array.from({ length: N }, (_, i) => [0, 1, 2].map((c) => (c === classOf(i, true) ? 1 : 0))), [N, 3]);
    const w1 = await fitWith(oneHot, 3, 'categoricalCrossentropy');
    expect(w1).toHaveBeenCalledTimes(1);
    expect(w1.mock.calls[0][0]).toContain('are class 2');
    const binary = tensor(Array.from({ length: N }, (_, i) => [i < N / 2 ? 0 : 1]), [N, 1]);
    const w2 = await fitWith(binary, 1, 'binaryCrossentropy');
    expect(w2).toHaveBeenCalledTimes(1);
    expect(w2.mock.calls[0][0]).toContain('are class 1');
  });

  it('says nothing for shuffled labels, regression targets or no validation', async () => {
    expect(await fitWith(tensor(Array.from({ length: N }, (_, i) => classOf(i, false)), [N], 'int32'), 3, 'sparseCategoricalCrossentropy')).not.toHaveBeenCalled();
    expect(await fitWith(tensor(Array.from({ length: N }, (_, i) => [0.5 + i / 7]), [N, 1]), 1, 'meanSquaredError')).not.toHaveBeenCalled();
    expect(await fitWith(tensor(Array.from({ length: N }, (_, i) => classOf(i, true)), [N], 'int32'), 3, 'sparseCategoricalCrossentropy', {})).not.toHaveBeenCalled();
  });

  it('warns about validationData of one class, and by default through console.warn', async () => {
    const spy = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const xv = tensor([[0, 1], [1, 0], [1, 1]]);
    const yv = tensor([1, 1, 1], [3], 'int32');
    const w = await fitWith(tensor(Array.from({ length: N }, (_, i) => classOf(i, false)), [N], 'int32'), 3, 'sparseCategoricalCrossentropy', { validationData: [xv, yv] });
    expect(w).toHaveBeenCalledTimes(1);
    expect(w.mock.calls[0][0]).toMatch(/^fit: all 3 validation labels are class 1 - validation metrics on one class say little/);
    expect(spy).not.toHaveBeenCalled();

    seed(1);
    const model = sequential([dense({ units: 3, inputShape: [2], activation: 'softmax' })]);
    const optimizer = new SGD({ learningRate: 0.01 });
    model.compile({ optimizer, loss: 'sparseCategoricalCrossentropy' });
    const x = features();
    const y = tensor(Array.from({ length: N }, (_, i) => classOf(i, true)), [N], 'int32');
    await model.fit(x, y, { epochs: 2, validationSplit: 0.25, seed: 1 });
    expect(spy).toHaveBeenCalledTimes(1);
    expect(spy.mock.calls[0][0]).toContain('are class 2');
    dispose([x, y, xv, yv]);
    optimizer.dispose();
    model.dispose();
  });
});

describe('singleClass', () => {
  it('reads integer labels and one-hot rows, and skips soft, multi-hot and fractional labels', () => {
    expect(singleClass([4, 4, 4], [3])).toBe(4);
    expect(singleClass([4, 4, 5], [3])).toBeUndefined();
    expect(singleClass([7], [1])).toBeUndefined(); // one example: one class is no sign of sorting
    expect(singleClass([0, 0, 1, 0, 0, 1], [2, 3])).toBe(2);
    expect(singleClass([0, 0, 1, 0, 1, 0], [2, 3])).toBeUndefined();
    expect(singleClass([0.1, 0.1, 0.8, 0.1, 0.1, 0.8], [2, 3])).toBeUndefined();
    expect(singleClass([0, 1, 1, 0, 1, 1], [2, 3])).toBeUndefined();
    expect(singleClass([0.5, 0.5], [2, 1])).toBeUndefined();
  });
});
