/**
 * Gradients: Neurite's valueAndGrads against tf.valueAndGrads on the same
 * functions, with a seeded random dy (see checkGrads). Inputs stay clear of
 * the points where the two libraries pick different subgradients (ties in max
 * and maximum, 0 for relu and abs, base <= 0 for pow) rather than special-casing
 * them: only the derivative itself is compared.
 */
import { describe, it } from 'vitest';
import * as nt from '@neurite/core';
import type { Tensor } from '@neurite/core';
import { checkGrads } from './compare.js';
import { BINARY_INPUTS, BROADCASTS, MATMULS, inputs, type Binary, type Inputs } from './inputs.js';
import { usePeers } from './setup.js';
import { tf } from './tfjs.js';

usePeers();

interface Case {
  name: string;
  /**
   * The differentiable inputs. Anything else (indices, masks) is made inside the
   * functions, where checkGrads's scopes free it.
   */
  make: (r: Inputs) => Tensor[];
  ours: (...xs: Tensor[]) => Tensor;
  theirs: (...xs: tf.Tensor[]) => tf.Tensor;
}

function cases(family: string, list: Case[]): void {
  describe(family, () => {
    for (const c of list) {
      it(c.name, () => checkGrads(c.ours, c.theirs, c.make(inputs(`grad ${family}/${c.name}`))));
    }
  });
}


/**
 * tfjs 4.22's gradients of maximum, minimum and batched matMul do not sum
 * broadcast axes back (tfjs throws "The gradient of input 'a' has shape [3,4],
 * which does not match the shape of the input [3,1]"). Its operands are
 * broadcast first with tf.broadcastTo, whose gradient does the summing.
 */
function tfBroadcast(a: tf.Tensor, b: tf.Tensor, keep = 0): [tf.Tensor, tf.Tensor] {
  const lead = (t: tf.Tensor) => t.shape.slice(0, t.rank - keep);
  const shape = tf.backend_util.assertAndGetBroadcastShape(lead(a), lead(b));
  const to = (t: tf.Tensor) => tf.broadcastTo(t, [...shape, ...t.shape.slice(t.rank - keep)]);
  return [to(a), to(b)];
}

cases(
  'binary',
  (Object.keys(BINARY_INPUTS) as Binary[]).flatMap((op) =>
    BROADCASTS.map(([a, b]) => ({
      name: `${op} [${a}] [${b}]`,
      make: (r: Inputs) => BINARY_INPUTS[op](r, a, b),
      ours: (x: Tensor, y: Tensor) => nt[op](x, y),
      theirs: (x: tf.Tensor, y: tf.Tensor) => (op === 'maximum' || op === 'minimum' ? tf[op](...tfBroadcast(x, y)) : tf[op](x, y)),
    })),
  ),
);

type UnaryName =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' | 'reciprocal'
  | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'relu6' | 'elu' | 'selu' | 'softplus' | 'erf';

/** Domains where the derivative exists and stays moderate. */
const UNARY: Record<UnaryName, (r: Inputs, shape: number[]) => Tensor> = {
  neg: (r, s) => r.normal(s),
  abs: (r, s) => r.normal(s),
  sign: (r, s) => r.normal(s),
  exp: (r, s) => r.normal(s, 0, 2),
  expm1: (r, s) => r.normal(s, 0, 2),
  log: (r, s) => r.uniform(s, 0.1, 10),
  log1p: (r, s) => r.uniform(s, -0.9, 10),
  sqrt: (r, s) => r.uniform(s, 0.1, 10),
  rsqrt: (r, s) => r.uniform(s, 0.1, 10),
  square: (r, s) => r.normal(s, 0, 2),
  reciprocal: (r, s) => r.awayFromZero(s, 0.2, 5),
  sin: (r, s) => r.normal(s, 0, 3),
  cos: (r, s) => r.normal(s, 0, 3),
  tanh: (r, s) => r.normal(s, 0, 2),
  sigmoid: (r, s) => r.normal(s, 0, 3),
  relu: (r, s) => r.normal(s),
  relu6: (r, s) => r.uniform(s, -3, 9),
  elu: (r, s) => r.normal(s, 0, 2),
  selu: (r, s) => r.normal(s, 0, 2),
  softplus: (r, s) => r.normal(s, 0, 4),
  erf: (r, s) => r.normal(s, 0, 1.5),
};

