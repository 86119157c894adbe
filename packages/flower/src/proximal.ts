import { add, mul, square, sub, sum, type Tensor, type Variable } from '@neurite/core';
import type { Loss } from '@neurite/layers';

/**
 * FedProx's local objective (Li et al., 2020): the task loss plus
 * (mu/2)·||w - w_global||² over the trainable weights. As a Loss, it plugs
 * into layers' own training loop unchanged: fit differentiates whatever its
 * loss returns with respect to the trainable variables, and this term reads
 * them. `anchors` (the global weights) belong to the caller.
 */
export function proximalLoss(loss: Loss, variables: readonly Variable[], anchors: readonly Tensor[], mu: number): Loss {
  return {
    name: `${loss.name}+proximal`,
    fromLogits: loss.fromLogits,
    compute(yTrue, yPred) {
      const distance = variables.map((v, i) => sum(square(sub(v, anchors[i])))).reduce((a, b) => add(a, b));
      return add(loss.compute(yTrue, yPred), mul(distance, mu / 2));
    },
  };
}
