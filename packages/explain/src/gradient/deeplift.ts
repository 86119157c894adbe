import {
  abs,
  activationGrad,
  concat,
  div,
  fusedMatMul,
  greater,
  matMul,
  mul,
  reshape,
  slice,
  sub,
  sum,
  where,
  withGradientOverrides,
  type FusedActivation,
  type GradientOverride,
  type GradientOverrideNode,
  type Tensor,
} from '@neurite/core';
import { baselineRows, readRows, type Attribution, type Baseline } from '../inputs.js';
import type { Explainable, Target } from '../model-fn.js';
import { Runner, sliceTarget, type BatchOptions } from '../runner.js';
import { completeness } from './integrated-gradients.js';

export interface DeepLiftOptions extends BatchOptions {
  target?: Target;
  /** The reference input: a number, one example, or one per example. Default 0. */
  baseline?: Baseline;
}

export interface DeepLiftResult extends Attribution {
  /**
   * Per example: sum(attributions) - (f(x) - f(baseline)). The rescale rule
   * makes it zero (to float32 rounding) for networks of linear ops and
   * elementwise nonlinearities; ops it does not rewrite (a product of two
   * input-dependent tensors, max pooling, softmax's division) use their
   * gradient and can leave a nonzero delta. Explain logits, not softmax
   * probabilities, for exact summation-to-delta.
   */
  delta: Float64Array;
  outputs: Float64Array;
  baselineOutputs: Float64Array;
}

/** Elementwise nonlinearities whose derivative the rescale rule replaces. */
export const RESCALED_OPS = [
  'relu', 'relu6', 'leakyRelu', 'elu', 'selu', 'gelu', 'sigmoid', 'tanh', 'softplus', 'erf',
  'exp', 'expm1', 'log', 'log1p', 'sqrt', 'rsqrt', 'square', 'reciprocal', 'sin', 'cos', 'abs',
] as const;

/** Below this |x - x_ref| the rescale ratio is 0/0-like and the derivative is used instead (the limit of the ratio). */
const EPSILON = 1e-6;

function halves(t: Tensor, axis: number): [Tensor, Tensor] {
  const h = t.shape[axis] / 2;
  const size = [...t.shape];
  size[axis] = h;
  const begin = t.shape.map(() => 0);
  const second = [...begin];
  second[axis] = h;
  return [slice(t, begin, size), slice(t, second, size)];
}

/**
 * The rescale multiplier for y = f(z) along `axis`, whose first half is the
 * input and second half the reference: (y - y_ref) / (z - z_ref), used for
 * both halves, and the plain derivative where z is (almost) z_ref.
 */
function rescaled(dy: Tensor, z: Tensor, y: Tensor, axis: number, own: Tensor): Tensor {
  const [z1, z0] = halves(z, axis);
  const [y1, y0] = halves(y, axis);
  const dz = sub(z1, z0);
  const far = greater(abs(dz), EPSILON);
  const ratio = div(sub(y1, y0), where(far, dz, 1));
  const m = concat([ratio, ratio], axis);
  const farBoth = concat([far, far], axis);
  return where(farBoth, mul(dy, m), own);
}

const pairedAlong = (t: Tensor, axis: number) => t.rank > axis && t.shape[axis] % 2 === 0 && t.shape[axis] > 0;

const unaryRule: GradientOverride = (dy: Tensor, node: GradientOverrideNode) => {
  const z = node.inputs[0];
  if (!pairedAlong(z, 0)) return undefined;
  const own = node.gradient(dy)[0];
  if (own === null) return undefined;
  return [rescaled(dy, z, node.output, 0, own)];
};

/**
 * A dense layer's fused matMul + bias + activation: the linear part keeps
 * its gradient, the activation gets the rescale rule on the recomputed
 * pre-activation z (the output is [1, m, n]; examples are the m rows).
 */
const fusedRule: GradientOverride = (dy: Tensor, node: GradientOverrideNode) => {
  const attrs = node.attrs as { transposeA: boolean; transposeB: boolean; activation: FusedActivation };
  const [a3, b3, bias] = node.inputs;
  if (attrs.activation === 'linear' || attrs.transposeA) return undefined;
  const m = node.output.shape[1];
  const n = node.output.shape[2];
  if (m % 2 !== 0) return undefined;
  const a = reshape(a3, a3.shape.slice(1));
  const b = reshape(b3, b3.shape.slice(1));
  const y = reshape(node.output, [m, n]);
  const g = reshape(dy, [m, n]);
  const z = fusedMatMul(a, b, { bias, transposeB: attrs.transposeB });
  const dz = rescaled(g, z, y, 0, activationGrad(g, y, attrs.activation));
  const da = matMul(dz, b, { transposeB: !attrs.transposeB });
  const db = attrs.transposeB ? matMul(dz, a, { transposeA: true }) : matMul(a, dz, { transposeA: true });
  return [reshape(da, a3.shape), reshape(db, b3.shape), sum(dz, 0)];
};

/** The backward rules DeepLIFT (rescale) installs, by op name. Exported for tools that compose their own. */
export const DEEPLIFT_RULES: Readonly<Record<string, GradientOverride>> = Object.freeze({
  ...Object.fromEntries(RESCALED_OPS.map((name) => [name, unaryRule])),
  fusedMatMul: fusedRule,
});

/**
 * DeepLIFT with the rescale rule (Shrikumar et al. 2017). The input and the
 * reference run through the model in one batch (first half, second half),
 * and the backward pass replaces each recorded nonlinearity's derivative by
 * (f(z) - f(z_ref)) / (z - z_ref) of that very op call: the rules live in
 * core's autograd (`withGradientOverrides`), not in layer hooks, so a layer
 * used twice, or a function that is not a layers model, is handled per call.
 * Attributions are (x - x_ref) times those multipliers.
 */
export function deepLift(model: Explainable, x: Tensor, options: DeepLiftOptions = {}): DeepLiftResult {
  const op = 'deepLift';
  const rows = readRows(op, x);
  const { n, featureSize: d, data } = rows;
  const base = baselineRows(op, options.baseline, rows);
  const runner = new Runner(op, model, rows.featureShape, options, 2);
  const perCall = Math.max(1, Math.floor(runner.rowsPerCall / 2));
  const values = new Float32Array(n * d);
  const outputs = new Float64Array(n);
  const baselineOutputs = new Float64Array(n);
  for (let start = 0; start < n; start += perCall) {
    const c = Math.min(perCall, n - start);
    const pair = new Float32Array(2 * c * d);
    pair.set(data.subarray(start * d, (start + c) * d), 0);
    pair.set(base.subarray(start * d, (start + c) * d), c * d);
    const t = sliceTarget(options.target, start, c);
    const targets = t === undefined || typeof t === 'number' ? t : [...t, ...t];
    const { grads, values: f } = runner.gradients(pair, 2 * c, targets, (g) => withGradientOverrides(DEEPLIFT_RULES, g));
    for (let i = 0; i < c; i++) {
      outputs[start + i] = f[i];
      baselineOutputs[start + i] = f[c + i];
      for (let j = 0; j < d; j++) {
        const k = (start + i) * d + j;
        values[k] = (data[k] - base[k]) * grads[i * d + j];
      }
    }
  }
  return { shape: [n, ...rows.featureShape], values, modelCalls: runner.calls, evaluations: runner.rows, ...completeness(values, n, d, outputs, baselineOutputs), outputs, baselineOutputs };
}
