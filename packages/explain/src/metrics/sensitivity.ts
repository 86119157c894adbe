import { Random, tensor, type Tensor } from '@neurite/core';
import { positiveInt, readRows, type Attribution } from '../inputs.js';
import { repeatTarget, type Target } from '../model-fn.js';
import type { MetricResult } from './infidelity.js';

export interface SensitivityOptions {
  target?: Target;
  /** Perturbations per example. Default 10. */
  samples?: number;
  /** Perturbations are uniform in [-radius, radius] per element. Default 0.02. */
  radius?: number;
  seed?: number;
}

/**
 * Max-sensitivity (Yeh et al. 2019): the largest change of the attribution,
 * ||attr(x + d) - attr(x)|| / ||attr(x)|| (Frobenius norms), over random
 * perturbations d in an L-infinity ball. Lower means a more stable
 * explanation. `method` runs once on all perturbed copies.
 */
export function sensitivityMax(method: (x: Tensor, target: Target) => Attribution, x: Tensor, options: SensitivityOptions = {}): MetricResult {
  const op = 'sensitivityMax';
  const rows = readRows(op, x);
  const { n, featureSize: d, data } = rows;
  const s = positiveInt(op, 'samples', options.samples ?? 10);
  const radius = options.radius ?? 0.02;
  const random = new Random(options.seed ?? 0);
  const original = method(x, options.target);
  const batch = new Float32Array(n * s * d);
  for (let i = 0; i < n; i++) for (let k = 0; k < s; k++) for (let j = 0; j < d; j++) batch[(i * s + k) * d + j] = data[i * d + j] + radius * (2 * random.next() - 1);
  const perturbed = tensor(batch, [n * s, ...rows.featureShape]);
  let moved: Attribution;
  try {
    moved = method(perturbed, repeatTarget(options.target, n, s));
  } finally {
    perturbed.dispose();
  }
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let norm = 0;
    for (let j = 0; j < d; j++) norm += original.values[i * d + j] ** 2;
    norm = Math.sqrt(norm) || 1;
    for (let k = 0; k < s; k++) {
      let diff = 0;
      for (let j = 0; j < d; j++) diff += (moved.values[(i * s + k) * d + j] - original.values[i * d + j]) ** 2;
      out[i] = Math.max(out[i], Math.sqrt(diff) / norm);
    }
  }
  return { values: out, modelCalls: original.modelCalls + moved.modelCalls };
}
