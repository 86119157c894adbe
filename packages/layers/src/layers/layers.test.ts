import { beforeAll, describe, expect, it } from 'vitest';
import { Random, ShapeError, assign, dispose, grad, mean, sum, tensor, variance, type Tensor } from '@neurite/core';
import type { CallContext } from '../layer.js';
import { useJs } from '../testing/backend.js';
import { activation } from './activation.js';
import { batchNormalization } from './batch-normalization.js';
import { dense } from './dense.js';
import { dropout } from './dropout.js';
import { embedding } from './embedding.js';
import { flatten } from './flatten.js';
import { layerNormalization } from './layer-normalization.js';
import { reshape } from './reshape.js';

beforeAll(useJs);

const random = new Random(1);
const train: CallContext = { training: true, nextSeed: () => random.nextUint32(), update: assign };
const evaluate: CallContext = { training: false, nextSeed: () => random.nextUint32(), update: assign };
const values = (t: Tensor) => Array.from(t.dataSync());

describe('layers', () => {
  it('Dense computes x @ W + b, then the activation; folds extra leading axes', () => {
    const layer = dense({ units: 2, activation: 'relu', kernelInitializer: 'ones', biasInitializer: 'zeros' });
    layer.build([3]);
    const x = tensor([[1, 2, 3], [-1, -2, -3]]);
    const y = layer.call(x);
    expect(values(y)).toEqual([6, 6, 0, 0]);
    expect(layer.weights.map((w) => w.name)).toEqual([`${layer.name}/kernel`, `${layer.name}/bias`]);
    const x3 = tensor([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const y3 = layer.call(x3);
    expect(y3.shape).toEqual([1, 2, 2]);
    expect(layer.computeOutputShape([5, 3])).toEqual([5, 2]);
    expect(() => layer.computeOutputShape([])).toThrow(ShapeError);
    dispose([x, y, x3, y3]);
    layer.dispose();
  });

  it('Flatten and Reshape keep the batch axis and infer -1', () => {
    const x = tensor(new Float32Array(24), [2, 3, 4]);
    const f = flatten();
    expect(f.computeOutputShape([3, 4])).toEqual([12]);
    const y = f.call(x);
    expect(y.shape).toEqual([2, 12]);
    const r = reshape({ targetShape: [-1, 2] });
    expect(r.computeOutputShape([3, 4])).toEqual([6, 2]);
    const z = r.call(x);
    expect(z.shape).toEqual([2, 6, 2]);
    expect(() => reshape({ targetShape: [5] }).computeOutputShape([3, 4])).toThrow(/cannot reshape/);
    dispose([x, y, z]);
  });

  it('Dropout: identity in eval; in training drops about `rate` and rescales, seeded', () => {
    const x = tensor(new Float32Array(10000).fill(1), [100, 100]);
    const d = dropout({ rate: 0.3, seed: 4 });
    const e = d.call(x, evaluate);
    expect(values(e).every((v) => v === 1)).toBe(true);
    const t = d.call(x, train);
    const v = values(t);
    const kept = v.filter((a) => a !== 0);
    expect(kept.every((a) => Math.abs(a - 1 / 0.7) < 1e-6)).toBe(true);
    expect(kept.length / v.length).toBeGreaterThan(0.67);
    expect(kept.length / v.length).toBeLessThan(0.73);
    // Two layers with the same seed draw the same masks; successive calls draw new ones.
    const again = dropout({ rate: 0.3, seed: 4 }).call(x, train);
    expect(values(again)).toEqual(v);
    const next = d.call(x, train);
    expect(values(next)).not.toEqual(v);
    dispose([x, e, t, again, next]);
  });

  it('BatchNormalization: batch statistics and running averages in training, the averages in eval', () => {
    const bn = batchNormalization({ momentum: 0.5 });
    bn.build([2]);
    const x = tensor([[1, 10], [3, 20], [5, 30]]);
    const y = bn.call(x, train);
    const m = mean(y, 0);
    const v = variance(y, 0);
    expect(values(m).map((a) => Math.abs(a) < 1e-5)).toEqual([true, true]);
    expect(values(v)[0]).toBeCloseTo(1, 2);
    const [, , movingMean, movingVar] = bn.weights;
    expect(values(movingMean)).toEqual([1.5, 10]); // 0.5 * 0 + 0.5 * [3, 20]
    expect(values(movingVar)[0]).toBeCloseTo(0.5 + 0.5 * (8 / 3), 5);
    expect(bn.trainableWeights.length).toBe(2);
    const e = bn.call(x, evaluate);
    expect(values(e)[0]).toBeCloseTo((1 - 1.5) / Math.sqrt(0.5 + 4 / 3 + 1e-3), 5);
    dispose([x, y, m, v, e]);
    bn.dispose();
  });

  it('LayerNormalization normalizes each example over its last axis', () => {
    const ln = layerNormalization({ epsilon: 1e-6 });
    ln.build([4]);
    const x = tensor([[1, 2, 3, 4], [10, 10, 20, 20]]);
    const y = ln.call(x);
    const row = values(y).slice(4);
    expect(row.map((a) => Math.round(a * 1e4) / 1e4)).toEqual([-1, -1, 1, 1]);
    dispose([x, y]);
    ln.dispose();
  });

  it('Embedding looks up rows, takes float indices, and its gradient scatters back', () => {
    const emb = embedding({ inputDim: 5, outputDim: 3, embeddingsInitializer: 'ones' });
    emb.build([2]);
    const idx = tensor([[0, 4], [4, 4]]);
    const y = emb.call(idx);
    expect(y.shape).toEqual([2, 2, 3]);
    const table = emb.weights[0];
    const g = grad(() => sum(emb.call(idx)))(table); // the table is the variable the layer reads
    // row 4 is used three times, row 0 once, the others never
    expect(values(g).filter((_, i) => i % 3 === 0)).toEqual([1, 0, 0, 0, 3]);
    dispose([idx, y, g]);
    emb.dispose();
  });

  it('activation layers apply their function', () => {
    const x = tensor([[-2, 0, 3]]);
    const out = (name: Parameters<typeof activation>[0]) => {
      const y = activation(name).call(x);
      const v = values(y);
      y.dispose();
      return v.map((a) => Math.round(a * 1e4) / 1e4);
    };
    expect(out('relu')).toEqual([0, 0, 3]);
    expect(out('leakyRelu')).toEqual([-0.4, 0, 3]);
    expect(out('linear')).toEqual([-2, 0, 3]);
    expect(out('sigmoid')[1]).toBe(0.5);
    expect(out('tanh')[0]).toBeCloseTo(Math.tanh(-2), 4);
    expect(out('softmax').reduce((a, b) => a + b, 0)).toBeCloseTo(1, 4);
    expect(out('elu')[0]).toBeCloseTo(Math.exp(-2) - 1, 4);
    expect(out('selu')[2]).toBeCloseTo(3 * 1.0507009873554805, 3);
    expect(out('gelu')[2]).toBeCloseTo(2.9960, 3);
    expect(() => activation('swish' as never)).toThrow(/unknown activation 'swish'/);
    x.dispose();
  });
});
