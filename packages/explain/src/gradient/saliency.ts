import type { Tensor } from '@neurite/core';
import { readRows, type Attribution } from '../inputs.js';
import type { Explainable, Target } from '../model-fn.js';
import { Runner, type BatchOptions } from '../runner.js';

export interface SaliencyOptions extends BatchOptions {
  target?: Target;
  /** Absolute gradients (the classic saliency map) instead of signed ones. Default false. */
  absolute?: boolean;
}

/** Saliency (Simonyan et al. 2014): the gradient of the target output with respect to each input element. */
export function saliency(model: Explainable, x: Tensor, options: SaliencyOptions = {}): Attribution {
  const rows = readRows('saliency', x);
  const runner = new Runner('saliency', model, rows.featureShape, options);
  const { grads } = runner.gradients(rows.data, rows.n, options.target);
  if (options.absolute) for (let i = 0; i < grads.length; i++) grads[i] = Math.abs(grads[i]);
  return { shape: [rows.n, ...rows.featureShape], values: grads, modelCalls: runner.calls, evaluations: runner.rows };
}

export interface GradientXInputOptions extends BatchOptions {
  target?: Target;
}

/** Gradient times input: for a linear model w.x + b it is w * x, each feature's term of the sum. */
export function gradientXInput(model: Explainable, x: Tensor, options: GradientXInputOptions = {}): Attribution {
  const rows = readRows('gradientXInput', x);
  const runner = new Runner('gradientXInput', model, rows.featureShape, options);
  const { grads } = runner.gradients(rows.data, rows.n, options.target);
  for (let i = 0; i < grads.length; i++) grads[i] *= rows.data[i];
  return { shape: [rows.n, ...rows.featureShape], values: grads, modelCalls: runner.calls, evaluations: runner.rows };
}
