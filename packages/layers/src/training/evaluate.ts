import { ShapeError, add, slice, tidy, type Tensor } from '@neurite/core';
import type { Loss } from '../losses.js';
import type { Metric } from '../metrics.js';
import { checkBatchSize, type Model } from '../model.js';
import type { Logs } from './callback.js';

/** Rows [start, start + size) of a batch-major tensor. */
export function rows(t: Tensor, start: number, size: number): Tensor {
  return slice(t, [start, ...t.shape.slice(1).map(() => 0)], [size, ...t.shape.slice(1)]);
}

export function checkPair(where: string, x: Tensor, y: Tensor): number {
  if (x.rank === 0 || y.rank === 0 || x.shape[0] !== y.shape[0]) {
    throw new ShapeError(`${where}: x [${x.shape}] and y [${y.shape}] must have the same number of examples on axis 0`);
  }
  return x.shape[0];
}

/**
 * Loss (weight penalties included, as in training) and metrics over (x, y)
 * in eval mode, batch by batch. The loss is the example-weighted mean of
 * the batch losses, so it does not depend on the batch size.
 */
export function evaluateWith(model: Model, x: Tensor, y: Tensor, loss: Loss, metrics: readonly Metric[], batchSize = 32, prefix = ''): Logs {
  const n = checkPair('evaluate', x, y);
  checkBatchSize('evaluate', batchSize);
  for (const m of metrics) m.reset();
  let total = 0;
  for (let start = 0; start < n; start += batchSize) {
    const size = Math.min(batchSize, n - start);
    total +=
      size *
      tidy(() => {
        const xb = rows(x, start, size);
        const yb = rows(y, start, size);
        const yp = model.call(xb, false);
        for (const m of metrics) m.update(yb, yp);
        const reg = model.regularizationLoss();
        const l = loss.compute(yb, yp);
        return (reg ? add(l, reg) : l).dataSync()[0];
      });
  }
  const logs: Logs = { [`${prefix}loss`]: n === 0 ? NaN : total / n };
  for (const m of metrics) logs[`${prefix}${m.name}`] = m.result();
  return logs;
}
