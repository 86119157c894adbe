import { add, assign, dispose, gather, tensor, tidy, variableGrads, type Tensor, type Variable } from '@neurite/core';
import type { Optimizer } from '@neurite/optimizers';
import type { Loss } from '../losses.js';
import type { Metric } from '../metrics.js';
import type { Model } from '../model.js';

/** What a training step needs besides the model and the data. */
export interface Compiled {
  optimizer: Optimizer;
  loss: Loss;
  metrics: Metric[];
}

/**
 * One optimizer step on the examples at `idx` (rows of `x` and `y`): what
 * `model.fit` runs for every batch, exported for loops of their own (a
 * federated client's local training). Metrics read the predictions inside
 * the differentiated function, so no prediction tensor outlives the step. A
 * non-finite loss returns before the update touches the weights. `penalty`,
 * when given, is added to the loss inside the differentiated function, so
 * its gradient is part of the step (FedProx's proximal term, say); it must
 * return a scalar. Returns the loss, penalty included.
 */
export function trainStep(model: Model, x: Tensor, y: Tensor, idx: Int32Array, { optimizer, loss, metrics }: Compiled, penalty?: () => Tensor): number {
  return tidy(() => {
    const it = tensor(idx, [idx.length], 'int32');
    const xb = gather(x, it, 0);
    const yb = gather(y, it, 0);
    const vars = model.trainableVariables;
    const updates: [Variable, Tensor][] = [];
    const { value, grads } = variableGrads(() => {
      const yp = model.call(xb, true, updates);
      let l = loss.compute(yb, yp);
      for (const m of metrics) m.update(yb, yp);
      const reg = model.regularizationLoss();
      if (reg) l = add(l, reg);
      return penalty ? add(l, penalty()) : l;
    }, vars);
    const v = value.dataSync()[0];
    if (Number.isFinite(v)) {
      optimizer.applyGradients(grads, vars);
      for (const [variable, next] of updates) assign(variable, next);
    }
    dispose(updates.map(([, t]) => t));
    return v;
  });
}
