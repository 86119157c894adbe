import { runKernel } from '../engine.js';
import { assertPermutation } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { identity } from './reshape.js';

/** Reorders axes: output axis i is input axis perm[i]. Reverses the axes by default. */
export const transpose = defineOp((x: TensorLike, perm?: readonly number[]): Tensor => {
  const t = toTensor(x, 'x', 'transpose');
  const p = perm ?? t.shape.map((_, i) => t.rank - 1 - i);
  assertPermutation('transpose', p, t.rank);
  if (p.every((axis, i) => axis === i)) return identity(t);
  const inverse = new Array<number>(p.length);
  p.forEach((axis, i) => (inverse[axis] = i));
  return runKernel('transpose', [t], { perm: [...p] }, p.map((axis) => t.shape[axis]), t.dtype, (dy) => [transpose(dy, inverse)]);
});

/** Alias of `transpose` under the name PyTorch uses. */
export const permute = transpose;
