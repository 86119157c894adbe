import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, sigmoid, softmax, tensor, tidy, type Tensor } from '@neurite/core';
import { binaryCrossentropy, categoricalCrossentropy, getLoss, huber, meanAbsoluteError, meanSquaredError, sparseCategoricalCrossentropy, type Loss } from './losses.js';
import { useJs } from './testing/backend.js';

beforeAll(useJs);

const value = (loss: Loss, yTrue: Tensor, yPred: Tensor): number => tidy(() => loss.compute(yTrue, yPred).dataSync()[0]);

describe('losses', () => {
  it('regression losses match hand computation', () => {
    const t = tensor([[1], [2], [3]]);
    const p = tensor([[1.5], [2], [0]]);
    expect(value(meanSquaredError(), t, p)).toBeCloseTo((0.25 + 0 + 9) / 3, 6);
    expect(value(meanAbsoluteError(), t, p)).toBeCloseTo((0.5 + 0 + 3) / 3, 6);
    // huber delta 1: 0.5*0.25, 0, 1*(3 - 0.5)
    expect(value(huber(), t, p)).toBeCloseTo((0.125 + 0 + 2.5) / 3, 6);
    // labels [n] against predictions [n, 1] are accepted
    const flat = tensor([1, 2, 3]);
    expect(value(meanSquaredError(), flat, p)).toBeCloseTo((0.25 + 9) / 3, 6);
    dispose([t, p, flat]);
  });

  it('cross-entropies on probabilities equal their from-logits forms', () => {
    const logits = tensor([[2, -1, 0.5], [-3, 4, 1]]);
    const probs = softmax(logits);
    const onehot = tensor([[1, 0, 0], [0, 0, 1]]);
    const sparse = tensor([0, 2], [2], 'int32');
    const want = (-Math.log(probs.dataSync()[0]) - Math.log(probs.dataSync()[5])) / 2;
    expect(value(categoricalCrossentropy(), onehot, probs)).toBeCloseTo(want, 5);
    expect(value(categoricalCrossentropy({ fromLogits: true }), onehot, logits)).toBeCloseTo(want, 5);
    expect(value(sparseCategoricalCrossentropy(), sparse, probs)).toBeCloseTo(want, 5);
    expect(value(sparseCategoricalCrossentropy({ fromLogits: true }), sparse, logits)).toBeCloseTo(want, 5);

    const z = tensor([[1.5], [-0.5], [3]]);
    const y = tensor([[1], [0], [0]]);
    const s = sigmoid(z);
    const sv = s.dataSync();
    const bce = -(Math.log(sv[0]) + Math.log(1 - sv[1]) + Math.log(1 - sv[2])) / 3;
    expect(value(binaryCrossentropy(), y, s)).toBeCloseTo(bce, 5);
    expect(value(binaryCrossentropy({ fromLogits: true }), y, z)).toBeCloseTo(bce, 5);
    dispose([logits, probs, onehot, sparse, z, y, s]);
  });

  it('from-logits forms stay finite for huge logits; probability forms are clipped, not infinite', () => {
    const logits = tensor([[1000, -1000]]);
    const onehot = tensor([[0, 1]]);
    expect(value(categoricalCrossentropy({ fromLogits: true }), onehot, logits)).toBeCloseTo(2000, 0);
    expect(value(binaryCrossentropy({ fromLogits: true }), tensor([[0]]), tensor([[500]]))).toBeCloseTo(500, 2);
    expect(Number.isFinite(value(categoricalCrossentropy(), onehot, tensor([[1, 0]])))).toBe(true);
    dispose([logits, onehot]);
  });

  it('names resolve; mismatched labels are a ShapeError with a hint', () => {
    expect(getLoss('mse').name).toBe('meanSquaredError');
    expect(() => getLoss('hinge' as never)).toThrow(/unknown loss 'hinge'/);
    const p = tensor([[0.5, 0.5]]);
    const t = tensor([1, 0, 1]);
    expect(() => value(categoricalCrossentropy(), t, p)).toThrow(/sparseCategoricalCrossentropy/);
    dispose([p, t]);
  });
});
