import { ShapeError, type Tensor } from '@neurite/core';
import type { Attribution } from '../inputs.js';
import type { Target } from '../model-fn.js';

export interface ClassAverage {
  /** Classes that occur in the labels, ascending. */
  classes: number[];
  /** `[classes, ...features]`: the mean attribution of the examples of each class. */
  values: Float32Array;
  counts: number[];
  modelCalls: number;
}

/**
 * Per-class average attributions: runs `method` on the examples with each
 * example's own label as the target, and averages per class. Which
 * features does the model use to recognise each class, on average?
 */
export function classAverageAttributions(method: (x: Tensor, target: Target) => Attribution, x: Tensor, labels: readonly number[]): ClassAverage {
  if (labels.length !== x.shape[0]) throw new ShapeError(`classAverageAttributions: ${labels.length} labels for ${x.shape[0]} examples - one label per example`);
  const a = method(x, labels);
  const d = a.values.length / Math.max(1, labels.length);
  const classes = [...new Set(labels)].sort((p, q) => p - q);
  const values = new Float32Array(classes.length * d);
  const counts = classes.map((c) => labels.filter((l) => l === c).length);
  labels.forEach((l, i) => {
    const c = classes.indexOf(l);
    for (let j = 0; j < d; j++) values[c * d + j] += a.values[i * d + j] / counts[c];
  });
  return { classes, values, counts, modelCalls: a.modelCalls };
}
