import { Random, ShapeError, type Tensor } from '@neurite/core';
import { readRows, positiveInt, type Attribution } from '../inputs.js';
import { repeatTarget, type Explainable, type Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';

export interface GradientShapOptions extends BatchOptions {
  target?: Target;
  /** Background examples `[B, ...features]` the baselines are drawn from. */
  background: Tensor;
  /** Random (baseline, alpha) draws per example. Default 50. */
  samples?: number;
  /** Standard deviation of Gaussian noise added to the input of each draw. Default 0. */
  stdev?: number;
  seed?: number;
}

export interface GradientShapResult extends Attribution {
  /** Per example: sum(attributions) - (f(x) - mean over the background of f(b)); tends to 0 as samples grow. */
  delta: Float64Array;
}

/**
 * GradientSHAP (Lundberg and Lee 2017, as in Captum): the expectation of
 * (x - b) * grad f(b + alpha (x - b)) over baselines b from the background
 * and alpha ~ U(0, 1), estimated from `samples` draws in one batched call.
 * It is integrated gradients averaged over baselines, so it approximates
 * SHAP values with the background as the reference distribution.
 */
export function gradientShap(model: Explainable, x: Tensor, options: GradientShapOptions): GradientShapResult {
  const op = 'gradientShap';
  const rows = readRows(op, x);
  const bg = readRows(op, options.background);
  const { n, featureSize: d, data } = rows;
  if (bg.featureSize !== d) throw new ShapeError(`${op}: background examples have ${bg.featureSize} features, x has ${d} - use examples of the same shape`);
  const s = positiveInt(op, 'samples', options.samples ?? 50);
  const random = new Random(options.seed ?? 0);
  const stdev = options.stdev ?? 0;
  const points = new Float32Array(n * s * d);
  const diffs = new Float32Array(n * s * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < s; k++) {
      const b = random.int(bg.n) * d;
      const alpha = random.next();
      const o = (i * s + k) * d;
      for (let j = 0; j < d; j++) {
        const xi = data[i * d + j] + (stdev > 0 ? stdev * random.normal() : 0);
        diffs[o + j] = xi - bg.data[b + j];
        points[o + j] = bg.data[b + j] + alpha * diffs[o + j];
      }
    }
  }
  const runner = new Runner(op, model, rows.featureShape, options);
  const { grads } = runner.gradients(points, n * s, repeatTarget(options.target, n, s));
  const values = new Float32Array(n * d);
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) {
      let acc = 0;
      for (let k = 0; k < s; k++) acc += diffs[(i * s + k) * d + j] * grads[(i * s + k) * d + j];
      values[i * d + j] = acc / s;
    }
  }
  const fx = runner.forward(data, n, options.target);
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const t = options.target === undefined || typeof options.target === 'number' ? options.target : new Array<number>(bg.n).fill(options.target[i]);
    const fb = runner.forward(bg.data, bg.n, t);
    let mean = 0;
    for (const v of fb) mean += v / bg.n;
    let sum = 0;
    for (let j = 0; j < d; j++) sum += values[i * d + j];
    delta[i] = sum - (fx[i] - mean);
  }
  return { shape: [n, ...rows.featureShape], values, modelCalls: runner.calls, evaluations: runner.rows, delta };
}
