import { ArgumentError, oneHot, tensor, type Tensor } from '@neurite/core';
import { toLabelArray } from './arrays.js';

/**
 * One-hot float32 rows for class indices. Unlike core's oneHot, which gives
 * a zero row for an index out of range (as TensorFlow does), a label that
 * does not fit is an error here: in a dataset it is a bug, not a feature.
 */
export function oneHotLabels(labels: ArrayLike<number> | Tensor, numClasses?: number): Tensor {
  const values = toLabelArray('oneHotLabels', labels);
  let maxLabel = -1;
  for (const v of values) if (v > maxLabel) maxLabel = v;
  const depth = numClasses ?? maxLabel + 1;
  if (maxLabel >= depth) {
    throw new ArgumentError(`oneHotLabels: label ${maxLabel} does not fit ${depth} classes - pass numClasses > ${maxLabel}`);
  }
  const idx = tensor(values, [values.length], 'int32');
  try {
    return oneHot(idx, depth);
  } finally {
    idx.dispose();
  }
}
