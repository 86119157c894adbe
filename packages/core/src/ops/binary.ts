import type { KernelName } from '../backend.js';
import { promoteTypes } from '../dtype.js';
import { runKernel, type GradFn } from '../engine.js';
import { broadcastShapes, broadcastedAxes, shapesEqual, type Shape } from '../shape.js';
import { Tensor } from '../tensor.js';
import { promotePair } from './cast.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { reshape } from './reshape.js';
import { sum } from './reduce.js';
import { greaterEqual, less, lessEqual, greater, where } from './compare.js';
import { log, neg, square } from './unary.js';

/** Sums a broadcast gradient back down to the shape of the operand it belongs to. */
export function unbroadcast(grad: Tensor, shape: Shape): Tensor {
  if (shapesEqual(grad.shape, shape)) return grad;
  const axes = broadcastedAxes(shape, grad.shape);
  return reshape(sum(grad, axes), shape);
}

/**
 * Converts both operands (numbers take the other operand's dtype), promotes
 * mixed dtypes and infers the broadcast shape.
 */
export function binaryOperands(op: string, a: TensorLike, b: TensorLike): [Tensor, Tensor, number[]] {
  const likeA = a instanceof Tensor ? a.dtype : undefined;
  const likeB = b instanceof Tensor ? b.dtype : undefined;
  let x = toTensor(a, 'a', op, likeB);
  let y = toTensor(b, 'b', op, likeA ?? x.dtype);
  [x, y] = promotePair(x, y, promoteTypes(x.dtype, y.dtype));
  return [x, y, broadcastShapes(op, x.shape, y.shape)];
}

type BinaryKernel = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';

function binary(name: BinaryKernel & KernelName, grad: (dy: Tensor, a: Tensor, b: Tensor, out: Tensor) => [Tensor | null, Tensor | null]) {
  const gradFn: GradFn = (dy, [a, b], out) => {
    const [da, db] = grad(dy, a, b, out);
    return [da && unbroadcast(da, a.shape), db && unbroadcast(db, b.shape)];
  };
  return defineOp((a: TensorLike, b: TensorLike): Tensor => {
    const [x, y, shape] = binaryOperands(name, a, b);
    return runKernel(name, [x, y], {}, shape, x.dtype, gradFn);
  });
}

export const add = binary('add', (dy) => [dy, dy]);
export const sub = binary('sub', (dy) => [dy, neg(dy)]);
export const mul = binary('mul', (dy, a, b) => [mul(dy, b), mul(dy, a)]);
/** a / b; for int32 operands the quotient is floored, as in TensorFlow and NumPy's `//`. */
export const div = binary('div', (dy, a, b) => [div(dy, b), neg(div(mul(dy, a), square(b)))]);
/** a^b. The gradient for b uses log(a) and is taken as 0 where a <= 0. */
export const pow = binary('pow', (dy, a, b, out) => [
  mul(dy, mul(b, pow(a, sub(b, 1)))),
  mul(dy, where(greater(a, 0), mul(out, log(a)), 0)),
]);
/** Ties send the gradient to `a`. */
export const maximum = binary('maximum', (dy, a, b) => [mul(dy, greaterEqual(a, b)), mul(dy, less(a, b))]);
/** Ties send the gradient to `a`. */
export const minimum = binary('minimum', (dy, a, b) => [mul(dy, lessEqual(a, b)), mul(dy, greater(a, b))]);
