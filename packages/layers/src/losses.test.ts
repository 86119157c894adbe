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

  it('on the output of a softmax activation, cross-entropy runs as one fused kernel on the logits: same value, the exact gradient', async () => {
    const { createJsBackend } = await import('@neurite/backend-js');
    const { registerBackend, removeBackend, setBackend, variableGrads, variable } = await import('@neurite/core');
    const { activate } = await import('./activations.js');
    // backend-js with every kernel call counted by name.
    const inner = createJsBackend();
    const calls = new Map<string, number>();
    const count = (name: string, k: (...a: unknown[]) => unknown) => (...args: unknown[]) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      return k(...args);
    };
    const kernels = Object.fromEntries(Object.entries(inner.kernels).map(([name, k]) => [name, typeof k === 'function' ? count(name, k as (...a: unknown[]) => unknown) : k]));
    registerBackend('counting-js', () => ({ ...inner, kernels }) as typeof inner);
    await setBackend('counting-js');
    try {
      const z = variable(tensor([[2, -1, 0.5], [-3, 4, 1]]), { name: 'z' });
      const onehot = tensor([[1, 0, 0], [0, 0, 1]]);
      const sparse = tensor([0, 2], [2], 'int32');
      const p = softmax(z).dataSync();
      const want = (-Math.log(p[0]) - Math.log(p[5])) / 2;
      for (const [loss, labels] of [
        [categoricalCrossentropy(), onehot],
        [sparseCategoricalCrossentropy(), sparse],
      ] as const) {
        calls.clear();
        const { value, grads } = variableGrads(() => loss.compute(labels, activate('softmax', z)), [z]);
        expect(calls.get('softmaxCrossEntropy')).toBe(1);
        expect(calls.get('log') ?? 0).toBe(0);
        expect(value.dataSync()[0]).toBeCloseTo(want, 6);
        // d/dz = (softmax(z) - labels) / n, which the clipped composed form only approximates.
        const y = [1, 0, 0, 0, 0, 1];
        grads.z.dataSync().forEach((v, i) => expect(v).toBeCloseTo((p[i] - y[i]) / 2, 6));
        dispose([value, grads.z]);
      }
      // Probabilities that did not come from a softmax activation take the composed path.
      calls.clear();
      tidy(() => categoricalCrossentropy().compute(onehot, softmax(z)));
      expect(calls.get('softmaxCrossEntropy') ?? 0).toBe(0);
      expect(calls.get('log')).toBe(1);
      dispose([z, onehot, sparse]);
    } finally {
      await setBackend('js');
      removeBackend('counting-js');
    }
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
