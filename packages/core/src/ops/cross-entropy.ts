import { runKernel } from '../engine.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxis, shapesEqual, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, maximum, mul, sub } from './binary.js';
import { cast } from './cast.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { sum } from './reduce.js';
import { reshape } from './reshape.js';
import { logSoftmax, softmax } from './softmax.js';
import { transpose } from './transpose.js';
import { abs, exp, log1p, neg } from './unary.js';

function sameShape(op: string, labels: Tensor, logits: Tensor): void {
  if (!shapesEqual(labels.shape, logits.shape)) {
    throw new ShapeError(
      `${op}: labels ${formatShape(labels.shape)} and logits ${formatShape(logits.shape)} differ - labels must have the logits' shape (oneHot() sparse labels)`,
    );
  }
}

/** Moves `axis` last and flattens the rest: the [rows, classes] layout the fused kernels take. */
function toRows(t: Tensor, axis: number): Tensor {
  const perm = t.shape.map((_, i) => i).filter((i) => i !== axis);
  const moved = axis === t.rank - 1 ? t : transpose(t, [...perm, axis]);
  return reshape(moved, [sizeOf(perm.map((i) => t.shape[i])), t.shape[axis]]);
}

/**
 * Cross-entropy between label distributions and softmax(logits) along `axis`,
 * one value per example: -sum(labels * logSoftmax(logits)). Stable for any
 * logits. A fused kernel computes it in one pass per row, and its gradient
 * (softmax * sum(labels) - labels, scaled by dy) in another.
 */
export const softmaxCrossEntropyWithLogits = defineOp((labels: TensorLike, logits: TensorLike, axis = -1): Tensor => {
  const op = 'softmaxCrossEntropyWithLogits';
  const z = toTensor(logits, 'logits', op);
  const given = toTensor(labels, 'labels', op, z.dtype);
  sameShape(op, given, z);
  if (z.dtype === 'int32') throw new DTypeError(`${op}: needs float logits, got int32 - cast(logits, 'float32')`);
  const y = given.dtype === z.dtype ? given : cast(given, z.dtype);
  if (z.rank === 0) throw new ShapeError(`${op}: logits must have a class axis, got a scalar`);
  const a = normalizeAxis(op, axis, z.rank);
  const outShape = z.shape.filter((_, i) => i !== a);
  const rows = runKernel('softmaxCrossEntropy', [toRows(y, a), toRows(z, a)], {}, [sizeOf(outShape)], z.dtype, (dy, [y2, z2], _out, needs) => [
    // d/dlabels = -dy * logSoftmax(logits), rarely wanted (labels are data); d/dlogits from the fused gradient kernel.
    needs[0] ? neg(mul(reshape(dy, [dy.size, 1]), logSoftmax(z2))) : null,
    needs[1] ? softmaxCrossEntropyGrad(y2, z2, dy) : null,
  ]);
  return reshape(rows, outShape);
});

/**
 * dL/dlogits of softmax cross-entropy for [rows, classes] labels and logits
 * and per-row dy: dy * (softmax(logits) * sum(labels) - labels).
 */
const softmaxCrossEntropyGrad = defineOp((labels: Tensor, logits: Tensor, dy: Tensor): Tensor =>
  runKernel('softmaxCrossEntropyGrad', [labels, logits, dy], {}, logits.shape, logits.dtype, (ddl, [y, z, d], _out, needs) => {
    // Second order, from out = D (s Y - y) with s = softmax(z), Y = sum(y), D = dy per row:
    // d/dy = D (sum(ddl s) - ddl); d/dz = D Y s (ddl - sum(ddl s)); d/dD = sum(ddl (s Y - y)).
    const s = softmax(z);
    const D = reshape(d, [d.size, 1]);
    const Y = sum(y, 1, true);
    const ddlS = sum(mul(ddl, s), 1, true);
    return [
      needs[0] ? mul(D, sub(ddlS, ddl)) : null,
      needs[1] ? mul(mul(D, Y), mul(s, sub(ddl, ddlS))) : null,
      needs[2] ? sum(mul(ddl, sub(mul(s, Y), y)), 1) : null,
    ];
  }),
);

/**
 * Elementwise binary cross-entropy of sigmoid(logits) against labels, in the
 * overflow-free form max(x, 0) - x * z + log(1 + exp(-|x|)).
 */
export const sigmoidCrossEntropyWithLogits = defineOp((labels: TensorLike, logits: TensorLike): Tensor => {
  const x = toTensor(logits, 'logits', 'sigmoidCrossEntropyWithLogits');
  const z = toTensor(labels, 'labels', 'sigmoidCrossEntropyWithLogits', x.dtype);
  sameShape('sigmoidCrossEntropyWithLogits', z, x);
  return add(sub(maximum(x, 0), mul(x, z)), log1p(exp(neg(abs(x)))));
});
