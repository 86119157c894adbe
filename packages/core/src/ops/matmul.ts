import { promoteTypes } from '../dtype.js';
import { runKernel } from '../engine.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { broadcastShapes, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { unbroadcast } from './binary.js';
import { broadcastTo } from './broadcast-to.js';
import { promotePair } from './cast.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { reshape } from './reshape.js';

export interface MatMulOptions {
  transposeA?: boolean;
  transposeB?: boolean;
}

/**
 * Matrix product over the last two axes; leading (batch) axes broadcast.
 * A rank-1 operand is treated as a row (a) or column (b) vector and that axis
 * is dropped from the result, as in NumPy.
 */
export const matMul = defineOp((a: TensorLike, b: TensorLike, options: MatMulOptions = {}): Tensor => {
  const op = 'matMul';
  let x = toTensor(a, 'a', op);
  let y = toTensor(b, 'b', op);
  if (x.rank === 0 || y.rank === 0) {
    throw new ShapeError(`${op}: operands must have rank >= 1, got a ${formatShape(x.shape)} and b ${formatShape(y.shape)} - use mul() for scalars`);
  }
  if (x.dtype === 'int32' && y.dtype === 'int32') {
    throw new DTypeError(`${op}: int32 matrices are not supported - cast(x, 'float32') first`);
  }
  [x, y] = promotePair(x, y, promoteTypes(x.dtype, y.dtype));
  const transposeA = options.transposeA ?? false;
  const transposeB = options.transposeB ?? false;
  const vectorA = x.rank === 1;
  const vectorB = y.rank === 1;
  if (vectorA) x = reshape(x, [1, x.shape[0]]);
  if (vectorB) y = reshape(y, [y.shape[0], 1]);
  const [m, kA] = transposeA ? [x.shape[x.rank - 1], x.shape[x.rank - 2]] : [x.shape[x.rank - 2], x.shape[x.rank - 1]];
  const [kB, n] = transposeB ? [y.shape[y.rank - 1], y.shape[y.rank - 2]] : [y.shape[y.rank - 2], y.shape[y.rank - 1]];
  if (kA !== kB) {
    throw new ShapeError(
      `${op}: inner dimensions differ (a ${formatShape(x.shape)}${transposeA ? ' transposed' : ''}, b ${formatShape(y.shape)}${transposeB ? ' transposed' : ''}: ${kA} vs ${kB}) - transpose one operand?`,
    );
  }
  const batchA = x.shape.slice(0, -2);
  const batchB = y.shape.slice(0, -2);
  const batch = broadcastShapes(op, batchA, batchB);
  const outShape = [...batch, m, n];
  const result = runKernel(
    'matMul',
    [toRank3(x, batch), toRank3(y, batch)],
    { transposeA, transposeB },
    [sizeOf(batch), m, n],
    x.dtype,
    (dy, [a3, b3], _out, needs) => {
      const [da, db] = matMulGrads(dy, a3, b3, transposeA, transposeB, needs);
      return [da && unbroadcast(da, a3.shape), db && unbroadcast(db, b3.shape)];
    },
  );
  let shape = outShape;
  if (vectorA) shape = [...batch, n];
  if (vectorB) shape = vectorA ? batch : [...batch, m];
  return reshape(result, shape);
});

/** Batch axes collapse to one; an operand whose batch does not broadcast trivially is expanded first. */
function toRank3(t: Tensor, batch: number[]): Tensor {
  const own = t.shape.slice(0, -2);
  const rows = t.shape[t.rank - 2];
  const cols = t.shape[t.rank - 1];
  if (sizeOf(own) === 1) return reshape(t, [1, rows, cols]);
  const full = shapesEqual(own, batch) ? t : broadcastTo(t, [...batch, rows, cols]);
  return reshape(full, [sizeOf(batch), rows, cols]);
}

/** The two gradients of a @ b (either transposed); one whose `needs` entry is false is not computed. */
export function matMulGrads(
  dy: Tensor,
  a: Tensor,
  b: Tensor,
  tA: boolean,
  tB: boolean,
  needs: readonly boolean[] = [true, true],
): [Tensor | null, Tensor | null] {
  const da = !needs[0]
    ? null
    : tA
      ? matMul(b, dy, { transposeA: tB, transposeB: true })
      : matMul(dy, b, { transposeB: !tB });
  const db = !needs[1]
    ? null
    : tB
      ? matMul(dy, a, { transposeA: true, transposeB: tA })
      : matMul(a, dy, { transposeA: !tA });
  return [da, db];
}
