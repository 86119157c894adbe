import { add, memory, reshape, tensor, type Tensor } from '@neurite/core';
import { dense, sequential } from '@neurite/layers';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../testing/backends.js';
import { randomMlp, toModel, type Mlp } from '../testing/fixtures.js';
import { featureAblation } from './feature-ablation.js';
import { lime } from './lime.js';
import { occlusion } from './occlusion.js';
import { exactShapley, kernelShap, kernelWeight, shapleySampling } from './shapley.js';

const sumOf = (a: ArrayLike<number>) => Array.from(a).reduce((s, v) => s + v, 0);

function reluFixture() {
  const m = sequential([dense({ units: 1, activation: 'relu', inputShape: [2] })]);
  const k = tensor([[1], [1]]);
  const b = tensor([-1]);
  m.setWeights([k, b]);
  k.dispose();
  b.dispose();
  return m;
}

/** Random MLP weights from fast-check, so properties range over networks. */
const mlpArb = (inputs: number) =>
  fc.integer({ min: 1, max: 1_000_000 }).map((seed): Mlp => randomMlp([inputs, 5, 1], ['tanh', 'linear'], seed, 2));
const rowArb = (n: number) => fc.array(fc.double({ min: -2, max: 2, noNaN: true }), { minLength: n, maxLength: n });

