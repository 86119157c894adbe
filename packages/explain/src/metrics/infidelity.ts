import { Random, type Tensor } from '@neurite/core';
import { positiveInt, readRows, type Attribution } from '../inputs.js';
import { repeatTarget, type Explainable, type Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';

export interface InfidelityOptions extends BatchOptions {
  target?: Target;
  /** Perturbations per example. Default 100. */
  samples?: number;
  /** Standard deviation of the Gaussian perturbations I. Default 0.1. */
  stdev?: number;
  seed?: number;
}

/**
 * Infidelity (Yeh et al. 2019): E_I[(I . attribution - (f(x) - f(x - I)))^2]
 * over Gaussian perturbations I, per example. Zero means the attribution
 * predicts the output change of every perturbation (a linear model's
 * gradient x input, for instance); lower is better.
 */
/** Per example, and the model calls it took. */
export interface MetricResult {
  values: Float64Array;
  modelCalls: number;
}

export function infidelity(model: Explainable, x: Tensor, attribution: Attribution, options: InfidelityOptions = {}): MetricResult {
  const op = 'infidelity';
  const rows = readRows(op, x);
  const { n, featureSize: d, data } = rows;
  const s = positiveInt(op, 'samples', options.samples ?? 100);
  const stdev = options.stdev ?? 0.1;
  const random = new Random(options.seed ?? 0);
  const noise = new Float32Array(n * s * d);
  const batch = new Float32Array(n * s * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < s; k++) {
      const o = (i * s + k) * d;
      for (let j = 0; j < d; j++) {
        noise[o + j] = stdev * random.normal();
        batch[o + j] = data[i * d + j] - noise[o + j];
      }
    }
  }
  const runner = new Runner(op, model, rows.featureShape, options);
  const fx = runner.forward(data, n, options.target);
  const fp = runner.forward(batch, n * s, repeatTarget(options.target, n, s));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < s; k++) {
      let dot = 0;
      const o = (i * s + k) * d;
      for (let j = 0; j < d; j++) dot += noise[o + j] * attribution.values[i * d + j];
      acc += (dot - (fx[i] - fp[i * s + k])) ** 2;
    }
    out[i] = acc / s;
  }
  return { values: out, modelCalls: runner.calls };
}
