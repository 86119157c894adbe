import { ShapeError, formatShape } from '../errors.js';
import { normalizeAxis, shapesEqual } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, maximum, mul, sub } from './binary.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { sum } from './reduce.js';
import { logSoftmax } from './softmax.js';
import { abs, exp, log1p, neg } from './unary.js';

function sameShape(op: string, labels: Tensor, logits: Tensor): void {
  if (!shapesEqual(labels.shape, logits.shape)) {
    throw new ShapeError(
      `${op}: labels ${formatShape(labels.shape)} and logits ${formatShape(logits.shape)} differ - labels must have the logits' shape (oneHot() sparse labels)`,
    );
  }
}

/**
 * Cross-entropy between label distributions and softmax(logits) along `axis`,
 * one value per example: -sum(labels * logSoftmax(logits)). Stable for any logits.
 */
export const softmaxCrossEntropyWithLogits = defineOp((labels: TensorLike, logits: TensorLike, axis = -1): Tensor => {
  const z = toTensor(logits, 'logits', 'softmaxCrossEntropyWithLogits');
  const y = toTensor(labels, 'labels', 'softmaxCrossEntropyWithLogits', z.dtype);
  sameShape('softmaxCrossEntropyWithLogits', y, z);
  const a = normalizeAxis('softmaxCrossEntropyWithLogits', axis, z.rank);
  return neg(sum(mul(y, logSoftmax(z, a)), a));
});

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
