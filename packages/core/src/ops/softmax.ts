import { DTypeError } from '../errors.js';
import { normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { div, sub } from './binary.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { logSumExp, max, sum } from './reduce.js';
import { stopGradient } from './reshape.js';
import { exp } from './unary.js';

function floatInput(op: string, x: TensorLike): Tensor {
  const t = toTensor(x, 'x', op);
  if (t.dtype === 'int32') throw new DTypeError(`${op}: needs float logits, got int32 - cast(x, 'float32')`);
  return t;
}

/** exp(x) / sum(exp(x)) along `axis`, shifted by the maximum for stability. */
export const softmax = defineOp((x: TensorLike, axis = -1): Tensor => {
  const t = floatInput('softmax', x);
  const a = normalizeAxis('softmax', axis, t.rank);
  const e = exp(sub(t, stopGradient(max(t, a, true))));
  return div(e, sum(e, a, true));
});

/** x - logSumExp(x) along `axis`: log-probabilities without overflow or log(0). */
export const logSoftmax = defineOp((x: TensorLike, axis = -1): Tensor => {
  const t = floatInput('logSoftmax', x);
  const a = normalizeAxis('logSoftmax', axis, t.rank);
  return sub(t, logSumExp(t, a, true));
});
