import { beforeAll, describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { randomProblem, runOptimizer, runReference, useJs, worstError, type ReferenceRule } from './peer/harness.js';

beforeAll(useJs);

/** Duchi et al.'s diagonal Adagrad, epsilon under the root (Keras/tfjs). */
function adagradRule(lr: number, eps = 1e-7, wd = 0): ReferenceRule {
  return (w, g, s) => {
    g += wd * w;
    s.acc += g * g;
    return w - (lr * g) / Math.sqrt(s.acc + eps);
  };
}

describe('Adagrad against the published rule (float64, 6 steps)', () => {
  const cases: [string, ConstructorParameters<typeof Adagrad>[0], ReferenceRule, number][] = [
    ['defaults (accumulator starts at 0.1)', {}, adagradRule(0.001), 0.1],
    ['accumulator from 0', { learningRate: 0.1, initialAccumulatorValue: 0 }, adagradRule(0.1), 0],
    ['epsilon and weight decay', { learningRate: 0.05, epsilon: 1e-3, initialAccumulatorValue: 0.5, weightDecay: 0.01 }, adagradRule(0.05, 1e-3, 0.01), 0.5],
  ];
  for (const [label, options, rule, acc] of cases) {
    it(label, () => {
      const problem = randomProblem(label.length * 7717);
      expect(worstError(runOptimizer(new Adagrad(options), problem), runReference(problem, rule, { acc }), 1e-11, 1e-14)).toBeLessThanOrEqual(1);
    });
  }
});

describe('Adagrad options', () => {
  it('rejects a negative initial accumulator, epsilon or learning rate, naming the option', () => {
    expect(() => new Adagrad({ initialAccumulatorValue: -0.1 })).toThrow(/adagrad: option 'initialAccumulatorValue'/);
    expect(() => new Adagrad({ epsilon: -1 })).toThrow(/'epsilon'/);
    expect(() => new Adagrad({ learningRate: -1 })).toThrow(/'learningRate'/);
  });
});