/** tfjs-core has no gelu; the exact (erf) form from tfjs ops. */
function tfGelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

cases('unary', [
  ...(Object.keys(UNARY) as UnaryName[]).map((op) => ({
    name: op,
    make: (r: Inputs) => [UNARY[op](r, [4, 5])],
    ours: (x: Tensor) => nt[op](x),
    theirs: (x: tf.Tensor) => tf[op](x),
  })),
  { name: 'leakyRelu, alpha 0.1', make: (r) => [r.normal([4, 5])], ours: (x) => nt.leakyRelu(x, 0.1), theirs: (x) => tf.leakyRelu(x, 0.1) },
  { name: 'gelu', make: (r) => [r.normal([4, 5], 0, 2)], ours: (x) => nt.gelu(x), theirs: tfGelu },
  { name: 'clip to [-1, 1.5]', make: (r) => [r.normal([4, 5], 0, 2)], ours: (x) => nt.clip(x, -1, 1.5), theirs: (x) => tf.clipByValue(x, -1, 1.5) },
  {
    name: 'fan-out: x*x + sin(x) accumulates',
    make: (r) => [r.normal([6])],
    ours: (x) => nt.add(nt.mul(x, x), nt.sin(x)),
    theirs: (x) => tf.add(tf.mul(x, x), tf.sin(x)),
  },
]);


cases(
  'matMul',
  MATMULS.map(([a, b, transposeA, transposeB]) => ({
    name: `[${a}]${transposeA ? 'ᵀ' : ''} x [${b}]${transposeB ? 'ᵀ' : ''}`,
    make: (r: Inputs) => [r.normal(a), r.normal(b)],
    ours: (x: Tensor, y: Tensor) => nt.matMul(x, y, { transposeA, transposeB }),
    theirs: (x: tf.Tensor, y: tf.Tensor) => tf.matMul(...tfBroadcast(x, y, 2), transposeA, transposeB),
  })),
);

type Reduction = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'logSumExp';
const REDUCTIONS: Reduction[] = ['sum', 'mean', 'max', 'min', 'prod', 'logSumExp'];
const AXES: (number | number[] | undefined)[] = [undefined, 1, -1, [0, 2]];

cases('reductions over [2,3,4]', [
  ...REDUCTIONS.flatMap((op) =>
    AXES.flatMap((axes) =>
      [false, true].map((keepDims) => ({
        name: `${op} axes ${JSON.stringify(axes) ?? 'all'}${keepDims ? ' keepDims' : ''}`,
        // Continuous inputs: no tied maxima (tfjs gives each tie the full dy, Neurite shares it).
        make: (r: Inputs) => [op === 'prod' ? r.uniform([2, 3, 4], 0.5, 1.5) : r.normal([2, 3, 4], 0, 2)],
        ours: (x: Tensor) => nt[op](x, axes, keepDims),
        // tfjs's prod gradient fails on negative axes (it builds an invalid permutation).
        theirs: (x: tf.Tensor) => tf[op](x, axes === -1 ? 2 : axes, keepDims),
      })),
    ),
  ),
  ...AXES.map((axes) => ({
    name: `variance axes ${JSON.stringify(axes) ?? 'all'}`,
    make: (r: Inputs) => [r.normal([2, 3, 4], 1, 2)],
    ours: (x: Tensor) => nt.variance(x, axes),
    theirs: (x: tf.Tensor) => tf.moments(x, axes).variance,
  })),
]);

/** tfjs's softmax and logSoftmax take the last axis only; another axis is moved last and back. */
function onAxis1(f: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return (x) => tf.transpose(f(tf.transpose(x, [0, 2, 1])), [0, 2, 1]);
}
const NONE = tf.Reduction.NONE;
const ONE_HOT = [0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0];

