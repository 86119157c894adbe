import { runKernel } from '../engine.js';
import { ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { identity, reshape } from './reshape.js';
import { sum } from './reduce.js';

/** Repeats the whole tensor `reps[i]` times along axis i. */
export const tile = defineOp((x: TensorLike, reps: readonly number[]): Tensor => {
  const t = toTensor(x, 'x', 'tile');
  if (reps.length !== t.rank || reps.some((r) => !Number.isInteger(r) || r < 0)) {
    throw new ShapeError(`tile: reps [${reps.join(',')}] must give a non-negative integer for each of the ${t.rank} axes of ${formatShape(t.shape)}`);
  }
  if (reps.every((r) => r === 1)) return identity(t);
  const shape = t.shape.map((d, i) => d * reps[i]);
  return runKernel('tile', [t], { reps: [...reps] }, shape, t.dtype, (dy, [input]) => {
    // View dy as [r0, d0, r1, d1, ...] and sum over the repeat axes.
    const split = input.shape.flatMap((d, i) => [reps[i], d]);
    return [reshape(sum(reshape(dy, split), input.shape.map((_, i) => 2 * i)), input.shape)];
  });
});
