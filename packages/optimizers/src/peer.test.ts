/**
 * The peer as oracle: the same float32 gradients through tfjs-core 4.22's
 * optimizers (cpu backend) and ours. Where tfjs departs from the published
 * rule, the test shows the departure exactly instead of loosening tolerances.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { Adadelta } from './adadelta.js';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { Adamax } from './adamax.js';
import type { Optimizer } from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';
import { randomProblem, runOptimizer, runReference, useJs, worstError, type Problem } from './peer/harness.js';
import { runTf, startTf, tf } from './peer/tfjs.js';

beforeAll(async () => {
  await useJs();
  await startTf();
});

/** float32 on both sides: relative 2e-5 after 8 steps of accumulated rounding. */
const RTOL = 2e-5;
const ATOL = 1e-6;

function compare(ours: Optimizer, theirs: tf.Optimizer, problem: Problem = randomProblem(2024, 8, [7, 4])): number {
  return worstError(runOptimizer(ours, problem, 'float32'), runTf(theirs, problem), RTOL, ATOL);
}

describe('optimizer steps match tfjs-core 4.22 (float32, 8 steps)', () => {
  it('sgd', () => expect(compare(new SGD({ learningRate: 0.1 }), tf.train.sgd(0.1))).toBeLessThanOrEqual(1));
  it('momentum', () => expect(compare(new SGD({ learningRate: 0.05, momentum: 0.9 }), tf.train.momentum(0.05, 0.9))).toBeLessThanOrEqual(1));
  it('nesterov momentum', () =>
    expect(compare(new SGD({ learningRate: 0.05, momentum: 0.9, nesterov: true }), tf.train.momentum(0.05, 0.9, true))).toBeLessThanOrEqual(1));
  it('adam', () => expect(compare(new Adam({ learningRate: 0.01 }), tf.train.adam(0.01, 0.9, 0.999, 1e-7))).toBeLessThanOrEqual(1));
  it('adam, custom betas', () =>
    expect(compare(new Adam({ learningRate: 0.01, beta1: 0.5, beta2: 0.8, epsilon: 1e-4 }), tf.train.adam(0.01, 0.5, 0.8, 1e-4))).toBeLessThanOrEqual(1));
  it('the comparison notices a different epsilon', () =>
    expect(compare(new Adam({ learningRate: 0.01 }), tf.train.adam(0.01, 0.9, 0.999, 1e-3))).toBeGreaterThan(1));
  it('adamax', () => expect(compare(new Adamax({ learningRate: 0.01 }), tf.train.adamax(0.01, 0.9, 0.999, 1e-7))).toBeLessThanOrEqual(1));
  it('adagrad (both start the accumulator at 0.1; tfjs fixes epsilon at 1e-7)', () =>
    expect(compare(new Adagrad({ learningRate: 0.1 }), tf.train.adagrad(0.1, 0.1))).toBeLessThanOrEqual(1));
  it('rmsprop', () => expect(compare(new RMSProp({ learningRate: 0.01 }), tf.train.rmsprop(0.01, 0.9, 0, 1e-7))).toBeLessThanOrEqual(1));
  it('rmsprop with momentum', () =>
    expect(compare(new RMSProp({ learningRate: 0.01, rho: 0.8, momentum: 0.9 }), tf.train.rmsprop(0.01, 0.8, 0.9, 1e-7))).toBeLessThanOrEqual(1));

  it('centered rmsprop: tfjs subtracts epsilon under the root, so its epsilon -e equals our +e', () => {
    // tfjs 4.22: sqrt(ms - (mg^2 + eps)); TensorFlow's ApplyCenteredRMSProp and ours: sqrt(ms - mg^2 + eps).
    // A large epsilon makes the sign visible, and negating it on the tfjs side makes the two agree.
    const eps = 1e-2;
    const ours = () => new RMSProp({ learningRate: 0.01, centered: true, momentum: 0.5, epsilon: eps });
    expect(compare(ours(), tf.train.rmsprop(0.01, 0.9, 0.5, -eps, true))).toBeLessThanOrEqual(1);
    expect(compare(ours(), tf.train.rmsprop(0.01, 0.9, 0.5, eps, true))).toBeGreaterThan(1);
  });

  it('centered rmsprop: a gradient of exactly 0 on the first step makes tfjs return NaN; ours stays put', () => {
    // ms = mg = 0, so tfjs takes sqrt(0 - 1e-7): 0 / NaN. Dead ReLU units see this gradient.
    const problem: Problem = { params: [[1, 2]], grads: [[[0, 0.5]], [[0.1, 0.5]]] };
    const theirs = runTf(tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true), problem);
    const ours = runOptimizer(new RMSProp({ learningRate: 0.01, centered: true }), problem, 'float32');
    expect(theirs[1][0][0]).toBeNaN();
    expect(ours[0][0][0]).toBe(1);
    expect(Number.isFinite(ours[1][0][0])).toBe(true);
  });

  it("adadelta: tfjs divides by the previous step's E[g^2]; with that rule its steps are reproduced, and ours follow Zeiler", () => {
    const problem = randomProblem(77, 8, [7, 4]);
    const [lr, rho, eps] = [1, 0.95, 1e-6];
    const tfjsRule = runReference(
      problem,
      (w, g, s) => {
        const d = (Math.sqrt(s.edx + eps) / Math.sqrt(s.eg + eps)) * g; // old E[g^2]
        s.eg = rho * s.eg + (1 - rho) * g * g;
        s.edx = rho * s.edx + (1 - rho) * d * d;
        return w - lr * d;
      },
      { eg: 0, edx: 0 },
    );
    const theirs = runTf(tf.train.adadelta(lr, rho, eps), problem);
    expect(worstError(theirs, tfjsRule, 1e-4, 1e-5)).toBeLessThanOrEqual(1);
    const ours = runOptimizer(new Adadelta({ learningRate: lr, rho, epsilon: eps }), problem, 'float32');
    expect(worstError(ours, tfjsRule, 1e-4, 1e-5)).toBeGreaterThan(1);
  });
});