cases('softmax and cross-entropy', [
  { name: 'softmax', make: (r) => [r.normal([4, 6], 0, 3)], ours: (x) => nt.softmax(x), theirs: (x) => tf.softmax(x) },
  { name: 'softmax axis 1 of [2,5,3]', make: (r) => [r.normal([2, 5, 3], 0, 3)], ours: (x) => nt.softmax(x, 1), theirs: onAxis1((x) => tf.softmax(x)) },
  { name: 'logSoftmax', make: (r) => [r.normal([4, 6], 0, 3)], ours: (x) => nt.logSoftmax(x), theirs: (x) => tf.logSoftmax(x) },
  {
    name: 'logSoftmax axis 1 of [2,5,3]',
    make: (r) => [r.normal([2, 5, 3], 0, 3)],
    ours: (x) => nt.logSoftmax(x, 1),
    theirs: onAxis1((x) => tf.logSoftmax(x)),
  },
  {
    name: 'softmaxCrossEntropyWithLogits, d/dlogits, one-hot labels',
    make: (r) => [r.normal([5, 3], 0, 3)],
    ours: (z) => nt.softmaxCrossEntropyWithLogits(nt.tensor(ONE_HOT, [5, 3]), z),
    theirs: (z) => tf.losses.softmaxCrossEntropy(tf.tensor(ONE_HOT, [5, 3]), z, undefined, 0, NONE),
  },
  // tfjs's custom gradient gives labels dy * (labels - softmax(logits)), which is not
  // the derivative (-logSoftmax(logits)); the labels' gradient is taken against the
  // loss built from tfjs ops instead.
  {
    name: 'softmaxCrossEntropyWithLogits, d/dlabels and d/dlogits, soft labels',
    make: (r) => [r.distributions([5, 6]), r.normal([5, 6], 0, 3)],
    ours: (y, z) => nt.softmaxCrossEntropyWithLogits(y, z),
    theirs: (y, z) => tf.neg(tf.sum(tf.mul(y, tf.logSoftmax(z)), -1)),
  },
  {
    name: 'sigmoidCrossEntropyWithLogits, d/dlabels and d/dlogits',
    // Logits away from 0: tfjs builds the loss from relu and abs, kinked there.
    make: (r) => [r.uniform([4, 5], 0, 1), r.awayFromZero([4, 5], 0.05, 8)],
    ours: (y, z) => nt.sigmoidCrossEntropyWithLogits(y, z),
    theirs: (y, z) => tf.losses.sigmoidCrossEntropy(y, z, undefined, 0, NONE),
  },
]);

cases('movement', [
  { name: 'transpose [2,0,1]', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.transpose(x, [2, 0, 1]), theirs: (x) => tf.transpose(x, [2, 0, 1]) },
  {
    name: 'slice [4,5,6] begin [1,0,2] size [2,-1,3]',
    make: (r) => [r.normal([4, 5, 6])],
    ours: (x) => nt.slice(x, [1, 0, 2], [2, -1, 3]),
    theirs: (x) => tf.slice(x, [1, 0, 2], [2, -1, 3]),
  },
  {
    name: 'concat axis 1 of [2,3] [2,1] [2,4]',
    make: (r) => [r.normal([2, 3]), r.normal([2, 1]), r.normal([2, 4])],
    ours: (...xs) => nt.concat(xs, 1),
    theirs: (...xs) => tf.concat(xs, 1),
  },
  {
    name: 'stack on axis 1',
    make: (r) => [r.normal([2, 3]), r.normal([2, 3])],
    ours: (...xs) => nt.stack(xs, 1),
    theirs: (...xs) => tf.stack(xs, 1),
  },
  {
    // The middle part is unused: its gradient must be zeros.
    name: 'split into [1,-1,2], two parts used',
    make: (r) => [r.normal([3, 5])],
    ours: (x) => {
      const [a, , c] = nt.split(x, [1, -1, 2], 1);
      return nt.concat([c, a], 1);
    },
    theirs: (x) => {
      const [a, , c] = tf.split(x, [1, -1, 2], 1);
      return tf.concat([c, a], 1);
    },
  },
  {
    name: 'gather rows with repeats accumulates',
    make: (r) => [r.normal([5, 3])],
    ours: (x) => nt.gather(x, nt.tensor([4, 0, 4, 2, 4], [5], 'int32'), 0),
    theirs: (x) => tf.gather(x, tf.tensor([4, 0, 4, 2, 4], [5], 'int32'), 0),
  },
  {
    name: 'gather axis 1 with 2-d indices',
    make: (r) => [r.normal([2, 5, 3])],
    ours: (x) => nt.gather(x, nt.tensor([[0, 2, 2], [1, 4, 0]], [2, 3], 'int32'), 1),
    theirs: (x) => tf.gather(x, tf.tensor([[0, 2, 2], [1, 4, 0]], [2, 3], 'int32'), 1),
  },
  {
    name: 'pad rank 3',
    make: (r) => [r.normal([2, 1, 3])],
    ours: (x) => nt.pad(x, [[0, 1], [2, 0], [1, 1]], 1.5),
    theirs: (x) => tf.pad(x, [[0, 1], [2, 0], [1, 1]], 1.5),
  },
  { name: 'tile [2,1,3] by [1,4,2]', make: (r) => [r.normal([2, 1, 3])], ours: (x) => nt.tile(x, [1, 4, 2]), theirs: (x) => tf.tile(x, [1, 4, 2]) },
  { name: 'broadcastTo [3,1] to [2,3,4]', make: (r) => [r.normal([3, 1])], ours: (x) => nt.broadcastTo(x, [2, 3, 4]), theirs: (x) => tf.broadcastTo(x, [2, 3, 4]) },
  { name: 'reverse axes [0,2]', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.reverse(x, [0, 2]), theirs: (x) => tf.reverse(x, [0, 2]) },
  {
    name: 'where, condition [3,1], a [3,4], b [4]',
    make: (r) => [r.normal([3, 4]), r.normal([4])],
    ours: (a, b) => nt.where(nt.tensor([[1], [0], [1]], [3, 1], 'int32'), a, b),
    theirs: (a, b) => tf.where(tf.tensor([[true], [false], [true]], [3, 1], 'bool'), a, b),
  },
]);

