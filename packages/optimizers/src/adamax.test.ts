import { beforeAll, describe, expect, it } from 'vitest';
import { Adamax } from './adamax.js';
import { randomProblem, runOptimizer, runReference, useJs, worstError, type ReferenceRule } from './peer/harness.js';

beforeAll(useJs);

/** Kingma & Ba 2015, Algorithm 2, epsilon added to u (Keras/tfjs). */
function adamaxRule(lr: number, b1 = 0.9, b2 = 0.999, eps = 1e-7): ReferenceRule {
  return (w, g, s, t) => {
    s.m = b1 * s.m + (1 - b1) * g;
    s.u = Math.max(b2 * s.u, Math.abs(g));
    return w - (lr / (1 - b1 ** t)) * (s.m / (s.u + eps));
  };
}

describe('Adamax against the published rule (float64, 6 steps)', () => {
  const cases: [string, ConstructorParameters<typeof Adamax>[0], ReferenceRule][] = [
    ['defaults (lr 0.002)', {}, adamaxRule(0.002)],
    ['custom betas', { learningRate: 0.01, beta1: 0.5, beta2: 0.6 }, adamaxRule(0.01, 0.5, 0.6)],
  ];
  for (const [label, options, rule] of cases) {
    it(label, () => {
      const problem = randomProblem(label.length * 6007);
      expect(worstError(runOptimizer(new Adamax(options), problem), runReference(problem, rule, { m: 0, u: 0 }), 1e-11, 1e-14)).toBeLessThanOrEqual(1);
    });
  }
});

describe('Adamax options', () => {
  it('rejects betas outside [0, 1), naming the option', () => {
    expect(() => new Adamax({ beta1: 1 })).toThrow(/adamax: option 'beta1'/);
    expect(() => new Adamax({ beta2: 2 })).toThrow(/'beta2'/);
  });
});
