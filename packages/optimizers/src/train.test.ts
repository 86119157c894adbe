import { beforeAll, describe, expect, it } from 'vitest';
import { add, dispose, linspace, mean, memory, mul, square, sub, tidy, type Tensor } from '@neurite/core';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';
import { cosineDecay } from './schedules.js';
import { makeVariable, useJs } from './peer/harness.js';

beforeAll(useJs);

/** Fits y = 2x + 3 (no noise) on 32 points of [-1, 1] by full-batch minimize; returns [w, b] and the last loss. */
function fitLine(opt: Optimizer, steps: number): { w: number; b: number; loss: number } {
  const w = makeVariable([0], 'line_w');
  const b = makeVariable([0], 'line_b');
  const x = linspace(-1, 1, 32);
  const y = tidy(() => add(mul(x, 2), 3));
  const loss = () => mean(square(sub(add(mul(x, w), b), y)));
  const start = memory().numTensors;
  let last = NaN;
  for (let i = 0; i < steps; i++) {
    const l: Tensor = opt.minimize(loss, [w, b]);
    last = l.dataSync()[0];
    l.dispose();
  }
  // The slots (one or more per variable) are the only tensors a run adds.
  expect(memory().numTensors - start).toBeLessThanOrEqual(2 * 3);
  const result = { w: w.dataSync()[0], b: b.dataSync()[0], loss: last };
  opt.dispose();
  dispose([w, b, x, y]);
  return result;
}

describe('end to end: linear regression y = 2x + 3 converges', () => {
  const cases: [string, () => Optimizer, number][] = [
    ['sgd', () => new SGD({ learningRate: 0.3 }), 150],
    ['sgd nesterov', () => new SGD({ learningRate: 0.1, momentum: 0.9, nesterov: true }), 150],
    ['adam', () => new Adam({ learningRate: 0.1 }), 300],
    ['adam amsgrad, cosine schedule', () => new Adam({ learningRate: cosineDecay({ peak: 0.2, warmupSteps: 10, decaySteps: 290, final: 0.001 }), amsgrad: true }), 300],
    ['adamw (tiny decay)', () => new AdamW({ learningRate: 0.1, weightDecay: 1e-4 }), 300],
    ['rmsprop centered', () => new RMSProp({ learningRate: 0.01, centered: true, momentum: 0.9 }), 300],
    ['adagrad', () => new Adagrad({ learningRate: 1 }), 300],
    ['adadelta', () => new Adadelta({ learningRate: 1, rho: 0.9, epsilon: 1e-4 }), 300],
    ['adamax', () => new Adamax({ learningRate: 0.1 }), 300],
  ];
  for (const [label, make, steps] of cases) {
    it(label, () => {
      const { w, b, loss } = fitLine(make(), steps);
      expect(Math.abs(w - 2)).toBeLessThan(0.05);
      expect(Math.abs(b - 3)).toBeLessThan(0.05);
      expect(loss).toBeLessThan(1e-2);
    });
  }
});