/** tfjs needs rank >= 2; a vector operand is a one-row or one-column matrix there. */
cases('matMul with vectors', [
  {
    name: '[5] x [5,4]',
    make: (r) => [r.normal([5]), r.normal([5, 4])],
    ours: (v, m) => nt.matMul(v, m),
    theirs: (v, m) => tf.reshape(tf.matMul(tf.reshape(v, [1, 5]), m), [4]),
  },
  {
    name: '[2,3,5] x [5]',
    make: (r) => [r.normal([2, 3, 5]), r.normal([5])],
    ours: (m, v) => nt.matMul(m, v),
    theirs: (m, v) => tf.reshape(tf.matMul(m, tf.broadcastTo(tf.reshape(v, [1, 5, 1]), [2, 5, 1])), [2, 3]),
  },
  {
    name: '[5] x [5]',
    make: (r) => [r.normal([5]), r.normal([5])],
    ours: (u, v) => nt.matMul(u, v),
    theirs: (u, v) => tf.reshape(tf.matMul(tf.reshape(u, [1, 5]), tf.reshape(v, [5, 1])), []),
  },
]);

/**
 * Second order: the gradient of a gradient, so the gradients' own ops are
 * differentiated (checkGrads then gives a Hessian-vector product). Only ops
 * whose tfjs gradient is a function of the inputs: tfjs 4.22 treats a saved
 * forward output (tanh, exp, sigmoid, softmax...) as a constant in a nested
 * gradient, so its second derivatives of those are wrong - d2/dx2 of x*tanh(x)
 * at 0.3 is 1.670 (Neurite in float64 agrees), tfjs gives 1.830 - or missing.
 */
cases('second order', [
  {
    name: 'x * sin(x)',
    make: (r) => [r.normal([6])],
    ours: (x) => nt.grad((t) => nt.sum(nt.mul(t, nt.sin(t))))(x),
    theirs: (x) => tf.grad((t) => tf.sum(tf.mul(t, tf.sin(t))))(x),
  },
  {
    name: 'log(x) / x^2 + cos(x)',
    make: (r) => [r.uniform([5], 0.5, 3)],
    ours: (x) => nt.grad((t) => nt.sum(nt.add(nt.div(nt.log(t), nt.square(t)), nt.cos(t))))(x),
    theirs: (x) => tf.grad((t) => tf.sum(tf.add(tf.div(tf.log(t), tf.square(t)), tf.cos(t))))(x),
  },
  {
    name: 'sum(square(a b)), for a',
    make: (r) => [r.normal([3, 4]), r.normal([4, 2])],
    ours: (a, b) => nt.grads((p, q) => nt.sum(nt.square(nt.matMul(p, q))))([a, b])[0],
    theirs: (a, b) => tf.grads((p: tf.Tensor, q: tf.Tensor) => tf.sum(tf.square(tf.matMul(p, q))))([a, b])[0],
  },
]);
