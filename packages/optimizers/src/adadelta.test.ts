import { beforeAll, describe, expect, it } from 'vitest';
import { Adadelta } from './adadelta.js';
import { randomProblem, runOptimizer, runReference, useJs, worstError, type ReferenceRule } from './peer/harness.js';

beforeAll(useJs);

/** Zeiler 2012, Algorithm 1, times a learning rate. */
function adadeltaRule(lr: number, rho = 0.95, eps = 1e-7): ReferenceRule {
  return (w, g, s) => {
    s.eg = rho * s.eg + (1 - rho) * g * g;
    const d = (Math.sqrt(s.edx + eps) / Math.sqrt(s.eg + eps)) * g;
    s.edx = rho * s.edx + (1 - rho) * d * d;
    return w - lr * d;
  };
}

describe('Adadelta against the published rule (float64, 6 steps)', () => {
  const cases: [string, ConstructorParameters<typeof Adadelta>[0], ReferenceRule][] = [
    ['defaults', {}, adadeltaRule(0.001)],
    ["the paper's setting (lr 1, rho 0.95, epsilon 1e-6)", { learningRate: 1, epsilon: 1e-6 }, adadeltaRule(1, 0.95, 1e-6)],
    ['rho 0.5', { learningRate: 0.5, rho: 0.5 }, adadeltaRule(0.5, 0.5)],
  ];
  for (const [label, options, rule] of cases) {
    it(label, () => {
      const problem = randomProblem(label.length * 4409);
      expect(worstError(runOptimizer(new Adadelta(options), problem), runReference(problem, rule, { eg: 0, edx: 0 }), 1e-11, 1e-14)).toBeLessThanOrEqual(1);
    });
  }
});

describe('Adadelta options', () => {
  it('rejects rho outside [0, 1), naming the option', () => {
    expect(() => new Adadelta({ rho: 1 })).toThrow(/adadelta: option 'rho'/);
    expect(() => new Adadelta({ rho: -0.5 })).toThrow(/'rho'/);
    expect(() => new Adadelta({ learningRate: -1 })).toThrow(/'learningRate'/);
  });
});
