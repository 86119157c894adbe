import { ArgumentError, sum, tensor, tidy, valueAndGrad, type Tensor } from '@neurite/core';
import { asFunction, selectTarget, type Explainable, type ModelFunction, type Target } from './model-fn.js';

/** How a method batches its model calls. */
export interface BatchOptions {
  /**
   * Most input elements (examples x features) sent to the model in one call;
   * bigger batches are split. Default 2^21 (8 MiB of float32 input), which
   * keeps the activations of an MLP on MNIST well under 100 MiB.
   */
  memoryBudget?: number;
  /** Most examples per model call; overrides memoryBudget when smaller. */
  batchSize?: number;
}

export const DEFAULT_MEMORY_BUDGET = 2 ** 21;

/**
 * Runs a model on rows held in JS memory, in batches, and counts the calls.
 * Every tensor it makes is freed before a method returns: results come back
 * as typed arrays, so no method leaves tensors or gradients behind.
 */
export class Runner {
  readonly fn: ModelFunction;
  /** Batched forward passes (a gradient call counts once: one forward and one backward). */
  calls = 0;
  /** Rows (examples or perturbations) evaluated in total. */
  rows = 0;
  readonly rowsPerCall: number;

  constructor(
    readonly op: string,
    model: Explainable,
    readonly featureShape: readonly number[],
    options: BatchOptions = {},
    /** Rows that must stay in one call (DeepLIFT's input and reference pairs). */
    minRowsPerCall = 1,
  ) {
    this.fn = asFunction(model);
    const d = Math.max(1, featureShape.reduce((a, b) => a * b, 1));
    const budget = options.memoryBudget ?? DEFAULT_MEMORY_BUDGET;
    if (!(budget > 0)) throw new ArgumentError(`${op}: memoryBudget must be positive, got ${budget}`);
    let perCall = Math.max(1, Math.floor(budget / d));
    if (options.batchSize !== undefined) {
      if (!Number.isInteger(options.batchSize) || options.batchSize < 1) throw new ArgumentError(`${op}: batchSize must be a positive integer, got ${options.batchSize}`);
      perCall = Math.min(perCall, options.batchSize);
    }
    this.rowsPerCall = Math.max(minRowsPerCall, perCall);
  }

  get featureSize(): number {
    return this.featureShape.reduce((a, b) => a * b, 1);
  }

  /** The explained output for each of `count` rows in `data` (row-major), in float64. */
  forward(data: Float32Array, count: number, target: Target): Float64Array {
    const d = this.featureSize;
    const out = new Float64Array(count);
    for (let start = 0; start < count; start += this.rowsPerCall) {
      const n = Math.min(this.rowsPerCall, count - start);
      const values = tidy(() => {
        const x = tensor(data.subarray(start * d, (start + n) * d), [n, ...this.featureShape]);
        return selectTarget(this.op, this.fn(x), sliceTarget(target, start, n)).dataSync();
      });
      for (let i = 0; i < n; i++) out[start + i] = values[i];
      this.calls++;
      this.rows += n;
    }
    return out;
  }

  /**
   * The gradient of each row's explained output with respect to that row,
   * and the outputs. One forward and one backward per batch: rows of a batch
   * do not interact in an eval-mode model, so d(sum of outputs)/d(row i) is
   * d(output i)/d(row i).
   */
  gradients(data: Float32Array, count: number, target: Target, wrap: <T>(f: () => T) => T = (f) => f()): { grads: Float32Array; values: Float64Array } {
    const d = this.featureSize;
    const grads = new Float32Array(count * d);
    const values = new Float64Array(count);
    for (let start = 0; start < count; start += this.rowsPerCall) {
      const n = Math.min(this.rowsPerCall, count - start);
      const t = sliceTarget(target, start, n);
      const g = tidy(() => {
        const x = tensor(data.subarray(start * d, (start + n) * d), [n, ...this.featureShape]);
        const f = (xi: Tensor) => {
          const perRow = selectTarget(this.op, this.fn(xi), t);
          const read = perRow.dataSync();
          for (let i = 0; i < n; i++) values[start + i] = read[i];
          return sum(perRow);
        };
        return wrap(() => valueAndGrad(f)(x)).grad.dataSync();
      });
      grads.set(g, start * d);
      this.calls++;
      this.rows += n;
    }
    return { grads, values };
  }
}

export function sliceTarget(target: Target, start: number, n: number): Target {
  if (target === undefined || typeof target === 'number') return target;
  return target.slice(start, start + n);
}
