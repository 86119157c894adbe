import { runKernel } from '../engine.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { greater, less, where } from './compare.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';

type UnaryKernel =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' | 'reciprocal'
  | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'relu6' | 'elu' | 'selu' | 'gelu' | 'erf' | 'softplus'
  | 'floor' | 'ceil' | 'round';

/** SELU constants from Klambauer et al. 2017. */
export const SELU_ALPHA = 1.6732632423543772;
export const SELU_SCALE = 1.0507009873554805;

interface UnaryOptions {
  /** Integer inputs are computed in float32 (exp of an int32 is not an int). */
  floatOnly?: boolean;
}

/**
 * `grad` gives dL/dx from dy, the input x and the output y; leave it out for
 * ops whose derivative is zero almost everywhere (sign, floor...).
 */
function unary(name: UnaryKernel, grad: ((dy: Tensor, x: Tensor, y: Tensor) => Tensor) | null, options: UnaryOptions = {}) {
  return defineOp((x: TensorLike): Tensor => {
    let t = toTensor(x, 'x', name);
    if (options.floatOnly && t.dtype === 'int32') t = cast(t, 'float32');
    return runKernel(name, [t], {}, t.shape, t.dtype, (dy, [input], out) => [grad ? grad(dy, input, out) : null]);
  });
}

const floatOnly = { floatOnly: true };

export const neg = unary('neg', (dy) => neg(dy));
export const abs = unary('abs', (dy, x) => mul(dy, sign(x)));
export const sign = unary('sign', null);
export const exp = unary('exp', (dy, _x, y) => mul(dy, y), floatOnly);
export const expm1 = unary('expm1', (dy, _x, y) => mul(dy, add(y, 1)), floatOnly);
export const log = unary('log', (dy, x) => div(dy, x), floatOnly);
export const log1p = unary('log1p', (dy, x) => div(dy, add(x, 1)), floatOnly);
export const sqrt = unary('sqrt', (dy, _x, y) => div(dy, mul(y, 2)), floatOnly);
export const rsqrt = unary('rsqrt', (dy, _x, y) => mul(dy, mul(-0.5, mul(y, square(y)))), floatOnly);
export const square = unary('square', (dy, x) => mul(dy, mul(x, 2)));
export const reciprocal = unary('reciprocal', (dy, _x, y) => neg(mul(dy, square(y))), floatOnly);
export const sin = unary('sin', (dy, x) => mul(dy, cos(x)), floatOnly);
export const cos = unary('cos', (dy, x) => neg(mul(dy, sin(x))), floatOnly);
export const tanh = unary('tanh', (dy, _x, y) => mul(dy, sub(1, square(y))), floatOnly);
export const sigmoid = unary('sigmoid', (dy, _x, y) => mul(dy, mul(y, sub(1, y))), floatOnly);
export const relu = unary('relu', (dy, x) => mul(dy, greater(x, 0)));
/** min(max(x, 0), 6). */
export const relu6 = unary('relu6', (dy, x) => mul(dy, mul(greater(x, 0), less(x, 6))));
/** x for x > 0, exp(x) - 1 otherwise. */
export const elu = unary('elu', (dy, x, y) => where(greater(x, 0), dy, mul(dy, add(y, 1))), floatOnly);
/** Scaled ELU: scale * (x > 0 ? x : alpha * (exp(x) - 1)). */
export const selu = unary(
  'selu',
  (dy, x, y) => where(greater(x, 0), mul(dy, SELU_SCALE), mul(dy, add(y, SELU_SCALE * SELU_ALPHA))),
  floatOnly,
);
/** Exact GELU, x * Phi(x) with the normal CDF Phi (not the tanh approximation). */
export const gelu = unary(
  'gelu',
  (dy, x) => {
    const cdf = mul(0.5, add(1, erf(mul(x, Math.SQRT1_2))));
    const pdf = mul(1 / Math.sqrt(2 * Math.PI), exp(mul(-0.5, square(x))));
    return mul(dy, add(cdf, mul(x, pdf)));
  },
  floatOnly,
);
export const erf = unary('erf', (dy, x) => mul(dy, mul(2 / Math.sqrt(Math.PI), exp(neg(square(x))))), floatOnly);
/** log(1 + exp(x)), computed without overflow. */
export const softplus = unary('softplus', (dy, x) => mul(dy, sigmoid(x)), floatOnly);
export const floor = unary('floor', null);
export const ceil = unary('ceil', null);
/** Rounds half to even, like NumPy. */
export const round = unary('round', null);

/** x for x > 0, alpha * x otherwise. */
export const leakyRelu = defineOp((x: TensorLike, alpha = 0.2): Tensor => {
  let t = toTensor(x, 'x', 'leakyRelu');
  if (t.dtype === 'int32') t = cast(t, 'float32');
  // alpha multiplies dy so that it takes dy's dtype: a where() of two plain numbers would be float32.
  return runKernel('leakyRelu', [t], { alpha }, t.shape, t.dtype, (dy, [input]) => [where(greater(input, 0), dy, mul(dy, alpha))]);
});
