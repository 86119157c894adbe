import { ArgumentError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { maximum, minimum } from './binary.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';

/** Limits values to [min, max]; the gradient passes where min <= x <= max. */
export const clip = defineOp((x: TensorLike, min: number, max: number): Tensor => {
  const t = toTensor(x, 'x', 'clip');
  if (Number.isNaN(min) || Number.isNaN(max) || min > max) {
    throw new ArgumentError(`clip: min ${min} must not exceed max ${max} - swap them`);
  }
  return minimum(maximum(t, min), max);
});
