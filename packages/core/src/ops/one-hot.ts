import type { DType } from '../dtype.js';
import { runKernel } from '../engine.js';
import { DTypeError } from '../errors.js';
import { assertInteger } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toIndexTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';

/**
 * One-hot rows of length `depth` for int32 `indices` (a new last axis).
 * Indices outside [0, depth) give a row of `offValue`, as in TensorFlow.
 */
export const oneHot = defineOp(
  (indices: TensorLike, depth: number, onValue = 1, offValue = 0, dtype: DType = 'float32'): Tensor => {
    const idx = toIndexTensor(indices, 'indices', 'oneHot');
    if (idx.dtype !== 'int32') throw new DTypeError(`oneHot: indices must be int32, got ${idx.dtype} - cast(indices, 'int32')`);
    assertInteger('oneHot', 'depth', depth, 0);
    return runKernel('oneHot', [idx], { depth, onValue, offValue }, [...idx.shape, depth], dtype);
  },
);
