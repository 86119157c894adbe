import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, add, dispose, matMul, memory, randomNormal, relu, tensor, tidy } from '@neurite/core';
import { activation } from './layers/activation.js';
import { batchNormalization } from './layers/batch-normalization.js';
import { dense } from './layers/dense.js';
import { dropout } from './layers/dropout.js';
import { flatten } from './layers/flatten.js';
import { addLayer, concatenate } from './layers/merge.js';
import { model } from './model.js';
import { l2 } from './regularizers.js';
import { sequential } from './sequential.js';
import { input } from './symbolic.js';
import { useJs } from './testing/backend.js';

beforeAll(useJs);

describe('sequential', () => {
  it('infers shapes from inputShape and counts parameters', () => {
    const m = sequential([flatten({ inputShape: [28, 28] }), dense({ units: 128, activation: 'relu' }), dense({ units: 10, activation: 'softmax' })]);
    expect(m.outputShape).toEqual([10]);
    expect(m.countParams()).toEqual({ total: 784 * 128 + 128 + 1290, trainable: 101770, nonTrainable: 0 });
    const s = m.summary();
    expect(s).toMatch(/dense_\d+ \(Dense\)\s+\[batch, 128\]\s+100,480/);
    expect(s).toContain('Total params: 101,770');
    expect(s).toContain('Non-trainable params: 0');
    m.dispose();
  });

  it('a layer that does not fit is a ShapeError at construction; no input shape is an ArgumentError', () => {
    expect(() => sequential([dense({ units: 2 })])).toThrow(ArgumentError);
    expect(() => sequential([flatten(), dense({ units: 2 })], { inputShape: [] })).not.toThrow();
    expect(() => sequential([dense({ units: 2 })], { inputShape: [] })).toThrow(ShapeError);
  });

  it('computes what its layers compute; predict in batches equals one call', () => {
    const d1 = dense({ units: 5, activation: 'relu', inputShape: [3] });
    const d2 = dense({ units: 2 });
    const m = sequential([d1, d2]);
    const x = randomNormal([70, 3], 0, 1, { seed: 1 });
    const [w1, b1, w2, b2] = m.parameters();
    const want = tidy(() => add(matMul(relu(add(matMul(x, w1), b1)), w2), b2));
    const got = m.predict(x, { batchSize: 16 });
    const whole = m.call(x);
    expect(Array.from(got.dataSync())).toEqual(Array.from(whole.dataSync()));
    Array.from(want.dataSync()).forEach((v, i) => expect(got.dataSync()[i]).toBeCloseTo(v, 5));
    expect(() => m.predict(tensor([[1, 2]]))).toThrow(/expected input \[batch, 3\], got \[1,2\]/);
    // Batched prediction leaves nothing behind but its result.
    const live = memory().numTensors;
    m.predict(x, { batchSize: 7 }).dispose();
    expect(memory().numTensors).toBe(live);
    dispose([x, want, got, whole]);
    m.dispose();
  });

  it('getWeights/setWeights copy and restore; disposal frees every weight', () => {
    const before = memory().numTensors;
    const m = sequential([dense({ units: 3, inputShape: [2] }), batchNormalization()]);
    expect(m.parameters().length).toBe(6);
    expect(m.trainableVariables.length).toBe(4);
    const saved = m.getWeights();
    m.setWeights(saved.map((w) => tidy(() => add(w, 1))));
    expect(m.parameters()[0].dataSync()[0]).toBeCloseTo(saved[0].dataSync()[0] + 1, 6);
    m.setWeights(saved);
    expect(Array.from(m.parameters()[0].dataSync())).toEqual(Array.from(saved[0].dataSync()));
    expect(() => m.setWeights(saved.slice(1))).toThrow(/has 6 weights but 5/);
    dispose(saved);
    m.dispose();
    // The weights, the copies and the temporary +1 tensors (tidied) are all gone.
    expect(memory().numTensors).toBeLessThanOrEqual(before + 6);
  });

  it('train() and eval() switch dropout', () => {
    const m = sequential([dropout({ rate: 0.5, seed: 1, inputShape: [100] })]);
    const x = tensor(new Float32Array(100).fill(1), [1, 100]);
    const e = m.eval().call(x);
    const t = m.train().call(x);
    expect(Array.from(e.dataSync()).every((v) => v === 1)).toBe(true);
    expect(Array.from(t.dataSync()).some((v) => v === 0)).toBe(true);
    // predict is always in eval mode
    const p = m.predict(x);
    expect(Array.from(p.dataSync()).every((v) => v === 1)).toBe(true);
    dispose([x, e, t, p]);
    m.dispose();
  });

  it('regularizers add their penalty', () => {
    const m = sequential([dense({ units: 2, inputShape: [2], kernelInitializer: 'ones', kernelRegularizer: l2(0.5) })]);
    const r = m.regularizationLoss()!;
    expect(r.dataSync()[0]).toBeCloseTo(0.5 * 4, 6);
    r.dispose();
    m.dispose();
  });
});

describe('functional API', () => {
  it('builds a graph with a shared layer; summary marks the reuse', () => {
    const x = input({ shape: [4] });
    const shared = dense({ units: 4, activation: 'tanh' });
    const h = shared.apply(shared.apply(x));
    const y = activation('sigmoid').apply(dense({ units: 1 }).apply(h));
    const m = model({ inputs: x, outputs: y });
    expect(m.layers.length).toBe(3);
    expect(m.nodes.length).toBe(4);
    expect(m.countParams().total).toBe(20 + 5);
    expect(m.summary()).toContain('0 (shared)');
    const out = m.predict(tensor([[1, 2, 3, 4]]));
    expect(out.shape).toEqual([1, 1]);
    out.dispose();
    m.dispose();
  });

  it('merge layers join branches: a residual Add and a Concatenate compute what they say', () => {
    const x = input({ shape: [3] });
    const d = dense({ units: 3, kernelInitializer: 'ones', biasInitializer: 'zeros' });
    const res = addLayer().apply([x, d.apply(x)]);
    const out = concatenate().apply([res, x]);
    const m = model({ inputs: x, outputs: out });
    expect(m.outputShape).toEqual([6]);
    const y = m.predict(tensor([[1, 2, 3]]));
    // d(x) = [6, 6, 6]; x + d(x) = [7, 8, 9]; then x appended
    expect(Array.from(y.dataSync())).toEqual([7, 8, 9, 1, 2, 3]);
    y.dispose();
    expect(() => addLayer().apply([x, out])).toThrow(/inputs must have one shape/);
    expect(() => addLayer().apply(x)).toThrow(/list of at least two/);
    m.dispose();
  });

  it('apply on a tensor (not a symbolic one) explains what to do', () => {
    const t = tensor([[1]]);
    expect(() => dense({ units: 1 }).apply(t as never)).toThrow(/predict/);
    t.dispose();
  });
});
