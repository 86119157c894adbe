import { memory, tensor, tanh, type Tensor } from '@neurite/core';
import { conv2d, dense, flatten, reshape, sequential } from '@neurite/layers';
import { beforeAll, describe, expect, it } from 'vitest';
import { gradCam } from '../gradient/grad-cam.js';
import { gradientXInput, saliency } from '../gradient/saliency.js';
import { infidelity } from '../metrics/infidelity.js';
import { sensitivityMax } from '../metrics/sensitivity.js';
import { BACKENDS, useBackend } from '../testing/backends.js';
import { activationMaximization } from './activation-maximization.js';
import { classAverageAttributions } from './class-average.js';
import { partialDependence } from './partial-dependence.js';
import { negativeMse, permutationImportance } from './permutation-importance.js';

const W = [2, 0, -0.5, 1];
function linearModel(units = 1) {
  const m = sequential([dense({ units, inputShape: [4] })]);
  const k = tensor(W.map((w) => Array.from({ length: units }, (_, u) => w * (u + 1))));
  const b = tensor(Array.from({ length: units }, () => 0.5));
  m.setWeights([k, b]);
  k.dispose();
  b.dispose();
  return m;
}
const data = Array.from({ length: 40 }, (_, i) => [Math.sin(i), Math.cos(3 * i), (i % 7) / 7 - 0.5, ((i * 13) % 11) / 11 - 0.5]);

