import { runKernel } from '../engine.js';
import { normalizeAxes } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { identity } from './reshape.js';

/** Reverses the order of elements along `axes` (all by default). */
export const reverse = defineOp((x: TensorLike, axes?: number | readonly number[]): Tensor => {
  const t = toTensor(x, 'x', 'reverse');
  const ax = normalizeAxes('reverse', axes, t.rank);
  if (ax.length === 0) return identity(t);
  return runKernel('reverse', [t], { axes: ax }, t.shape, t.dtype, (dy) => [reverse(dy, ax)]);
});
