import { runKernel } from '../engine.js';
import { ShapeError, formatShape } from '../errors.js';
import { assertValidShape, broadcastShapes, shapesEqual, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { unbroadcast } from './binary.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { identity } from './reshape.js';

/** Repeats size-1 (and missing leading) axes to reach `shape`, NumPy style. */
export const broadcastTo = defineOp((x: TensorLike, shape: Shape): Tensor => {
  const t = toTensor(x, 'x', 'broadcastTo');
  assertValidShape('broadcastTo', shape);
  if (shape.length < t.rank || !shapesEqual(broadcastShapes('broadcastTo', t.shape, shape), shape)) {
    throw new ShapeError(
      `broadcastTo: ${formatShape(t.shape)} cannot be broadcast to ${formatShape(shape)} - each axis must match or be 1`,
    );
  }
  if (shapesEqual(t.shape, shape)) return identity(t);
  return runKernel('broadcastTo', [t], {}, shape, t.dtype, (dy, [input]) => [unbroadcast(dy, input.shape)]);
});