describe.each(BACKENDS)('global explanations and metrics on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  it('permutation importance: a feature the model ignores scores 0, larger weights score higher', () => {
    const m = linearModel();
    const x = tensor(data);
    const y = tensor(data.map((r) => r.reduce((s, v, j) => s + v * W[j], 0.5)));
    const before = memory().numTensors;
    const r = permutationImportance(m, x, y, { score: negativeMse, repeats: 4, seed: 1 });
    expect(memory().numTensors).toBe(before);
    expect(r.baseline).toBeCloseTo(0, 6);
    expect(r.mean[1]).toBe(0);
    expect(r.std[1]).toBe(0);
    expect(r.mean[0]).toBeGreaterThan(r.mean[3]);
    expect(r.mean[3]).toBeGreaterThan(r.mean[2]);
    expect(r.modelCalls).toBe(1 + 4 * 4);
    [x, y].forEach((t) => t.dispose());
    m.dispose();
  });

  it('partial dependence of a linear model is w_j v + mean of the rest; ICE curves are parallel lines', () => {
    const m = linearModel();
    const x = tensor(data);
    const r = partialDependence(m, x, 0, { grid: [-1, 0, 1] });
    const rest = data.reduce((s, row) => s + row[1] * W[1] + row[2] * W[2] + row[3] * W[3] + 0.5, 0) / data.length;
    [-1, 0, 1].forEach((v, k) => expect(r.average[k]).toBeCloseTo(W[0] * v + rest, 5));
    for (let i = 0; i < data.length; i++) expect(r.ice[i * 3 + 2] - r.ice[i * 3 + 1]).toBeCloseTo(W[0], 5);
    expect(r.modelCalls).toBe(1);
    const auto = partialDependence(m, x, 2, { gridSize: 5 });
    expect(auto.grid[0]).toBeCloseTo(-0.5, 6);
    x.dispose();
    m.dispose();
  });

  it('per-class average attributions average each class separately', () => {
    const m = linearModel(2);
    const x = tensor(data.slice(0, 6));
    const labels = [0, 1, 0, 1, 1, 0];
    const r = classAverageAttributions((t, target) => gradientXInput(m, t, { target }), x, labels);
    expect(r.classes).toEqual([0, 1]);
    expect(r.counts).toEqual([3, 3]);
    for (let j = 0; j < 4; j++) {
      const mean0 = [0, 2, 5].reduce((s, i) => s + data[i][j] * W[j], 0) / 3;
      const mean1 = [1, 3, 4].reduce((s, i) => s + data[i][j] * W[j] * 2, 0) / 3;
      expect(r.values[j]).toBeCloseTo(mean0, 5);
      expect(r.values[4 + j]).toBeCloseTo(mean1, 5);
    }
    x.dispose();
    m.dispose();
  });

  it('activation maximisation of w.x - l2 |x|^2 converges to w / (2 l2)', () => {
    const m = linearModel();
    const r = activationMaximization(m, { unit: 0, steps: 100, learningRate: 0.2, l2: 0.5 });
    W.forEach((w, j) => expect(r.input[j]).toBeCloseTo(w, 3));
    expect(r.trace[100]).toBeGreaterThan(r.trace[0]);
    const clipped = activationMaximization(m, { unit: 0, steps: 50, l2: 0, range: [0, 1] });
    // Positive weights push to the top of the range, the negative one to the bottom; weight 0 keeps its start noise (clamped).
    expect([clipped.input[0], clipped.input[2], clipped.input[3]]).toEqual([1, 0, 1]);
    expect(clipped.input[1]).toBeGreaterThanOrEqual(0);
    expect(clipped.input[1]).toBeLessThan(0.05);
    m.dispose();
  });

  it('Grad-CAM on a Reshape to [N,H,W,C] with a linear head matches the hand computation', () => {
    // Layer 'image' reshapes 18 inputs to [3,3,2]; the head is y = sum(v * A) over the image.
    // dy/dA = v, so alpha_c = mean over pixels of v[:, :, c] and cam = relu(sum_c alpha_c A[:, :, c]).
    const v = Array.from({ length: 18 }, (_, i) => ((i * 7) % 5) - 2);
    const m = sequential([reshape({ targetShape: [3, 3, 2], name: 'image', inputShape: [18] }), flatten(), dense({ units: 1, useBias: false })]);
    const k = tensor(v.map((w) => [w]));
    m.setWeights([k]);
    const xs = Array.from({ length: 18 }, (_, i) => Math.cos(i));
    const x = tensor([xs]);
    const r = gradCam(m, x, { layer: 'image' });
    const alpha = [0, 1].map((c) => v.filter((_, i) => i % 2 === c).reduce((s, a) => s + a, 0) / 9);
    expect(r.shape).toEqual([1, 3, 3]);
    for (let p = 0; p < 9; p++) expect(r.values[p]).toBeCloseTo(Math.max(0, alpha[0] * xs[2 * p] + alpha[1] * xs[2 * p + 1]), 5);
    expect(() => gradCam(m, x, { layer: 'nope' })).toThrow(/no layer 'nope'/);
    [k, x].forEach((t) => t.dispose());
    m.dispose();
  });

  it('Grad-CAM on a Conv2D layer gives a non-negative map at the layer resolution', () => {
    const m = sequential([conv2d({ filters: 3, kernelSize: 3, activation: 'relu', name: 'conv', inputShape: [6, 6, 1] }), flatten(), dense({ units: 2 })]);
    const x = tensor(Array.from({ length: 72 }, (_, i) => Math.sin(i)), [2, 6, 6, 1]);
    const before = memory().numTensors;
    const r = gradCam(m, x, { layer: 'conv', target: [0, 1] });
    expect(memory().numTensors).toBe(before);
    expect(r.shape).toEqual([2, 4, 4]);
    expect(r.values.every((v) => v >= 0 && Number.isFinite(v))).toBe(true);
    x.dispose();
    m.dispose();
  });

  it('infidelity is 0 for the gradient of a linear model and positive for gradient x input; sensitivity-max', () => {
    const m = linearModel();
    const x = tensor(data.slice(0, 3));
    const s = saliency(m, x);
    const inf = infidelity(m, x, s, { samples: 20 });
    expect(inf.modelCalls).toBe(2);
    inf.values.forEach((v) => expect(v).toBeLessThan(1e-9));
    const gx = gradientXInput(m, x);
    expect(Math.max(...infidelity(m, x, gx, { samples: 20 }).values)).toBeGreaterThan(1e-3);
    const flat = sensitivityMax((t, target) => saliency(m, t, { target }), x);
    expect(flat.modelCalls).toBe(2);
    flat.values.forEach((v) => expect(v).toBe(0));
    const curved = (t: Tensor) => tanh(m.call(t, false));
    const sens = sensitivityMax((t, target) => saliency(curved, t, { target }), x, { radius: 0.5 });
    expect(Math.max(...sens.values)).toBeGreaterThan(0);
    x.dispose();
    m.dispose();
  });
});
