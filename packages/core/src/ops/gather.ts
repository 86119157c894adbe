import { runKernel } from '../engine.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { assertInteger, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toIndexTensor, toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';

function checkIndices(op: string, indices: Tensor, limit: number, axis: number, shape: readonly number[]): void {
  if (indices.dtype !== 'int32') {
    throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype} - cast(indices, 'int32')`);
  }
  // Kernels trust their inputs, so every index is checked here, before any storage is touched.
  const data = indices.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (data[i] < 0 || data[i] >= limit) {
      throw new ShapeError(
        `${op}: index ${data[i]} at position ${i} is out of range for axis ${axis} of ${formatShape(shape)} (size ${limit}) - indices must be in [0, ${limit - 1}]`,
      );
    }
  }
}

/**
 * Picks slices of `x` along `axis` at `indices` (int32, any shape): the result
 * has shape x.shape[:axis] + indices.shape + x.shape[axis+1:].
 */
export const gather = defineOp((x: TensorLike, indices: TensorLike, axis = 0): Tensor => {
  const t = toTensor(x, 'x', 'gather');
  const idx = toIndexTensor(indices, 'indices', 'gather');
  if (t.rank === 0) throw new ShapeError('gather: cannot gather from a scalar');
  const a = normalizeAxis('gather', axis, t.rank);
  checkIndices('gather', idx, t.shape[a], a, t.shape);
  const shape = [...t.shape.slice(0, a), ...idx.shape, ...t.shape.slice(a + 1)];
  return runKernel('gather', [t, idx], { axis: a }, shape, t.dtype, (dy, [input, ind]) => [
    scatterAdd(dy, ind, input.shape[a], a),
    null,
  ]);
});

/**
 * The adjoint of gather: adds the slices of `updates` into a zero tensor whose
 * `axis` has length `size`, at `indices` (repeated indices accumulate).
 */
export const scatterAdd = defineOp((updates: TensorLike, indices: TensorLike, size: number, axis = 0): Tensor => {
  const u = toTensor(updates, 'updates', 'scatterAdd');
  const idx = toIndexTensor(indices, 'indices', 'scatterAdd');
  assertInteger('scatterAdd', 'size', size, 0);
  const outRank = u.rank - idx.rank + 1;
  const a = normalizeAxis('scatterAdd', axis, Math.max(outRank, 1));
  const expectedIdx = u.shape.slice(a, a + idx.rank);
  if (outRank < 1 || expectedIdx.some((d, i) => d !== idx.shape[i]) || expectedIdx.length !== idx.rank) {
    throw new ShapeError(
      `scatterAdd: updates ${formatShape(u.shape)} do not have the indices' shape ${formatShape(idx.shape)} at axis ${a} - updates must be x.shape[:axis] + indices.shape + x.shape[axis+1:]`,
    );
  }
  const shape = [...u.shape.slice(0, a), size, ...u.shape.slice(a + idx.rank)];
  checkIndices('scatterAdd', idx, size, a, shape);
  return runKernel('scatterAdd', [u, idx], { axis: a }, shape, u.dtype, (dy, [, ind]) => [gather(dy, ind, a), null]);
});
