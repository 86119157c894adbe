import { runKernel } from '../engine.js';
import { ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { identity } from './reshape.js';
import { slice } from './slice.js';

/** Pads each axis with `paddings[i] = [before, after]` copies of `value`. */
export const pad = defineOp((x: TensorLike, paddings: readonly (readonly [number, number])[], value = 0): Tensor => {
  const t = toTensor(x, 'x', 'pad');
  if (paddings.length !== t.rank || paddings.some((p) => p.length !== 2 || p.some((v) => !Number.isInteger(v) || v < 0))) {
    throw new ShapeError(
      `pad: paddings ${JSON.stringify(paddings)} must give [before, after] non-negative integers for each of the ${t.rank} axes of ${formatShape(t.shape)}`,
    );
  }
  if (paddings.every(([b, a]) => b === 0 && a === 0)) return identity(t);
  const shape = t.shape.map((d, i) => d + paddings[i][0] + paddings[i][1]);
  const copy = paddings.map(([b, a]) => [b, a] as [number, number]);
  return runKernel('pad', [t], { paddings: copy, value }, shape, t.dtype, (dy, [input]) => [
    slice(dy, copy.map(([b]) => b), input.shape),
  ]);
});
