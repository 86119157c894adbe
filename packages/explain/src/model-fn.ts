import { ArgumentError, ShapeError, mul, oneHot, reshape, sum, tensor, type Tensor } from '@neurite/core';
import type { Model } from '@neurite/layers';

/** A differentiable function from a batch `[N, ...features]` to outputs `[N]` or `[N, K]`. */
export type ModelFunction = (x: Tensor) => Tensor;

/** Anything the methods explain: a layers `Model` (run in eval mode) or a plain function of tensors. */
export type Explainable = Model | ModelFunction;

/**
 * Which output to explain: a class index for all examples, one per example,
 * or undefined for a model with one output per example (`[N]` or `[N, 1]`).
 */
export type Target = number | readonly number[] | undefined;

export function asFunction(m: Explainable): ModelFunction {
  if (typeof m === 'function') return m;
  if (m !== null && typeof m === 'object' && typeof (m as Model).call === 'function') return (x) => (m as Model).call(x, false);
  throw new ArgumentError('explain: the model must be a layers Model or a function (x: Tensor) => Tensor');
}

/**
 * The explained scalar per example, `[N]`, picked from the outputs `y`
 * differentiably (a one-hot product, so a gradient flows only to the target).
 */
export function selectTarget(op: string, y: Tensor, target: Target): Tensor {
  const n = y.shape[0];
  if (y.rank === 1) {
    if (target !== undefined && target !== 0 && !(Array.isArray(target) && target.every((t) => t === 0))) {
      throw new ArgumentError(`${op}: the model has one output per example, so target must be 0 or left out, got ${JSON.stringify(target)}`);
    }
    return y;
  }
  const k = y.shape.slice(1).reduce((a, b) => a * b, 1);
  const flat = y.rank === 2 ? y : reshape(y, [n, k]);
  if (target === undefined) {
    if (k !== 1) throw new ArgumentError(`${op}: the model has ${k} outputs per example - pass target (a class index, or one per example)`);
    return reshape(flat, [n]);
  }
  const idx = typeof target === 'number' ? new Array<number>(n).fill(target) : [...target];
  if (idx.length !== n) throw new ShapeError(`${op}: ${idx.length} targets for ${n} examples - give one target per example, or one number for all`);
  for (const t of idx) {
    if (!Number.isInteger(t) || t < 0 || t >= k) throw new ArgumentError(`${op}: target ${t} is not an output index (0..${k - 1}) - pick a class of the model's output`);
  }
  return sum(mul(flat, oneHot(tensor(idx, [n], 'int32'), k)), 1);
}

/** Targets repeated for `copies` consecutive copies of each example (a batch of perturbations). */
export function repeatTarget(target: Target, n: number, copies: number): Target {
  if (target === undefined || typeof target === 'number') return target;
  if (target.length !== n) throw new ShapeError(`explain: ${target.length} targets for ${n} examples - give one target per example, or one number for all`);
  const out: number[] = [];
  for (const t of target) for (let c = 0; c < copies; c++) out.push(t);
  return out;
}
