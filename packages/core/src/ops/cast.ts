import { isDType, isFloat, type DType } from '../dtype.js';
import { runKernel } from '../engine.js';
import { DTypeError } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { identity } from './reshape.js';

/** Converts to `dtype`; float to int32 truncates toward zero. */
export const cast = defineOp((x: TensorLike, dtype: DType): Tensor => {
  const t = toTensor(x, 'x', 'cast');
  if (!isDType(dtype)) throw new DTypeError(`cast: unknown dtype '${String(dtype)}' - use 'float32', 'float64' or 'int32'`);
  if (t.dtype === dtype) return identity(t);
  return runKernel('cast', [t], {}, t.shape, dtype, (dy, [input]) => [isFloat(input.dtype) ? cast(dy, input.dtype) : null]);
});

/** Brings two operands to a common dtype (int32 with a float becomes that float). */
export function promotePair(a: Tensor, b: Tensor, to: DType): [Tensor, Tensor] {
  return [a.dtype === to ? a : cast(a, to), b.dtype === to ? b : cast(b, to)];
}
