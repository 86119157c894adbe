import type { FusedActivation } from '../backend.js';
import { promoteTypes } from '../dtype.js';
import { runKernel } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import type { Tensor } from '../tensor.js';
import { mul, sub } from './binary.js';
import { cast, promotePair } from './cast.js';
import { greater, where } from './compare.js';
import { toTensor, type TensorLike } from './convert.js';
import { zeros } from './creation.js';
import { defineOp } from './define-op.js';
import { matMulGrads } from './matmul.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';

const ACTIVATIONS: readonly FusedActivation[] = ['linear', 'relu', 'sigmoid', 'tanh', 'elu'];

function checkActivation(op: string, activation: string): asserts activation is FusedActivation {
  if (!ACTIVATIONS.includes(activation as FusedActivation)) {
    throw new ArgumentError(`${op}: activation '${activation}' is not fused - use one of ${ACTIVATIONS.join(', ')}, or apply it after matMul`);
  }
}

export interface FusedMatMulOptions {
  /** Added to every row: shape [n]. */
  bias?: TensorLike;
  activation?: FusedActivation;
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * act(a @ b + bias) in one kernel: the dense layer's forward pass without the
 * two intermediate tensors. a and b are matrices; batched products go through
 * matMul. Its gradient runs `activationGrad` then the two matMuls.
 */
export const fusedMatMul = defineOp((a: TensorLike, b: TensorLike, options: FusedMatMulOptions = {}): Tensor => {
  const op = 'fusedMatMul';
  let x = toTensor(a, 'a', op);
  let y = toTensor(b, 'b', op);
  const activation = options.activation ?? 'linear';
  checkActivation(op, activation);
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  if (x.rank !== 2 || y.rank !== 2) {
    throw new ShapeError(`${op}: needs matrices, got a ${formatShape(x.shape)} and b ${formatShape(y.shape)} - use matMul for batched or vector products`);
  }
  if (x.dtype === 'int32' || y.dtype === 'int32') throw new DTypeError(`${op}: needs float operands - cast(x, 'float32') first`);
  [x, y] = promotePair(x, y, promoteTypes(x.dtype, y.dtype));
  const [m, kA] = transposeA ? [x.shape[1], x.shape[0]] : x.shape;
  const [kB, n] = transposeB ? [y.shape[1], y.shape[0]] : y.shape;
  if (kA !== kB) {
    throw new ShapeError(`${op}: inner dimensions differ (a ${formatShape(x.shape)}, b ${formatShape(y.shape)}: ${kA} vs ${kB}) - transpose one operand?`);
  }
  const bias = options.bias === undefined ? zeros([n], x.dtype) : toTensor(options.bias, 'bias', op, x.dtype);
  if (bias.rank !== 1 || bias.shape[0] !== n) {
    throw new ShapeError(`${op}: bias ${formatShape(bias.shape)} must be a vector of the ${n} output columns`);
  }
  const b3 = bias.dtype === x.dtype ? bias : cast(bias, x.dtype);
  const x3 = reshape(x, [1, ...x.shape]);
  const y3 = reshape(y, [1, ...y.shape]);
  const out = runKernel('fusedMatMul', [x3, y3, b3], { transposeA, transposeB, activation }, [1, m, n], x.dtype, (dy, [ta, tb], yOut, needs) => {
    const dz = activationGrad(dy, yOut, activation);
    const [da, db] = matMulGrads(dz, ta, tb, transposeA, transposeB, needs);
    return [da, db, needs[2] ? reshape(sum(dz, [0, 1]), [n]) : null];
  });
  return reshape(out, [m, n]);
});

/**
 * dL/dz for y = act(z), from dy and the output y alone (every fused
 * activation's derivative is a function of its output), in one pass.
 */
export const activationGrad = defineOp((dy: TensorLike, y: TensorLike, activation: FusedActivation): Tensor => {
  const op = 'activationGrad';
  checkActivation(op, activation);
  const g = toTensor(dy, 'dy', op);
  const out = toTensor(y, 'y', op, g.dtype);
  if (g.shape.length !== out.shape.length || g.shape.some((d, i) => d !== out.shape[i]) || g.dtype !== out.dtype) {
    throw new ShapeError(`${op}: dy ${formatShape(g.shape)} ${g.dtype} and y ${formatShape(out.shape)} ${out.dtype} must match`);
  }
  return runKernel('activationGrad', [g, out], { activation }, g.shape, g.dtype, (ddz, [dyIn, yIn]) => {
    // Differentiating dz = dy * f'(y) again: linear in dy, and f'' through y for the curved ones.
    const again = activationGrad(ddz, yIn, activation);
    switch (activation) {
      case 'linear':
      case 'relu':
        return [again, null];
      case 'sigmoid': // dz = dy y (1 - y)
        return [again, mul(mul(ddz, dyIn), sub(1, mul(yIn, 2)))];
      case 'tanh': // dz = dy (1 - y^2)
        return [again, mul(mul(ddz, dyIn), mul(yIn, -2))];
      case 'elu': // dz = dy for y > 0, dy (y + 1) otherwise
        return [again, where(greater(yIn, 0), 0, mul(ddz, dyIn))];
    }
  });
});
