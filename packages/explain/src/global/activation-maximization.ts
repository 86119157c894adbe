import { ArgumentError, Random, add, grad, mul, reshape, sub, sum, square, tensor, tidy, type Tensor } from '@neurite/core';
import type { Model } from '@neurite/layers';
import { positiveInt } from '../inputs.js';
import { cutAt } from '../layer-output.js';
import { asFunction, selectTarget, type Explainable } from '../model-fn.js';

export interface ActivationMaximizationOptions {
  /** A layer of a layers model whose output holds the neuron; default: the model's output (a class). */
  layer?: string;
  /** The neuron: a flat index into one example's layer output (a class index for the output). */
  unit: number;
  /** The input shape of one example; taken from the model when it is a layers Model. */
  inputShape?: readonly number[];
  /** Gradient ascent steps. Default 200. */
  steps?: number;
  /** Step size. Default 0.1. */
  learningRate?: number;
  /** L2 penalty on the input, keeping it in a plausible range. Default 0.01. */
  l2?: number;
  /** Clamp every input element to [min, max] after each step (e.g. [0, 1] for images). */
  range?: readonly [number, number];
  /** Start from small Gaussian noise with this seed (default 0); standard deviation 0.01. */
  seed?: number;
}

export interface ActivationMaximizationResult {
  /** The input that maximises the neuron, one example of `shape`. */
  input: Float32Array;
  shape: number[];
  /** The neuron's activation at the start and after every step. */
  trace: Float64Array;
  modelCalls: number;
}

/**
 * Activation maximisation (Erhan et al. 2009): gradient ascent on the input
 * to maximise one neuron (or class score) minus an L2 penalty, from small
 * noise. Each step is one forward and backward pass of one example.
 */
export function activationMaximization(model: Explainable, options: ActivationMaximizationOptions): ActivationMaximizationResult {
  const op = 'activationMaximization';
  const isModel = typeof model !== 'function';
  const shape = [...(options.inputShape ?? (isModel ? (model as Model).inputShape : []))];
  if (shape.length === 0) throw new ArgumentError(`${op}: pass inputShape (the shape of one example) when the model is a function`);
  const steps = positiveInt(op, 'steps', options.steps ?? 200);
  const lr = options.learningRate ?? 0.1;
  const l2 = options.l2 ?? 0.01;
  let neuron: (x: Tensor) => Tensor;
  if (options.layer !== undefined) {
    if (!isModel) throw new ArgumentError(`${op}: a layer can only be named for a layers Model`);
    const cut = cutAt(op, model as Model, options.layer);
    const size = cut.shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(options.unit) || options.unit < 0 || options.unit >= size) throw new ArgumentError(`${op}: unit ${options.unit} is not one of the ${size} outputs of layer '${options.layer}'`);
    neuron = (x) => selectTarget(op, reshape(cut.inner(x), [1, size]), options.unit);
  } else {
    const fn = asFunction(model);
    neuron = (x) => selectTarget(op, fn(x), options.unit);
  }
  const random = new Random(options.seed ?? 0);
  const d = shape.reduce((a, b) => a * b, 1);
  let current = Float32Array.from({ length: d }, () => 0.01 * random.normal());
  const trace = new Float64Array(steps + 1);
  const objective = (x: Tensor) => sub(sum(neuron(x)), mul(l2, sum(square(x))));
  for (let s = 0; s <= steps; s++) {
    const [value, next] = tidy(() => {
      const x = tensor(current, [1, ...shape]);
      const a = neuron(x).dataSync()[0];
      if (s === steps) return [a, current] as const;
      const g = grad(objective)(x);
      return [a, add(x, mul(g, lr)).dataSync() as Float32Array] as const;
    });
    trace[s] = value;
    current = Float32Array.from(next);
    if (options.range) for (let j = 0; j < d; j++) current[j] = Math.min(options.range[1], Math.max(options.range[0], current[j]));
  }
  return { input: current, shape, trace, modelCalls: 2 * steps + 1 };
}
