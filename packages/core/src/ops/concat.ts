import { promoteTypes } from '../dtype.js';
import { runKernel } from '../engine.js';
import { ArgumentError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { cast } from './cast.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { expandDims, identity, squeeze } from './reshape.js';
import { slice, split } from './slice.js';

/** Joins tensors along an existing axis; all other axes must match. */
export const concat = defineOp((xs: readonly TensorLike[], axis = 0): Tensor => {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError('concat: needs a non-empty list of tensors');
  let ts = xs.map((x, i) => toTensor(x, `xs[${i}]`, 'concat'));
  const rank = ts[0].rank;
  if (rank === 0) throw new ShapeError('concat: cannot concatenate scalars - use stack() to make a vector');
  const a = normalizeAxis('concat', axis, rank);
  for (const [i, t] of ts.entries()) {
    if (t.rank !== rank || t.shape.some((d, j) => j !== a && d !== ts[0].shape[j])) {
      throw new ShapeError(
        `concat: xs[${i}] is ${formatShape(t.shape)} but xs[0] is ${formatShape(ts[0].shape)} - all axes except ${a} must match`,
      );
    }
  }
  const dtype = ts.map((t) => t.dtype).reduce(promoteTypes);
  ts = ts.map((t) => (t.dtype === dtype ? t : cast(t, dtype)));
  if (ts.length === 1) return identity(ts[0]);
  const shape = [...ts[0].shape];
  shape[a] = ts.reduce((s, t) => s + t.shape[a], 0);
  return runKernel('concat', ts, { axis: a }, shape, dtype, (dy, inputs) => split(dy, inputs.map((t) => t.shape[a]), a));
});

/** Joins same-shaped tensors along a new axis. */
export const stack = defineOp((xs: readonly TensorLike[], axis = 0): Tensor => {
  if (!Array.isArray(xs) || xs.length === 0) throw new ArgumentError('stack: needs a non-empty list of tensors');
  const ts = xs.map((x, i) => toTensor(x, `xs[${i}]`, 'stack'));
  for (const [i, t] of ts.entries()) {
    if (t.shape.length !== ts[0].shape.length || t.shape.some((d, j) => d !== ts[0].shape[j])) {
      throw new ShapeError(`stack: xs[${i}] is ${formatShape(t.shape)} but xs[0] is ${formatShape(ts[0].shape)} - stacked tensors must have one shape`);
    }
  }
  const a = normalizeAxis('stack', axis, ts[0].rank + 1);
  return concat(ts.map((t) => expandDims(t, a)), a);
});

/** Splits along `axis` into its slices, dropping that axis. */
export const unstack = defineOp((x: TensorLike, axis = 0): Tensor[] => {
  const t = toTensor(x, 'x', 'unstack');
  const a = normalizeAxis('unstack', axis, t.rank);
  return Array.from({ length: t.shape[a] }, (_, i) => {
    const begin = t.shape.map((_, j) => (j === a ? i : 0));
    const size = t.shape.map((d, j) => (j === a ? 1 : d));
    return squeeze(slice(t, begin, size), a);
  });
});
