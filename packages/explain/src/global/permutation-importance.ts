import { ArgumentError, Random, ShapeError, type Tensor } from '@neurite/core';
import { positiveInt, readRows } from '../inputs.js';
import { asFunction, type Explainable } from '../model-fn.js';
import { DEFAULT_MEMORY_BUDGET, type BatchOptions } from '../runner.js';
import { predictRows } from './predict.js';

/** A score of predictions against targets where higher is better (accuracy, negative loss). */
export type Score = (predictions: Float32Array, outputsPerExample: number, targets: Float32Array) => number;

/** Fraction of examples whose argmax (or, with one output, output >= 0.5) equals the integer target. */
export const accuracy: Score = (p, k, y) => {
  let hits = 0;
  for (let i = 0; i < y.length; i++) {
    let best = 0;
    if (k === 1) best = p[i] >= 0.5 ? 1 : 0;
    else for (let c = 1; c < k; c++) if (p[i * k + c] > p[i * k + best]) best = c;
    if (best === y[i]) hits++;
  }
  return hits / y.length;
};

/** Minus the mean squared error of a one-output regression. */
export const negativeMse: Score = (p, k, y) => {
  if (k !== 1) throw new ArgumentError(`negativeMse: the model has ${k} outputs per example - use accuracy or your own score`);
  let s = 0;
  for (let i = 0; i < y.length; i++) s += (p[i] - y[i]) ** 2;
  return -s / y.length;
};

export interface PermutationImportanceOptions extends BatchOptions {
  /** Default accuracy. */
  score?: Score;
  /** Shuffles per feature. Default 5. */
  repeats?: number;
  /** One group id per input element: a group's columns are shuffled together (rows stay aligned). */
  featureMask?: ArrayLike<number>;
  seed?: number;
}

export interface PermutationImportanceResult {
  /** The score on the data as given. */
  baseline: number;
  /** Per feature (group): mean and standard deviation over repeats of baseline - score with that feature shuffled. */
  mean: Float64Array;
  std: Float64Array;
  /** `[features, repeats]` raw drops. */
  drops: Float64Array;
  modelCalls: number;
}

/**
 * Permutation feature importance (Breiman 2001; Fisher et al. 2019): how
 * much the score drops when one feature's column is shuffled across the
 * examples, breaking its link to the target. Each shuffle is one batched
 * prediction over the dataset.
 */
export function permutationImportance(model: Explainable, x: Tensor, y: Tensor, options: PermutationImportanceOptions = {}): PermutationImportanceResult {
  const op = 'permutationImportance';
  const rows = readRows(op, x);
  const targets = Float32Array.from(y.dataSync());
  if (targets.length !== rows.n) throw new ShapeError(`${op}: ${targets.length} targets for ${rows.n} examples - one target per example`);
  const score = options.score ?? accuracy;
  const repeats = positiveInt(op, 'repeats', options.repeats ?? 5);
  const d = rows.featureSize;
  const groups = new Int32Array(d);
  let count = d;
  if (options.featureMask !== undefined) {
    if (options.featureMask.length !== d) throw new ShapeError(`${op}: featureMask has ${options.featureMask.length} entries for ${d} features`);
    const ids = new Map<number, number>();
    for (let j = 0; j < d; j++) {
      const id = options.featureMask[j];
      if (!ids.has(id)) ids.set(id, ids.size);
      groups[j] = ids.get(id)!;
    }
    count = ids.size;
  } else for (let j = 0; j < d; j++) groups[j] = j;
  const fn = asFunction(model);
  const perCall = Math.max(1, Math.min(options.batchSize ?? Infinity, Math.floor((options.memoryBudget ?? DEFAULT_MEMORY_BUDGET) / d)));
  let calls = 0;
  const predict = (data: Float32Array) => {
    const r = predictRows(fn, data, rows.n, rows.featureShape, perCall);
    calls += r.calls;
    return r;
  };
  const base = predict(rows.data);
  const baseline = score(base.values, base.outputsPerExample, targets);
  const random = new Random(options.seed ?? 0);
  const drops = new Float64Array(count * repeats);
  const shuffled = new Float32Array(rows.data.length);
  const order = new Int32Array(rows.n);
  for (let g = 0; g < count; g++) {
    for (let r = 0; r < repeats; r++) {
      for (let i = 0; i < rows.n; i++) order[i] = i;
      random.shuffle(order);
      shuffled.set(rows.data);
      for (let i = 0; i < rows.n; i++) for (let j = 0; j < d; j++) if (groups[j] === g) shuffled[i * d + j] = rows.data[order[i] * d + j];
      const p = predict(shuffled);
      drops[g * repeats + r] = baseline - score(p.values, p.outputsPerExample, targets);
    }
  }
  const mean = new Float64Array(count);
  const std = new Float64Array(count);
  for (let g = 0; g < count; g++) {
    let s = 0;
    for (let r = 0; r < repeats; r++) s += drops[g * repeats + r];
    mean[g] = s / repeats;
    let v = 0;
    for (let r = 0; r < repeats; r++) v += (drops[g * repeats + r] - mean[g]) ** 2;
    std[g] = Math.sqrt(v / repeats);
  }
  return { baseline, mean, std, drops, modelCalls: calls };
}
