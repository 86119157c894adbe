import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, tensor, variable } from '@neurite/core';
import { RMSProp } from './rmsprop.js';
import { randomProblem, runOptimizer, runReference, useJs, worstError, type ReferenceRule } from './peer/harness.js';

beforeAll(useJs);

/** TensorFlow's ApplyRMSProp / ApplyCenteredRMSProp, element by element. */
function rmspropRule(o: { lr: number; rho?: number; momentum?: number; eps?: number; centered?: boolean; wd?: number }): ReferenceRule {
  const { lr, rho = 0.9, momentum = 0, eps = 1e-7, centered = false, wd = 0 } = o;
  return (w, g, s) => {
    g += wd * w;
    s.ms = rho * s.ms + (1 - rho) * g * g;
    s.mg = rho * s.mg + (1 - rho) * g;
    const denom = Math.sqrt((centered ? s.ms - s.mg * s.mg : s.ms) + eps);
    s.mom = momentum * s.mom + (lr * g) / denom;
    return w - s.mom;
  };
}

describe('RMSProp against the published rule (float64, 6 steps)', () => {
  const cases: [string, ConstructorParameters<typeof RMSProp>[0], ReferenceRule][] = [
    ['defaults', {}, rmspropRule({ lr: 0.001 })],
    ['rho and epsilon', { learningRate: 0.01, rho: 0.5, epsilon: 1e-4 }, rmspropRule({ lr: 0.01, rho: 0.5, eps: 1e-4 })],
    ['momentum', { learningRate: 0.01, momentum: 0.9 }, rmspropRule({ lr: 0.01, momentum: 0.9 })],
    ['centered', { learningRate: 0.01, centered: true }, rmspropRule({ lr: 0.01, centered: true })],
    ['centered + momentum + weight decay', { learningRate: 0.01, centered: true, momentum: 0.5, weightDecay: 0.1 }, rmspropRule({ lr: 0.01, centered: true, momentum: 0.5, wd: 0.1 })],
  ];
  for (const [label, options, rule] of cases) {
    it(label, () => {
      const problem = randomProblem(label.length * 31337);
      expect(worstError(runOptimizer(new RMSProp(options), problem), runReference(problem, rule, { ms: 0, mg: 0, mom: 0 }), 1e-11, 1e-14)).toBeLessThanOrEqual(1);
    });
  }

  it('makes only the slots its options need', () => {
    const slotNames = (opt: RMSProp) => {
      const w = variable([1, 2], { name: `w${opt.centered}` });
      opt.applyGradients(new Map([[w, tensor([0.5, -0.5])]]));
      const names = Object.keys(opt.getSlots(w)!);
      opt.dispose();
      dispose([w]);
      return names;
    };
    expect(slotNames(new RMSProp())).toEqual(['ms']);
    expect(slotNames(new RMSProp({ centered: true, momentum: 0.9 }))).toEqual(['ms', 'mg', 'momentum']);
  });
});

describe('RMSProp options', () => {
  it('rejects rho outside [0, 1) and negative momentum, naming the option', () => {
    expect(() => new RMSProp({ rho: 1 })).toThrow(/rmsprop: option 'rho'/);
    expect(() => new RMSProp({ momentum: -0.1 })).toThrow(/'momentum'/);
    expect(() => new RMSProp({ learningRate: -1 })).toThrow(/'learningRate'/);
  });
});
