import { dense, sequential } from '@neurite/layers';
import { add, grad, memory, mul, sigmoid, sum, tanh, tensor, type Tensor } from '@neurite/core';
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { BACKENDS, useBackend } from '../testing/backends.js';
import { exactReluIg, finiteDifferences, forward64, randomMlp, reusedLayerModel, toModel } from '../testing/fixtures.js';
import { deepLift } from './deeplift.js';
import { gradientShap } from './gradient-shap.js';
import { integratedGradients } from './integrated-gradients.js';
import { noiseTunnel } from './noise-tunnel.js';
import { QUADRATURE_RULES, gaussLegendre, quadrature } from './quadrature.js';
import { gradientXInput, saliency } from './saliency.js';

const W = [0.5, -2, 3, 0.25];
const B = 0.7;
function linearModel() {
  const m = sequential([dense({ units: 1, inputShape: [4] })]);
  const k = tensor(W.map((w) => [w]));
  const b = tensor([B]);
  m.setWeights([k, b]);
  k.dispose();
  b.dispose();
  return m;
}

/** Float32 rounding of the values involved, relative to their size. */
const f32 = (expected: number, scale = 1) => 4 * 2 ** -23 * Math.max(Math.abs(expected), scale);

function expectLeakFree<T>(run: () => T): T {
  const before = memory().numTensors;
  const result = run();
  expect(memory().numTensors).toBe(before);
  return result;
}

