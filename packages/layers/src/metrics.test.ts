import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, tensor } from '@neurite/core';
import { accuracy, confusionMatrix, f1, mae, precision, r2, recall } from './metrics.js';
import { useJs } from './testing/backend.js';

beforeAll(useJs);

describe('metrics', () => {
  it('accuracy: binary, categorical and sparse, accumulated over batches', () => {
    const probs = tensor([[0.9, 0.1], [0.2, 0.8], [0.6, 0.4]]);
    const sparse = tensor([0, 1, 1], [3], 'int32');
    const onehot = tensor([[1, 0], [0, 1], [0, 1]]);
    const m = accuracy();
    m.update(sparse, probs);
    expect(m.result()).toBeCloseTo(2 / 3);
    m.update(onehot, probs); // another batch: 4 right of 6
    expect(m.result()).toBeCloseTo(4 / 6);
    m.reset();
    m.update(tensor([1, 0, 1, 1]), tensor([[0.7], [0.4], [0.2], [0.5]]));
    expect(m.result()).toBeCloseTo(3 / 4);
    dispose([probs, sparse, onehot]);
  });

  it('precision, recall and F1 (binary); the confusion matrix', () => {
    // labels 1 1 1 0 0, predictions 1 1 0 1 0 -> tp 2, fp 1, fn 1
    const y = tensor([1, 1, 1, 0, 0]);
    const p = tensor([0.9, 0.8, 0.1, 0.7, 0.2]);
    const [pm, rm, fm] = [precision(), recall(), f1()];
    for (const m of [pm, rm, fm]) m.update(y, p);
    expect(pm.result()).toBeCloseTo(2 / 3);
    expect(rm.result()).toBeCloseTo(2 / 3);
    expect(fm.result()).toBeCloseTo(2 / 3);
    expect(confusionMatrix(y, p)).toEqual([
      [1, 1],
      [1, 2],
    ]);
    dispose([y, p]);
  });

  it('macro averages over classes for several classes', () => {
    const labels = tensor([0, 0, 1, 2], [4], 'int32');
    const scores = tensor([[1, 0, 0], [0, 1, 0], [0, 1, 0], [0, 0, 1]]);
    const m = precision();
    m.update(labels, scores);
    // class 0: 1/1, class 1: 1/2, class 2: 1/1
    expect(m.result()).toBeCloseTo((1 + 0.5 + 1) / 3);
    const r = recall();
    r.update(labels, scores);
    expect(r.result()).toBeCloseTo((0.5 + 1 + 1) / 3);
    expect(confusionMatrix(labels, scores)).toEqual([[1, 1, 0], [0, 1, 0], [0, 0, 1]]);
    dispose([labels, scores]);
  });

  it('R2 and MAE', () => {
    const y = tensor([1, 2, 3, 4]);
    const p = tensor([1.5, 2, 2.5, 4]);
    const [rm, am] = [r2(), mae()];
    rm.update(y, p);
    am.update(y, p);
    expect(rm.result()).toBeCloseTo(1 - 0.5 / 5);
    expect(am.result()).toBeCloseTo(1 / 4);
    dispose([y, p]);
  });
});
