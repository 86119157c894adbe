import type { Tensor } from '@neurite/core';
import { baselineRows, readRows, type Attribution, type Baseline } from '../inputs.js';
import type { Explainable, Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';
import { playersFrom, targetOf } from './game.js';

export interface FeatureAblationOptions extends BatchOptions {
  target?: Target;
  /** What an ablated feature becomes: a number, one example, or one per example. Default 0. */
  baseline?: Baseline;
  /** One group id per input element: a group is ablated together. Default: each element alone. */
  featureMask?: Tensor | ArrayLike<number>;
}

/**
 * Feature ablation: replace one feature group at a time by the baseline;
 * every element of the group gets f(x) - f(x without the group). One batched
 * evaluation of all groups per example.
 */
export function featureAblation(model: Explainable, x: Tensor, options: FeatureAblationOptions = {}): Attribution & { groups: number } {
  const op = 'featureAblation';
  const rows = readRows(op, x);
  const { n, featureSize: d } = rows;
  const players = playersFrom(op, options.featureMask, d);
  const base = baselineRows(op, options.baseline, rows);
  const runner = new Runner(op, model, rows.featureShape, options);
  const values = new Float32Array(n * d);
  const g = players.count;
  for (let i = 0; i < n; i++) {
    const xi = rows.data.subarray(i * d, (i + 1) * d);
    const data = new Float32Array((g + 1) * d);
    for (let r = 0; r <= g; r++) data.set(xi, r * d);
    for (let j = 0; j < d; j++) data[(players.groupOf[j] + 1) * d + j] = base[i * d + j];
    const f = runner.forward(data, g + 1, targetOf(op, options.target, i, n));
    for (let j = 0; j < d; j++) values[i * d + j] = f[0] - f[players.groupOf[j] + 1];
  }
  return { shape: [n, ...rows.featureShape], values, modelCalls: runner.calls, evaluations: runner.rows, groups: g };
}