describe('quadrature', () => {
  it.each(QUADRATURE_RULES)('%s weights sum to 1 and nodes lie in [0, 1] for any number of steps', (rule) => {
    fc.assert(
      fc.property(fc.integer({ min: rule === 'riemannTrapezoid' ? 2 : 1, max: 200 }), (steps) => {
        const { alphas, weights } = quadrature(rule, steps);
        expect(alphas).toHaveLength(steps);
        expect(weights.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
        for (const a of alphas) expect(a >= 0 && a <= 1).toBe(true);
      }),
      { numRuns: 40 },
    );
  });

  it('Gauss-Legendre integrates polynomials of degree 2m - 1 exactly', () => {
    for (const m of [1, 2, 5, 20, 50]) {
      const { alphas, weights } = quadrature('gaussLegendre', m);
      for (let p = 0; p <= 2 * m - 1; p += Math.max(1, Math.floor(m / 3))) {
        const integral = alphas.reduce((s, a, k) => s + weights[k] * a ** p, 0);
        expect(integral).toBeCloseTo(1 / (p + 1), 10);
      }
    }
    // Known 2-point nodes: +-1/sqrt(3).
    const [x, w] = gaussLegendre(2);
    expect(x[1]).toBeCloseTo(1 / Math.sqrt(3), 14);
    expect(w[0]).toBeCloseTo(1, 14);
  });
});

describe.each(BACKENDS)('gradient attributions on %s', (backend) => {
  beforeAll(() => useBackend(backend));

  const x = [
    [1, 2, -1, 4],
    [0.5, -0.5, 2, -3],
  ];
  const baseline = [0.2, -1, 0.5, 1];

  it('on a linear model, IG with every rule is w * (x - baseline) and gradient x input is w * x', () => {
    const m = linearModel();
    const xt = tensor(x);
    const bt = tensor(baseline);
    expectLeakFree(() => {
      for (const rule of QUADRATURE_RULES) {
        for (const steps of [2, 7, 50]) {
          const r = integratedGradients(m, xt, { baseline: bt, rule, steps });
          x.flat().forEach((xi, k) => {
            const want = W[k % 4] * (xi - baseline[k % 4]);
            expect(Math.abs(r.values[k] - want)).toBeLessThanOrEqual(f32(want, 4));
          });
          r.delta.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-5));
          expect(r.modelCalls).toBe(2);
        }
      }
      const gx = gradientXInput(m, xt);
      x.flat().forEach((xi, k) => expect(gx.values[k]).toBe(Math.fround(Math.fround(W[k % 4]) * xi)));
      const dl = deepLift(m, xt, { baseline: bt });
      x.flat().forEach((xi, k) => expect(Math.abs(dl.values[k] - W[k % 4] * (xi - baseline[k % 4]))).toBeLessThanOrEqual(f32(W[k % 4] * (xi - baseline[k % 4]), 4)));
    });
    [xt, bt].forEach((t) => t.dispose());
    m.dispose();
  });

  it('saliency equals the autograd gradient and central finite differences', () => {
    const net = randomMlp([5, 8, 6, 3], ['tanh', 'sigmoid', 'linear'], 1);
    const m = toModel(net);
    const xs = [
      [0.3, -1.2, 0.8, 2, -0.4],
      [1, 0, -1, 0.5, 0.25],
    ];
    const xt = tensor(xs);
    const s = expectLeakFree(() => saliency(m, xt, { target: [2, 0] }));
    const abs = saliency(m, xt, { target: [2, 0], absolute: true });
    const auto = grad((t: Tensor) => sum(mul(m.call(t, false), tensor([[0, 0, 1], [1, 0, 0]]))))(xt);
    const autoValues = auto.dataSync();
    xs.forEach((row, i) => {
      const fd = finiteDifferences(net, row, i === 0 ? 2 : 0);
      fd.forEach((g, j) => {
        expect(s.values[i * 5 + j]).toBeCloseTo(autoValues[i * 5 + j], 6);
        expect(s.values[i * 5 + j]).toBeCloseTo(g, 4);
        expect(abs.values[i * 5 + j]).toBeCloseTo(Math.abs(g), 4);
      });
    });
    expect(s.modelCalls).toBe(1);
    [xt, auto].forEach((t) => t.dispose());
    m.dispose();
  });

  it('IG completeness on a smooth network: Gauss-Legendre with 50 steps, relative error under 1e-4', () => {
    const net = randomMlp([6, 10, 8, 3], ['tanh', 'sigmoid', 'linear'], 7, 1.5);
    const m = toModel(net);
    const xs = [
      [1, -2, 0.5, 1.5, -0.7, 2],
      [-1, 1, 2, -2, 0.3, 0.1],
      [0.4, 0.4, -0.4, 0.4, -1.4, 1],
    ];
    const xt = tensor(xs);
    const r = expectLeakFree(() => integratedGradients(m, xt, { target: 1, rule: 'gaussLegendre', steps: 50 }));
    xs.forEach((row, i) => {
      const change = forward64(net, row)[1] - forward64(net, row.map(() => 0))[1];
      expect(r.outputs[i] - r.baselineOutputs[i]).toBeCloseTo(change, 5);
      expect(Math.abs(r.delta[i]) / Math.abs(change)).toBeLessThan(1e-4);
    });
    xt.dispose();
    m.dispose();
  });

  it('IG on a ReLU network converges to the exact path-split reference', () => {
    const net = randomMlp([3, 6, 4, 2], ['relu', 'relu', 'linear'], 3);
    const m = toModel(net);
    const xs = [2, -1.5, 1];
    const b = [-1, 1, 0];
    const exact = exactReluIg(net, xs, b, 0);
    const change = forward64(net, xs)[0] - forward64(net, b)[0];
    // The reference itself is exactly complete.
    expect(exact.reduce((s, v) => s + v, 0)).toBeCloseTo(change, 9);
    const xt = tensor([xs]);
    const bt = tensor(b);
    const errors = [64, 2048].map((steps) => {
      const r = integratedGradients(m, xt, { baseline: bt, target: 0, rule: 'riemannMiddle', steps });
      return Math.max(...exact.map((e, j) => Math.abs(r.values[j] - e)));
    });
    const scale = Math.max(...exact.map(Math.abs));
    expect(errors[1]).toBeLessThan(5e-4 * scale);
    expect(errors[1]).toBeLessThanOrEqual(errors[0]);
    [xt, bt].forEach((t) => t.dispose());
    m.dispose();
  });

  it('DeepLIFT sums to f(x) - f(baseline) on ReLU, tanh and sigmoid networks, and with a layer used twice', () => {
    const nets = [randomMlp([4, 8, 5, 2], ['relu', 'tanh', 'linear'], 11), randomMlp([4, 6, 2], ['sigmoid', 'linear'], 12, 2)];
    const xt = tensor([
      [1, -2, 0.5, 3],
      [-0.3, 0.1, 2, -1],
    ]);
    const bt = tensor([0.5, 0.5, -0.5, 0]);
    for (const net of nets) {
      const m = toModel(net);
      const r = expectLeakFree(() => deepLift(m, xt, { baseline: bt, target: 1 }));
      r.delta.forEach((d, i) => expect(Math.abs(d)).toBeLessThan(1e-5 * Math.max(1, Math.abs(r.outputs[i] - r.baselineOutputs[i]))));
      m.dispose();
    }
    const reused = reusedLayerModel(5);
    const r = deepLift(reused, xt, { baseline: bt, target: 0 });
    r.delta.forEach((d) => expect(Math.abs(d)).toBeLessThan(1e-5));
    // Plain gradients would not sum to the change: the rewrite really happened.
    const g = integratedGradients(reused, xt, { baseline: bt, target: 0, rule: 'riemannRight', steps: 1 });
    expect(Math.max(...Array.from(g.delta, Math.abs))).toBeGreaterThan(1e-3);
    [xt, bt].forEach((t) => t.dispose());
    reused.dispose();
  });

  it('DeepLIFT works on a plain function with unfused nonlinearities', () => {
    // f(x) = sum(tanh(x) * [1, -2]) + sigmoid(x0 + x1): the unary rules, per op.
    const f = (t: Tensor) => add(sum(mul(tanh(t), tensor([1, -2])), 1), sigmoid(sum(t, 1)));
    const xt = tensor([[1.5, -0.5]]);
    const r = deepLift(f, xt, { baseline: 0 });
    const fx = Math.tanh(1.5) - 2 * Math.tanh(-0.5) + 1 / (1 + Math.exp(-1));
    expect(r.outputs[0]).toBeCloseTo(fx, 6);
    expect(Math.abs(r.delta[0])).toBeLessThan(1e-6);
    xt.dispose();
  });

  it('hand-checked fixture: f = relu(x1 + x2 - 1) at x = (1, 2), baseline 0', () => {
    // Derivation: on the path a(1, 2) the pre-activation is 3a - 1, so the gradient is (0, 0)
    // for a < 1/3 and (1, 1) after: IG = (1, 2) * (2/3) = (2/3, 4/3), summing to f(x) - f(0) = 2 - 0.
    // DeepLIFT's multiplier is (relu(2) - relu(-1)) / (2 - (-1)) = 2/3: the same (2/3, 4/3).
    // Gradient at x: (1, 1), so saliency (1, 1) and gradient x input (1, 2).
    const m = sequential([dense({ units: 1, activation: 'relu', inputShape: [2] })]);
    const k = tensor([[1], [1]]);
    const b = tensor([-1]);
    m.setWeights([k, b]);
    const xt = tensor([[1, 2]]);
    const ig = integratedGradients(m, xt, { steps: 3000, rule: 'riemannMiddle' });
    expect(ig.values[0]).toBeCloseTo(2 / 3, 3);
    expect(ig.values[1]).toBeCloseTo(4 / 3, 3);
    const dl = deepLift(m, xt);
    expect(dl.values[0]).toBeCloseTo(2 / 3, 6);
    expect(dl.values[1]).toBeCloseTo(4 / 3, 6);
    expect(Array.from(saliency(m, xt).values)).toEqual([1, 1]);
    expect(Array.from(gradientXInput(m, xt).values)).toEqual([1, 2]);
    [k, b, xt].forEach((t) => t.dispose());
    m.dispose();
  });

  it('IG batches all steps into one call, chunked by the memory budget', () => {
    const m = linearModel();
    const xt = tensor(x);
    const one = integratedGradients(m, xt, { steps: 50 });
    expect(one.modelCalls).toBe(2);
    expect(one.evaluations).toBe(2 * 50 + 4);
    const chunked = integratedGradients(m, xt, { steps: 50, memoryBudget: 4 * 30 });
    expect(chunked.modelCalls).toBe(Math.ceil(100 / 30) + 1);
    chunked.values.forEach((v, i) => expect(v).toBeCloseTo(one.values[i], 6));
    xt.dispose();
    m.dispose();
  });

  it('SmoothGrad, SmoothGrad squared and VarGrad on a linear model: w, w^2 and 0', () => {
    const m = linearModel();
    const xt = tensor(x);
    const method = (t: Tensor, target: number | readonly number[] | undefined) => saliency(m, t, { target });
    const sg = expectLeakFree(() => noiseTunnel(method, xt, { samples: 8, kind: 'smoothGrad', seed: 1 }));
    const sq = noiseTunnel(method, xt, { samples: 8, kind: 'smoothGradSquared', seed: 1 });
    const vg = noiseTunnel(method, xt, { samples: 8, kind: 'varGrad', seed: 1 });
    sg.values.forEach((v, k) => {
      expect(v).toBeCloseTo(W[k % 4], 6);
      expect(sq.values[k]).toBeCloseTo(W[k % 4] ** 2, 5);
      expect(vg.values[k]).toBeCloseTo(0, 5);
    });
    expect(sg.modelCalls).toBe(1);
    // On a curved model the noise changes the answer and the variance is positive.
    const net = toModel(randomMlp([4, 6, 1], ['tanh', 'linear'], 2, 3));
    const v2 = noiseTunnel((t, target) => saliency(net, t, { target }), xt, { samples: 16, kind: 'varGrad', stdev: 0.5 });
    expect(Math.max(...v2.values)).toBeGreaterThan(0);
    xt.dispose();
    m.dispose();
    net.dispose();
  });

  it('GradientSHAP on a linear model with a background is w * (x - mean background); its delta shrinks with samples', () => {
    const m = linearModel();
    const xt = tensor(x);
    const bg = tensor([
      [0, 0, 0, 0],
      [1, 1, 1, 1],
      [2, -1, 0, 3],
    ]);
    const mean = [1, 0, 1 / 3, 4 / 3];
    const many = gradientShap(m, xt, { background: bg, samples: 3000, seed: 3 });
    x.flat().forEach((xi, k) => expect(many.values[k]).toBeCloseTo(W[k % 4] * (xi - mean[k % 4]), 1));
    const few = gradientShap(m, xt, { background: bg, samples: 10, seed: 3 });
    const err = (r: typeof many) => Math.max(...Array.from(r.delta, Math.abs));
    expect(err(many)).toBeLessThan(err(few) + 1e-9);
    expect(err(many)).toBeLessThan(0.15);
    [xt, bg].forEach((t) => t.dispose());
    m.dispose();
  });
});