describe.each(BACKENDS)('perturbation attributions on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('hand-checked fixture: f = relu(x1 + x2 - 1) at x = (1, 2), baseline 0', () => {
    // v({}) = relu(-1) = 0, v({1}) = relu(0) = 0, v({2}) = relu(1) = 1, v({1,2}) = 2.
    // phi_1 = (v1 - v0)/2 + (v12 - v2)/2 = 0 + 1/2 = 0.5; phi_2 = (v2 - v0)/2 + (v12 - v1)/2 = 1/2 + 1 = 1.5.
    // Ablation/occlusion (window 1): f(x) - f(x without i) = 2 - 1 = 1 for x1, 2 - 0 = 2 for x2.
    const m = reluFixture();
    const x = tensor([[1, 2]]);
    const before = memory().numTensors;
    const exact = exactShapley(m, x);
    expect(Array.from(exact.playerValues)).toEqual([0.5, 1.5]);
    const ks = kernelShap(m, x);
    expect(ks.exact).toBe(true);
    expect(ks.playerValues[0]).toBeCloseTo(0.5, 9);
    expect(ks.playerValues[1]).toBeCloseTo(1.5, 9);
    expect(Array.from(featureAblation(m, x).values)).toEqual([1, 2]);
    expect(Array.from(occlusion(m, x, { window: [1] }).values)).toEqual([1, 2]);
    expect(memory().numTensors).toBe(before);
    x.dispose();
    m.dispose();
  });

  it('the Shapley kernel weight matches its definition', () => {
    // M = 4, |S| = 1: (4 - 1) / (C(4,1) * 1 * 3) = 3 / 12.
    expect(kernelWeight(4, 1)).toBeCloseTo(0.25, 15);
    expect(kernelWeight(4, 2)).toBeCloseTo(3 / (6 * 2 * 2), 15);
  });

  it('KernelSHAP with all coalitions equals exact enumeration, with a baseline and with a background', () => {
    const net = randomMlp([6, 8, 3], ['tanh', 'linear'], 21, 2);
    const m = toModel(net);
    const x = tensor([
      [1, -1, 0.5, 2, -2, 0.3],
      [0, 0.2, -1.5, 1, 1, -0.4],
    ]);
    const bg = tensor([
      [0, 0, 0, 0, 0, 0],
      [1, 1, -1, -1, 0.5, 0.5],
      [-0.5, 2, 0, 1, -1, 0],
    ]);
    for (const opts of [{ baseline: 0.25 }, { background: bg }]) {
      const exact = exactShapley(m, x, { ...opts, target: [2, 0] });
      const ks = kernelShap(m, x, { ...opts, target: [2, 0], samples: 62 });
      expect(ks.exact).toBe(true);
      exact.playerValues.forEach((v, k) => expect(ks.playerValues[k]).toBeCloseTo(v, 6));
      for (let i = 0; i < 2; i++) {
        // Efficiency: the values sum to f(x) - E[f].
        expect(sumOf(ks.playerValues.subarray(i * 6, i * 6 + 6))).toBeCloseTo(ks.outputs[i] - ks.baseValues[i], 9);
      }
    }
    [x, bg].forEach((t) => t.dispose());
    m.dispose();
  });

  it('Shapley axioms hold for exact and kernel SHAP on random networks (property)', () => {
    fc.assert(
      fc.property(mlpArb(4), rowArb(4), rowArb(4), mlpArb(4), (net, xs, bs, net2) => {
        // Symmetry: make features 0 and 1 interchangeable (equal weight rows, equal x and baseline values).
        net.weights[0][1] = [...net.weights[0][0]];
        xs[1] = xs[0];
        bs[1] = bs[0];
        // Dummy: feature 3 has no weights, so it never changes the output.
        net.weights[0][3] = net.weights[0][3].map(() => 0);
        const f = toModel(net);
        const g = toModel(net2);
        const x = tensor([xs]);
        const b = tensor(bs);
        for (const method of [exactShapley, kernelShap]) {
          const r = method(f, x, { baseline: b });
          const phi = r.playerValues;
          expect(sumOf(phi)).toBeCloseTo(r.outputs[0] - r.baseValues[0], 5);
          expect(phi[0]).toBeCloseTo(phi[1], 5);
          expect(phi[3]).toBeCloseTo(0, 5);
          // Linearity: phi(f + g) = phi(f) + phi(g).
          const fg = (t: Tensor) => add(f.call(t, false), g.call(t, false));
          const both = method(fg, x, { baseline: b }).playerValues;
          const rg = method(g, x, { baseline: b }).playerValues;
          both.forEach((v, k) => expect(v).toBeCloseTo(phi[k] + rg[k], 4));
        }
        [x, b].forEach((t) => t.dispose());
        f.dispose();
        g.dispose();
      }),
      { numRuns: 8 },
    );
  });

  it('Shapley sampling and sampled KernelSHAP converge to the exact values as samples grow', () => {
    const net = randomMlp([7, 10, 1], ['tanh', 'linear'], 5, 2);
    const m = toModel(net);
    const x = tensor([[1, -1, 2, 0.5, -0.5, 1.5, -2]]);
    const exact = exactShapley(m, x).playerValues;
    const error = (phi: Float64Array) => Math.max(...Array.from(phi, (v, k) => Math.abs(v - exact[k])));
    const sampled = [4, 400].map((p) => error(shapleySampling(m, x, { permutations: p, seed: 9 }).playerValues));
    expect(sampled[1]).toBeLessThan(sampled[0]);
    expect(sampled[1]).toBeLessThan(0.02);
    const kernel = [20, 120].map((s) => {
      const r = kernelShap(m, x, { samples: s, seed: 4 });
      expect(r.exact).toBe(false);
      // Efficiency is enforced even when sampled.
      expect(sumOf(r.playerValues)).toBeCloseTo(r.outputs[0] - r.baseValues[0], 9);
      return error(r.playerValues);
    });
    expect(kernel[1]).toBeLessThan(kernel[0]);
    x.dispose();
    m.dispose();
  });

  it('exact Shapley refuses more than 12 players and honours feature groups', () => {
    const net = randomMlp([13, 2, 1], ['tanh', 'linear'], 1);
    const m = toModel(net);
    const x = tensor([Array.from({ length: 13 }, (_, i) => i / 13)]);
    expect(() => exactShapley(m, x)).toThrow(/group features with featureMask/);
    const mask = Array.from({ length: 13 }, (_, i) => i % 3);
    const r = exactShapley(m, x, { featureMask: mask });
    expect(r.players).toBe(3);
    expect(r.values[0]).toBe(r.values[3]);
    expect(sumOf(r.playerValues)).toBeCloseTo(r.outputs[0] - r.baseValues[0], 5);
    x.dispose();
    m.dispose();
  });

  it('LIME recovers the weights of a linear model exactly and scores R^2 = 1', () => {
    const m = sequential([dense({ units: 1, inputShape: [5] })]);
    const w = [0.5, -1, 2, 0, 3];
    const k = tensor(w.map((v) => [v]));
    const b = tensor([0.25]);
    m.setWeights([k, b]);
    const x = tensor([[1, 2, -1, 4, 0.5]]);
    const r = lime(m, x, { samples: 300, alpha: 0, seed: 2 });
    // Present: x_i, absent: 0, so the response is linear in z with slopes w_i x_i and intercept 0.25.
    [1, 2, -1, 4, 0.5].forEach((xi, i) => expect(r.playerValues[i]).toBeCloseTo(w[i] * xi, 4));
    expect(r.intercepts[0]).toBeCloseTo(0.25, 4);
    expect(r.scores[0]).toBeCloseTo(1, 6);
    expect(r.modelCalls).toBe(1);
    [k, b, x].forEach((t) => t.dispose());
    m.dispose();
  });

  it('occlusion with 2x2 windows and stride 1 averages over the covering windows', () => {
    // f = sum of a 3x3 image with weights 1..9: occluding a window with baseline 0 removes sum(w x) in it;
    // each pixel gets the mean drop over the windows that cover it.
    const w = [1, 2, 3, 4, 5, 6, 7, 8, 9];
    const m = sequential([dense({ units: 1, inputShape: [9], useBias: false })]);
    const k = tensor(w.map((v) => [v]));
    m.setWeights([k]);
    const reshaped = (t: Tensor) => m.call(reshape(t, [t.shape[0], 9]), false);
    const x = tensor([[[1, 1, 1], [1, 1, 1], [1, 1, 1]]]);
    const r = occlusion(reshaped, x, { window: [2, 2], strides: [1, 1] });
    const windows = [[0, 1, 3, 4], [1, 2, 4, 5], [3, 4, 6, 7], [4, 5, 7, 8]];
    const drops = windows.map((cells) => cells.reduce((s, c) => s + w[c], 0));
    for (let p = 0; p < 9; p++) {
      const covering = windows.map((c, i) => (c.includes(p) ? drops[i] : null)).filter((d) => d !== null) as number[];
      expect(r.values[p]).toBeCloseTo(covering.reduce((a, b) => a + b, 0) / covering.length, 5);
    }
    expect(r.modelCalls).toBe(1);
    [k, x].forEach((t) => t.dispose());
    m.dispose();
  });
});
