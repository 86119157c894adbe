import { promoteTypes } from '../dtype.js';
import { runKernel } from '../engine.js';
import { broadcastShapes } from '../shape.js';
import { Tensor } from '../tensor.js';
import { promotePair } from './cast.js';
import { toTensor, type TensorLike } from './convert.js';
import { binaryOperands, unbroadcast } from './binary.js';
import { defineOp } from './define-op.js';
import { zerosLike } from './creation.js';

type CompareKernel = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

/** Comparisons broadcast like arithmetic and return an int32 mask of 0 and 1. */
function compare(name: CompareKernel) {
  return defineOp((a: TensorLike, b: TensorLike): Tensor => {
    const [x, y, shape] = binaryOperands(name, a, b);
    return runKernel(name, [x, y], {}, shape, 'int32');
  });
}

export const equal = compare('equal');
export const notEqual = compare('notEqual');
export const less = compare('less');
export const lessEqual = compare('lessEqual');
export const greater = compare('greater');
export const greaterEqual = compare('greaterEqual');

/**
 * Picks from `a` where `condition` is non-zero and from `b` elsewhere; all
 * three broadcast together.
 */
export const where = defineOp((condition: TensorLike, a: TensorLike, b: TensorLike): Tensor => {
  const c = toTensor(condition, 'condition', 'where', 'int32');
  let x = toTensor(a, 'a', 'where', b instanceof Tensor ? b.dtype : undefined);
  let y = toTensor(b, 'b', 'where', x.dtype);
  [x, y] = promotePair(x, y, promoteTypes(x.dtype, y.dtype));
  const shape = broadcastShapes('where', c.shape, x.shape, y.shape);
  return runKernel('where', [c, x, y], {}, shape, x.dtype, (dy, [cond, ta, tb]) => {
    const zeros = zerosLike(dy);
    return [null, unbroadcast(where(cond, dy, zeros), ta.shape), unbroadcast(where(cond, zeros, dy), tb.shape)];
  });
});
