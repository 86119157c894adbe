import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { randomProblem, runOptimizer, runReference, useJs, worstError, type ReferenceRule } from './peer/harness.js';

beforeAll(useJs);

/**
 * Kingma & Ba, Algorithm 1, with PyTorch's options: coupled L2 (`l2`),
 * decoupled decay (`decoupled`, AdamW: w *= 1 - lr*wd first), AMSGrad as
 * PyTorch (max of the raw v, then bias-corrected).
 */
function adamRule(o: { lr: number; b1?: number; b2?: number; eps?: number; l2?: number; decoupled?: number; amsgrad?: boolean }): ReferenceRule {
  const { lr, b1 = 0.9, b2 = 0.999, eps = 1e-7, l2 = 0, decoupled = 0, amsgrad = false } = o;
  return (w, g, s, t) => {
    g += l2 * w;
    w *= 1 - lr * decoupled;
    s.m = b1 * s.m + (1 - b1) * g;
    s.v = b2 * s.v + (1 - b2) * g * g;
    s.vMax = Math.max(s.vMax, s.v);
    const v = amsgrad ? s.vMax : s.v;
    return w - (lr * (s.m / (1 - b1 ** t))) / (Math.sqrt(v / (1 - b2 ** t)) + eps);
  };
}

const zeroSlots = { m: 0, v: 0, vMax: 0 };

describe('Adam and AdamW against the published rules (float64, 8 steps)', () => {
  const cases: [string, () => Adam, ReferenceRule][] = [
    ['adam defaults', () => new Adam(), adamRule({ lr: 0.001 })],
    ['adam custom betas', () => new Adam({ learningRate: 0.01, beta1: 0.5, beta2: 0.9, epsilon: 1e-3 }), adamRule({ lr: 0.01, b1: 0.5, b2: 0.9, eps: 1e-3 })],
    ['adam amsgrad', () => new Adam({ learningRate: 0.02, beta2: 0.8, amsgrad: true }), adamRule({ lr: 0.02, b2: 0.8, amsgrad: true })],
    ['adam L2 weight decay', () => new Adam({ learningRate: 0.01, weightDecay: 0.1 }), adamRule({ lr: 0.01, l2: 0.1 })],
    ['adamw', () => new AdamW({ learningRate: 0.01, weightDecay: 0.1 }), adamRule({ lr: 0.01, decoupled: 0.1 })],
    ['adamw default decay 0.01', () => new AdamW({ learningRate: 0.05 }), adamRule({ lr: 0.05, decoupled: 0.01 })],
    ['adamw amsgrad', () => new AdamW({ learningRate: 0.01, weightDecay: 0.2, amsgrad: true, beta2: 0.7 }), adamRule({ lr: 0.01, decoupled: 0.2, amsgrad: true, b2: 0.7 })],
  ];
  for (const [label, make, rule] of cases) {
    it(label, () => {
      const problem = randomProblem(label.length * 104729, 8);
      expect(worstError(runOptimizer(make(), problem), runReference(problem, rule, zeroSlots), 1e-11, 1e-14)).toBeLessThanOrEqual(1);
    });
  }

  it('amsgrad changes the trajectory once the second moment falls', () => {
    // A large gradient then small ones: v decays but v_max holds, so the AMSGrad steps are smaller.
    const problem = { params: [[0]], grads: [[[10]], [[0.1]], [[0.1]], [[0.1]], [[0.1]]] };
    const plain = runOptimizer(new Adam({ learningRate: 0.1, beta2: 0.5 }), problem);
    const ams = runOptimizer(new Adam({ learningRate: 0.1, beta2: 0.5, amsgrad: true }), problem);
    expect(ams[0][0][0]).toBeCloseTo(plain[0][0][0], 12);
    expect(Math.abs(ams[4][0][0] - ams[3][0][0])).toBeLessThan(Math.abs(plain[4][0][0] - plain[3][0][0]));
  });

  it('adamw decays weights whose gradient is zero by lr*wd; adam with L2 normalises the decay away', () => {
    const problem = { params: [[1]], grads: [[[0]]] };
    expect(runOptimizer(new AdamW({ learningRate: 0.1, weightDecay: 0.5 }), problem)[0][0][0]).toBeCloseTo(0.95, 12);
    // Adam sees g = 0.5 * w and divides it by its own magnitude: a step of lr whatever the decay rate.
    expect(runOptimizer(new Adam({ learningRate: 0.1, weightDecay: 0.5 }), problem)[0][0][0]).toBeCloseTo(0.9, 6);
    expect(runOptimizer(new Adam({ learningRate: 0.1, weightDecay: 0.001 }), problem)[0][0][0]).toBeCloseTo(0.9, 4);
  });
});

describe('Adam options', () => {
  it('rejects betas outside [0, 1), naming the option', () => {
    expect(() => new Adam({ beta1: 1 })).toThrow(ArgumentError);
    expect(() => new Adam({ beta1: 1 })).toThrow(/'beta1'/);
    expect(() => new Adam({ beta2: -0.1 })).toThrow(/'beta2'/);
    expect(() => new AdamW({ beta2: 1.5 })).toThrow(/adamw: option 'beta2'/);
  });
  it('rejects a negative learning rate, epsilon or weight decay', () => {
    expect(() => new Adam({ learningRate: -1e-3 })).toThrow(/'learningRate'/);
    expect(() => new Adam({ epsilon: -1 })).toThrow(/'epsilon'/);
    expect(() => new AdamW({ weightDecay: -0.01 })).toThrow(/'weightDecay'/);
  });
});
