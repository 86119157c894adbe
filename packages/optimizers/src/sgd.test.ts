import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError } from '@neurite/core';
import { SGD } from './sgd.js';
import { randomProblem, runOptimizer, runReference, useJs, worstError, type ReferenceRule } from './peer/harness.js';

beforeAll(useJs);

/** PyTorch's torch.optim.SGD (dampening 0), element by element. */
function sgdRule(lr: number, momentum = 0, nesterov = false, wd = 0): ReferenceRule {
  return (w, g, s) => {
    let d = g + wd * w;
    if (momentum !== 0) {
      s.b = momentum * s.b + d;
      d = nesterov ? d + momentum * s.b : s.b;
    }
    return w - lr * d;
  };
}

describe('SGD against the published rule (float64, 6 steps)', () => {
  const cases: [string, ConstructorParameters<typeof SGD>[0], ReferenceRule][] = [
    ['plain', { learningRate: 0.1 }, sgdRule(0.1)],
    ['momentum', { learningRate: 0.05, momentum: 0.9 }, sgdRule(0.05, 0.9)],
    ['nesterov', { learningRate: 0.05, momentum: 0.8, nesterov: true }, sgdRule(0.05, 0.8, true)],
    ['weight decay', { learningRate: 0.1, weightDecay: 0.01 }, sgdRule(0.1, 0, false, 0.01)],
    ['nesterov + weight decay', { learningRate: 0.03, momentum: 0.9, nesterov: true, weightDecay: 0.05 }, sgdRule(0.03, 0.9, true, 0.05)],
  ];
  for (const [label, options, rule] of cases) {
    it(label, () => {
      const problem = randomProblem(label.length * 7919);
      expect(worstError(runOptimizer(new SGD(options), problem), runReference(problem, rule, { b: 0 }), 1e-12, 1e-14)).toBeLessThanOrEqual(1);
    });
  }

  it('the comparison notices a 0.1% change of learning rate', () => {
    const problem = randomProblem(3);
    expect(worstError(runOptimizer(new SGD({ learningRate: 0.1 }), problem), runReference(problem, sgdRule(0.1001)), 1e-12, 1e-14)).toBeGreaterThan(1);
  });

  it('defaults to lr 0.01 and no momentum slot', () => {
    const opt = new SGD();
    expect(opt.currentLearningRate()).toBe(0.01);
    expect(opt.momentum).toBe(0);
  });
});

describe('SGD options', () => {
  it('rejects a negative learning rate, naming the option', () => {
    expect(() => new SGD({ learningRate: -0.1 })).toThrow(ArgumentError);
    expect(() => new SGD({ learningRate: -0.1 })).toThrow(/learningRate/);
  });
  it('rejects negative momentum and nesterov without momentum', () => {
    expect(() => new SGD({ momentum: -0.5 })).toThrow(/momentum/);
    expect(() => new SGD({ nesterov: true })).toThrow(/nesterov/);
  });
  it('rejects negative weight decay and NaN learning rate', () => {
    expect(() => new SGD({ weightDecay: -1 })).toThrow(/weightDecay/);
    expect(() => new SGD({ learningRate: NaN })).toThrow(ArgumentError);
  });
});
