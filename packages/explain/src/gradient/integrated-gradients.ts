import type { Tensor } from '@neurite/core';
import { baselineRows, readRows, type Attribution, type Baseline } from '../inputs.js';
import { repeatTarget, type Explainable, type Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';
import { quadrature, type QuadratureRule } from './quadrature.js';

export interface IntegratedGradientsOptions extends BatchOptions {
  target?: Target;
  /** The reference input (alpha 0): a number, one example, or one per example. Default 0. */
  baseline?: Baseline;
  /** Points on the path. Default 50. */
  steps?: number;
  /** Default 'gaussLegendre'. */
  rule?: QuadratureRule;
}

export interface IntegratedGradientsResult extends Attribution {
  /** Per example: sum(attributions) - (f(x) - f(baseline)); zero for exact integration. */
  delta: Float64Array;
  /** f(x) and f(baseline) per example. */
  outputs: Float64Array;
  baselineOutputs: Float64Array;
}

/**
 * Integrated gradients (Sundararajan et al. 2017): (x - b) times the path
 * integral of the gradient from the baseline b to x, by quadrature. Every
 * step of every example goes into one batched forward/backward (split only
 * by the memory budget), plus one forward for f(x) and f(b).
 */
export function integratedGradients(model: Explainable, x: Tensor, options: IntegratedGradientsOptions = {}): IntegratedGradientsResult {
  const op = 'integratedGradients';
  const rows = readRows(op, x);
  const { n, featureSize: d, data } = rows;
  const base = baselineRows(op, options.baseline, rows);
  const { alphas, weights } = quadrature(options.rule ?? 'gaussLegendre', options.steps ?? 50);
  const m = alphas.length;
  const runner = new Runner(op, model, rows.featureShape, options);
  const path = new Float32Array(n * m * d);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < m; k++) {
      const o = (i * m + k) * d;
      for (let j = 0; j < d; j++) path[o + j] = base[i * d + j] + alphas[k] * (data[i * d + j] - base[i * d + j]);
    }
  }
  const { grads } = runner.gradients(path, n * m, repeatTarget(options.target, n, m));
  const values = new Float32Array(n * d);
  const avg = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    avg.fill(0);
    for (let k = 0; k < m; k++) {
      const o = (i * m + k) * d;
      const w = weights[k];
      for (let j = 0; j < d; j++) avg[j] += w * grads[o + j];
    }
    for (let j = 0; j < d; j++) values[i * d + j] = (data[i * d + j] - base[i * d + j]) * avg[j];
  }
  const ends = new Float32Array(2 * n * d);
  ends.set(data, 0);
  ends.set(base, n * d);
  const endTargets = options.target === undefined || typeof options.target === 'number' ? options.target : [...options.target, ...options.target];
  const f = runner.forward(ends, 2 * n, endTargets);
  const outputs = f.slice(0, n);
  const baselineOutputs = f.slice(n);
  return { shape: [n, ...rows.featureShape], values, modelCalls: runner.calls, evaluations: runner.rows, ...completeness(values, n, d, outputs, baselineOutputs) , outputs, baselineOutputs };
}

/** sum(attributions) - (f(x) - f(baseline)) per example. */
export function completeness(values: Float32Array, n: number, d: number, outputs: Float64Array, baselineOutputs: Float64Array): { delta: Float64Array } {
  const delta = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let j = 0; j < d; j++) s += values[i * d + j];
    delta[i] = s - (outputs[i] - baselineOutputs[i]);
  }
  return { delta };
}
