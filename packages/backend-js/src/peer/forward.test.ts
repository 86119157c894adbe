/**
 * Forward values of Neurite on backend-js against tfjs-core on its cpu
 * backend, on seeded random inputs (criterion in compare.ts).
 */
import { describe, it } from 'vitest';
import * as nt from '@neurite/core';
import type { Tensor } from '@neurite/core';
import { checkForward } from './compare.js';
import { BINARY_INPUTS, BROADCASTS, MATMULS, inputs, type Binary, type Inputs } from './inputs.js';
import { usePeers } from './setup.js';
import { tf } from './tfjs.js';

usePeers();

type Ours = (...xs: Tensor[]) => Tensor | Tensor[];
type Theirs = (...xs: tf.Tensor[]) => tf.Tensor | tf.Tensor[];

interface Case {
  name: string;
  make: (r: Inputs) => Tensor[];
  ours: Ours;
  theirs: Theirs;
}

function cases(family: string, list: Case[]): void {
  describe(family, () => {
    for (const c of list) {
      it(c.name, () => checkForward(c.ours, c.theirs, c.make(inputs(`${family}/${c.name}`))));
    }
  });
}


cases(
  'binary',
  (Object.keys(BINARY_INPUTS) as Binary[]).flatMap((op) =>
    BROADCASTS.map(([a, b]) => ({
      name: `${op} [${a}] [${b}]`,
      make: (r: Inputs) => BINARY_INPUTS[op](r, a, b),
      ours: (x: Tensor, y: Tensor) => nt[op](x, y),
      theirs: (x: tf.Tensor, y: tf.Tensor) => tf[op](x, y),
    })),
  ),
);

cases('binary with numbers and special operands', [
  { name: 'mul by a JS number', make: (r) => [r.normal([2, 3])], ours: (x) => nt.mul(x, 2.5), theirs: (x) => tf.mul(x, 2.5) },
  { name: 'number minus tensor', make: (r) => [r.normal([4])], ours: (x) => nt.sub(1, x), theirs: (x) => tf.sub(1, x) },
  {
    name: 'pow of negative bases to integer exponents',
    make: (r) => [r.normal([3, 4]), r.smallInts([4], 0, 4)],
    ours: (x, y) => nt.pow(x, y),
    theirs: (x, y) => tf.pow(x, y),
  },
  {
    name: 'maximum and minimum with ties',
    make: (r) => [r.smallInts([3, 4], -2, 3), r.smallInts([3, 4], -2, 3)],
    ours: (x, y) => [nt.maximum(x, y), nt.minimum(x, y)],
    theirs: (x, y) => [tf.maximum(x, y), tf.minimum(x, y)],
  },
  {
    name: 'div by zero gives infinities and NaN',
    make: (r) => [r.values([1, -1, 0, 2], [4]), r.values([0, 0, 0, 4], [4])],
    ours: (x, y) => nt.div(x, y),
    theirs: (x, y) => tf.div(x, y),
  },
]);

type UnaryName =
  | 'neg' | 'abs' | 'sign' | 'exp' | 'expm1' | 'log' | 'log1p' | 'sqrt' | 'rsqrt' | 'square' | 'reciprocal'
  | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'relu6' | 'elu' | 'selu' | 'softplus' | 'erf';

/** Each op's domain, and values at its edges: kinks, saturation, overflow, tiny arguments. */
const UNARY: Record<UnaryName, { make: (r: Inputs, shape: number[]) => Tensor; edges: number[] }> = {
  neg: { make: (r, s) => r.normal(s, 0, 3), edges: [0, 1e30, -1e-30] },
  abs: { make: (r, s) => r.normal(s, 0, 3), edges: [0, -1e30, 1e-30] },
  // Not NaN: tfjs's sign(NaN) is 0, Neurite's is NaN (NumPy's convention).
  sign: { make: (r, s) => r.normal(s, 0, 3), edges: [0, -1e-30, 1e-30] },
  exp: { make: (r, s) => r.normal(s, 0, 3), edges: [0, -100, 80, 100] },
  expm1: { make: (r, s) => r.normal(s, 0, 2), edges: [0, 1e-7, -1e-7, -50, 80] },
  log: { make: (r, s) => r.uniform(s, 0.01, 10), edges: [1, 0, -1, 1e-30, 1e30] },
  log1p: { make: (r, s) => r.uniform(s, -0.99, 10), edges: [0, 1e-7, -1, -2] },
  sqrt: { make: (r, s) => r.uniform(s, 0, 10), edges: [0, 1e-30, 1e30, -1] },
  rsqrt: { make: (r, s) => r.uniform(s, 0.01, 10), edges: [1, 0, 1e-20, 1e30] },
  square: { make: (r, s) => r.normal(s, 0, 3), edges: [0, 1e20, 1e-20] },
  reciprocal: { make: (r, s) => r.awayFromZero(s, 0.1, 5), edges: [0, 1e30, -1e-30] },
  sin: { make: (r, s) => r.normal(s, 0, 4), edges: [0, Math.PI, 100] },
  cos: { make: (r, s) => r.normal(s, 0, 4), edges: [0, Math.PI / 2, 100] },
  tanh: { make: (r, s) => r.normal(s, 0, 2), edges: [0, 20, -20, 1e-7] },
  sigmoid: { make: (r, s) => r.normal(s, 0, 3), edges: [0, 50, -50, 100, -100] },
  relu: { make: (r, s) => r.normal(s, 0, 3), edges: [0, -1e-30, 1e-30] },
  relu6: { make: (r, s) => r.uniform(s, -3, 9), edges: [0, 6, -1e-6, 6 + 1e-5, 100] },
  elu: { make: (r, s) => r.normal(s, 0, 2), edges: [0, -50, 1e-7, -1e-7] },
  selu: { make: (r, s) => r.normal(s, 0, 2), edges: [0, -50, 1e-7, -1e-7] },
  softplus: { make: (r, s) => r.normal(s, 0, 5), edges: [0, 20, -20, 100, -100] },
  erf: { make: (r, s) => r.normal(s, 0, 1.5), edges: [0, 6, -6, 1e-7] },
};

cases(
  'unary',
  (Object.keys(UNARY) as UnaryName[]).flatMap((op) => [
    {
      name: op,
      make: (r: Inputs) => [UNARY[op].make(r, [4, 5])],
      ours: (x: Tensor) => nt[op](x),
      theirs: (x: tf.Tensor) => tf[op](x),
    },
    {
      name: `${op} at [${UNARY[op].edges}]`,
      make: (r: Inputs) => [r.values(UNARY[op].edges, [UNARY[op].edges.length])],
      ours: (x: Tensor) => nt[op](x),
      theirs: (x: tf.Tensor) => tf[op](x),
    },
  ]),
);

/** tfjs-core has no gelu; this is the exact (erf) form Neurite implements, from tfjs ops. */
function tfGelu(x: tf.Tensor): tf.Tensor {
  return tf.mul(tf.mul(x, 0.5), tf.add(1, tf.erf(tf.mul(x, Math.SQRT1_2))));
}

cases('unary with parameters or no tfjs kernel', [
  { name: 'leakyRelu, default alpha', make: (r) => [r.normal([4, 5])], ours: (x) => nt.leakyRelu(x), theirs: (x) => tf.leakyRelu(x) },
  { name: 'leakyRelu, alpha 0.01', make: (r) => [r.normal([4, 5])], ours: (x) => nt.leakyRelu(x, 0.01), theirs: (x) => tf.leakyRelu(x, 0.01) },
  { name: 'gelu', make: (r) => [r.normal([4, 5], 0, 2)], ours: (x) => nt.gelu(x), theirs: tfGelu },
  { name: 'gelu at [0, ±1e-7, ±10]', make: (r) => [r.values([0, 1e-7, -1e-7, 10, -10], [5])], ours: (x) => nt.gelu(x), theirs: tfGelu },
]);

type Comparison = 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';
const COMPARISONS: Comparison[] = ['equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];

cases('comparisons, where, clip, cast', [
  // Small integers so that equal values occur; tfjs returns bool, Neurite an int32 mask.
  ...COMPARISONS.map((op) => ({
    name: `${op} [3,4] [4]`,
    make: (r: Inputs) => [r.smallInts([3, 4], -2, 3), r.smallInts([4], -2, 3)],
    ours: (x: Tensor, y: Tensor) => nt[op](x, y),
    theirs: (x: tf.Tensor, y: tf.Tensor) => tf[op](x, y),
  })),
  {
    name: 'where, condition [3,1], a [3,4], b [4]',
    make: (r) => [r.int32([3, 1], 0, 2), r.normal([3, 4]), r.normal([4])],
    ours: (c, a, b) => nt.where(c, a, b),
    theirs: (c, a, b) => tf.where(tf.cast(c, 'bool'), a, b),
  },
  {
    name: 'where, same shapes',
    make: (r) => [r.int32([2, 5], 0, 2), r.normal([2, 5]), r.normal([2, 5])],
    ours: (c, a, b) => nt.where(c, a, b),
    theirs: (c, a, b) => tf.where(tf.cast(c, 'bool'), a, b),
  },
  { name: 'clip to [-1, 1.5]', make: (r) => [r.normal([4, 5], 0, 2)], ours: (x) => nt.clip(x, -1, 1.5), theirs: (x) => tf.clipByValue(x, -1, 1.5) },
  { name: 'cast float32 to int32 truncates', make: (r) => [r.normal([4, 5], 0, 5)], ours: (x) => nt.cast(x, 'int32'), theirs: (x) => tf.cast(x, 'int32') },
  { name: 'cast int32 to float32', make: (r) => [r.int32([6], -100, 100)], ours: (x) => nt.cast(x, 'float32'), theirs: (x) => tf.cast(x, 'float32') },
]);

/** The shared products, plus shapes that only the forward check can afford at this size. */
const FORWARD_MATMULS: [number[], number[], boolean, boolean][] = [
  ...MATMULS,
  [[70, 33], [65, 70], true, true],
  [[1, 129], [129, 1], false, false],
];

cases(
  'matMul',
  FORWARD_MATMULS.map(([a, b, transposeA, transposeB]) => ({
    name: `[${a}]${transposeA ? 'ᵀ' : ''} x [${b}]${transposeB ? 'ᵀ' : ''}`,
    make: (r: Inputs) => [r.normal(a), r.normal(b)],
    ours: (x: Tensor, y: Tensor) => nt.matMul(x, y, { transposeA, transposeB }),
    theirs: (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB),
  })).concat({
    // tfjs-backend-cpu 4.22 broadcasts batches only when one side's flattened
    // batch is 1 or both are equal: here (batch [2,1] against [3]) it returns a
    // [2,3,3,4] tensor holding 36 values. So tfjs gets the operands broadcast.
    name: '[2,1,3,5] x [3,5,4], batches broadcast on both sides',
    make: (r: Inputs) => [r.normal([2, 1, 3, 5]), r.normal([3, 5, 4])],
    ours: (x: Tensor, y: Tensor) => nt.matMul(x, y),
    theirs: (x: tf.Tensor, y: tf.Tensor) => tf.matMul(tf.broadcastTo(x, [2, 3, 3, 5]), tf.broadcastTo(y, [2, 3, 5, 4])),
  }),
);

type Reduction = 'sum' | 'mean' | 'max' | 'min' | 'prod' | 'logSumExp';
const REDUCTIONS: Reduction[] = ['sum', 'mean', 'max', 'min', 'prod', 'logSumExp'];
const AXES: (number | number[] | undefined)[] = [undefined, 0, 1, -1, [0, 2], [1, 2]];

cases(
  'reductions over [2,3,4]',
  REDUCTIONS.flatMap((op) =>
    AXES.flatMap((axes) =>
      [false, true].map((keepDims) => ({
        name: `${op} axes ${JSON.stringify(axes) ?? 'all'}${keepDims ? ' keepDims' : ''}`,
        // prod over 24 values of N(0,1) would underflow toward 0; keep factors near 1.
        make: (r: Inputs) => [op === 'prod' ? r.uniform([2, 3, 4], 0.5, 1.5) : r.normal([2, 3, 4], 0, 2)],
        ours: (x: Tensor) => nt[op](x, axes, keepDims),
        theirs: (x: tf.Tensor) => tf[op](x, axes, keepDims),
      })),
    ),
  ),
);

cases('argMax, argMin, variance', [
  ...(['argMax', 'argMin'] as const).flatMap((op) =>
    [0, 1, 2, -1].map((axis) => ({
      name: `${op} axis ${axis}`,
      make: (r: Inputs) => [r.normal([2, 3, 4])],
      ours: (x: Tensor) => nt[op](x, axis),
      theirs: (x: tf.Tensor) => tf[op](x, axis),
    })),
  ),
  ...(['argMax', 'argMin'] as const).map((op) => ({
    name: `${op} with ties picks the first`,
    make: (r: Inputs) => [r.smallInts([4, 6], 0, 3)],
    ours: (x: Tensor) => nt[op](x, 1),
    theirs: (x: tf.Tensor) => tf[op](x, 1),
  })),
  ...AXES.flatMap((axes) =>
    [false, true].map((keepDims) => ({
      name: `variance axes ${JSON.stringify(axes) ?? 'all'}${keepDims ? ' keepDims' : ''}`,
      make: (r: Inputs) => [r.normal([2, 3, 4], 1, 2)],
      ours: (x: Tensor) => nt.variance(x, axes, keepDims),
      theirs: (x: tf.Tensor) => tf.moments(x, axes, keepDims).variance,
    })),
  ),
]);

cases('movement', [
  { name: 'transpose reverses axes by default', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.transpose(x), theirs: (x) => tf.transpose(x) },
  { name: 'transpose [2,0,1]', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.transpose(x, [2, 0, 1]), theirs: (x) => tf.transpose(x, [2, 0, 1]) },
  { name: 'transpose [1,0,2]', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.transpose(x, [1, 0, 2]), theirs: (x) => tf.transpose(x, [1, 0, 2]) },
  {
    name: 'slice [4,5,6] begin [1,0,2] size [2,-1,3]',
    make: (r) => [r.normal([4, 5, 6])],
    ours: (x) => nt.slice(x, [1, 0, 2], [2, -1, 3]),
    theirs: (x) => tf.slice(x, [1, 0, 2], [2, -1, 3]),
  },
  { name: 'slice with begin only', make: (r) => [r.normal([4, 5, 6])], ours: (x) => nt.slice(x, [1, 2]), theirs: (x) => tf.slice(x, [1, 2]) },
  {
    name: 'concat axis 1 of [2,3] [2,1] [2,4]',
    make: (r) => [r.normal([2, 3]), r.normal([2, 1]), r.normal([2, 4])],
    ours: (...xs) => nt.concat(xs, 1),
    theirs: (...xs) => tf.concat(xs, 1),
  },
  { name: 'concat axis 0', make: (r) => [r.normal([1, 3]), r.normal([2, 3])], ours: (...xs) => nt.concat(xs, 0), theirs: (...xs) => tf.concat(xs, 0) },
  {
    name: 'concat axis -1, rank 3',
    make: (r) => [r.normal([2, 3, 1]), r.normal([2, 3, 2])],
    ours: (...xs) => nt.concat(xs, -1),
    theirs: (...xs) => tf.concat(xs, -1),
  },
  ...[0, 1, 2].map((axis) => ({
    name: `stack three [2,3] on axis ${axis}`,
    make: (r: Inputs) => [r.normal([2, 3]), r.normal([2, 3]), r.normal([2, 3])],
    ours: (...xs: Tensor[]) => nt.stack(xs, axis),
    theirs: (...xs: tf.Tensor[]) => tf.stack(xs, axis),
  })),
  { name: 'split [6,4] in 3 on axis 0', make: (r) => [r.normal([6, 4])], ours: (x) => nt.split(x, 3, 0), theirs: (x) => tf.split(x, 3, 0) },
  {
    name: 'split [3,5] into sizes [1,-1,2] on axis 1',
    make: (r) => [r.normal([3, 5])],
    ours: (x) => nt.split(x, [1, -1, 2], 1),
    theirs: (x) => tf.split(x, [1, -1, 2], 1),
  },
  {
    name: 'gather rows with repeats',
    make: (r) => [r.normal([5, 3]), r.values([4, 0, 4, 2], [4], 'int32')],
    ours: (x, i) => nt.gather(x, i, 0),
    theirs: (x, i) => tf.gather(x, i, 0),
  },
  {
    name: 'gather axis 1 with 2-d indices',
    make: (r) => [r.normal([2, 5, 3]), r.int32([2, 3], 0, 5)],
    ours: (x, i) => nt.gather(x, i, 1),
    theirs: (x, i) => tf.gather(x, i, 1),
  },
  {
    name: 'pad [[1,0],[2,3]] with 0',
    make: (r) => [r.normal([2, 3])],
    ours: (x) => nt.pad(x, [[1, 0], [2, 3]]),
    theirs: (x) => tf.pad(x, [[1, 0], [2, 3]]),
  },
  {
    name: 'pad rank 3 with 1.5',
    make: (r) => [r.normal([2, 1, 3])],
    ours: (x) => nt.pad(x, [[0, 1], [2, 0], [1, 1]], 1.5),
    theirs: (x) => tf.pad(x, [[0, 1], [2, 0], [1, 1]], 1.5),
  },
  { name: 'broadcastTo [3,1] to [2,3,4]', make: (r) => [r.normal([3, 1])], ours: (x) => nt.broadcastTo(x, [2, 3, 4]), theirs: (x) => tf.broadcastTo(x, [2, 3, 4]) },
  { name: 'broadcastTo [4] to [3,4]', make: (r) => [r.normal([4])], ours: (x) => nt.broadcastTo(x, [3, 4]), theirs: (x) => tf.broadcastTo(x, [3, 4]) },
  { name: 'tile [2,3] by [2,3]', make: (r) => [r.normal([2, 3])], ours: (x) => nt.tile(x, [2, 3]), theirs: (x) => tf.tile(x, [2, 3]) },
  { name: 'tile [2,1,3] by [1,4,2]', make: (r) => [r.normal([2, 1, 3])], ours: (x) => nt.tile(x, [1, 4, 2]), theirs: (x) => tf.tile(x, [1, 4, 2]) },
  { name: 'reverse axis 0', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.reverse(x, 0), theirs: (x) => tf.reverse(x, 0) },
  { name: 'reverse axes [0,2]', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.reverse(x, [0, 2]), theirs: (x) => tf.reverse(x, [0, 2]) },
  { name: 'reverse all axes', make: (r) => [r.normal([2, 3, 4])], ours: (x) => nt.reverse(x), theirs: (x) => tf.reverse(x) },
  {
    name: 'oneHot with out-of-range indices',
    make: (r) => [r.values([0, 3, -1, 2, 4, 1], [2, 3], 'int32')],
    ours: (i) => nt.oneHot(i, 4),
    theirs: (i) => tf.oneHot(i, 4, 1, 0, 'float32'),
  },
  {
    name: 'oneHot on 5 off -1',
    make: (r) => [r.int32([5], 0, 3)],
    ours: (i) => nt.oneHot(i, 3, 5, -1),
    theirs: (i) => tf.oneHot(i, 3, 5, -1, 'float32'),
  },
]);

/** tfjs's softmax and logSoftmax take the last axis only; another axis is moved last and back. */
function onAxis1(f: (x: tf.Tensor) => tf.Tensor): (x: tf.Tensor) => tf.Tensor {
  return (x) => tf.transpose(f(tf.transpose(x, [0, 2, 1])), [0, 2, 1]);
}
const NONE = tf.Reduction.NONE;

cases('softmax and cross-entropy', [
  { name: 'softmax', make: (r) => [r.normal([4, 6], 0, 3)], ours: (x) => nt.softmax(x), theirs: (x) => tf.softmax(x) },
  { name: 'softmax of large logits', make: (r) => [r.normal([4, 6], 0, 300)], ours: (x) => nt.softmax(x), theirs: (x) => tf.softmax(x) },
  { name: 'softmax axis 1 of [2,5,3]', make: (r) => [r.normal([2, 5, 3], 0, 3)], ours: (x) => nt.softmax(x, 1), theirs: onAxis1((x) => tf.softmax(x)) },
  { name: 'logSoftmax', make: (r) => [r.normal([4, 6], 0, 3)], ours: (x) => nt.logSoftmax(x), theirs: (x) => tf.logSoftmax(x) },
  { name: 'logSoftmax of large logits', make: (r) => [r.normal([4, 6], 0, 300)], ours: (x) => nt.logSoftmax(x), theirs: (x) => tf.logSoftmax(x) },
  { name: 'logSoftmax axis 1 of [2,5,3]', make: (r) => [r.normal([2, 5, 3], 0, 3)], ours: (x) => nt.logSoftmax(x, 1), theirs: onAxis1((x) => tf.logSoftmax(x)) },
  {
    name: 'softmaxCrossEntropyWithLogits, soft labels',
    make: (r) => [r.distributions([5, 6]), r.normal([5, 6], 0, 3)],
    ours: (y, z) => nt.softmaxCrossEntropyWithLogits(y, z),
    theirs: (y, z) => tf.losses.softmaxCrossEntropy(y, z, undefined, 0, NONE),
  },
  {
    name: 'softmaxCrossEntropyWithLogits, one-hot labels, large logits',
    make: (r) => [r.values([0, 0, 1, 1, 0, 0, 0, 1, 0, 0, 0, 1], [4, 3]), r.normal([4, 3], 0, 100)],
    ours: (y, z) => nt.softmaxCrossEntropyWithLogits(y, z),
    theirs: (y, z) => tf.losses.softmaxCrossEntropy(y, z, undefined, 0, NONE),
  },
  {
    name: 'sigmoidCrossEntropyWithLogits',
    make: (r) => [r.uniform([4, 5], 0, 1), r.normal([4, 5], 0, 4)],
    ours: (y, z) => nt.sigmoidCrossEntropyWithLogits(y, z),
    theirs: (y, z) => tf.losses.sigmoidCrossEntropy(y, z, undefined, 0, NONE),
  },
  {
    name: 'sigmoidCrossEntropyWithLogits at large logits',
    make: (r) => [r.values([0, 1, 0, 1, 0.5, 0.5], [6]), r.values([50, -50, -50, 50, 100, -100], [6])],
    ours: (y, z) => nt.sigmoidCrossEntropyWithLogits(y, z),
    theirs: (y, z) => tf.losses.sigmoidCrossEntropy(y, z, undefined, 0, NONE),
  },
]);

cases('edge values, shapes and dtypes', [
  {
    name: 'pow at 0^0, 0^-1, (-8)^(1/3), 2^200',
    make: (r) => [r.values([0, 0, -8, 2], [4]), r.values([0, -1, 1 / 3, 200], [4])],
    ours: (x, y) => nt.pow(x, y),
    theirs: (x, y) => tf.pow(x, y),
  },
  {
    name: 'maximum and minimum propagate NaN',
    make: (r) => [r.values([NaN, 1, NaN], [3]), r.values([1, NaN, NaN], [3])],
    ours: (x, y) => [nt.maximum(x, y), nt.minimum(x, y)],
    theirs: (x, y) => [tf.maximum(x, y), tf.minimum(x, y)],
  },
  {
    name: 'int32 add, sub, mul stay int32',
    make: (r) => [r.int32([3, 4], -50, 50), r.int32([4], -50, 50)],
    ours: (x, y) => [nt.add(x, y), nt.sub(x, y), nt.mul(x, y)],
    theirs: (x, y) => [tf.add(x, y), tf.sub(x, y), tf.mul(x, y)],
  },
  {
    // int32 division floors, like TensorFlow (and NumPy's //); negative quotients tell floor from truncation.
    name: 'int32 div floors',
    make: (r) => [r.values([7, -7, 7, -7, 6, 0], [6], 'int32'), r.values([2, 2, -2, -2, 3, 5], [6], 'int32')],
    ours: (x, y) => nt.div(x, y),
    theirs: (x, y) => tf.div(x, y),
  },
  {
    name: 'int32 plus float32 is float32',
    make: (r) => [r.int32([2, 3], -5, 5), r.normal([3])],
    ours: (x, y) => nt.add(x, y),
    theirs: (x, y) => tf.add(tf.cast(x, 'float32'), y),
  },
  { name: 'exp of a scalar', make: (r) => [r.normal([])], ours: (x) => nt.exp(x), theirs: (x) => tf.exp(x) },
  { name: 'sum of a scalar', make: (r) => [r.normal([])], ours: (x) => nt.sum(x), theirs: (x) => tf.sum(x) },
  { name: 'add of zero-size [0,3] and [3]', make: (r) => [r.normal([0, 3]), r.normal([3])], ours: (x, y) => nt.add(x, y), theirs: (x, y) => tf.add(x, y) },
  // Not mean: over an empty axis tfjs gives 0, Neurite NaN (0/0, as NumPy and PyTorch).
  {
    name: 'sum and prod over an empty axis',
    make: (r) => [r.normal([0, 3])],
    ours: (x) => [nt.sum(x, 0), nt.prod(x, 0)],
    theirs: (x) => [tf.sum(x, 0), tf.prod(x, 0)],
  },
  { name: 'matMul with inner size 0', make: (r) => [r.normal([2, 0]), r.normal([0, 3])], ours: (x, y) => nt.matMul(x, y), theirs: (x, y) => tf.matMul(x, y) },
  { name: 'concat with an empty piece', make: (r) => [r.normal([2, 0]), r.normal([2, 3])], ours: (...xs) => nt.concat(xs, 1), theirs: (...xs) => tf.concat(xs, 1) },
  { name: 'slice of size 0', make: (r) => [r.normal([3, 4])], ours: (x) => nt.slice(x, [1, 2], [0, 2]), theirs: (x) => tf.slice(x, [1, 2], [0, 2]) },
  { name: 'sum of 100000 values', make: (r) => [r.uniform([100000], 0, 1)], ours: (x) => nt.sum(x), theirs: (x) => tf.sum(x) },
  { name: 'mean over a long axis of [4,20000]', make: (r) => [r.normal([4, 20000], 3, 1)], ours: (x) => nt.mean(x, 1), theirs: (x) => tf.mean(x, 1) },
  { name: 'logSumExp over 10000 values', make: (r) => [r.normal([10000], 0, 5)], ours: (x) => nt.logSumExp(x), theirs: (x) => tf.logSumExp(x) },
  { name: 'matMul with inner size 1000', make: (r) => [r.normal([16, 1000]), r.normal([1000, 8])], ours: (x, y) => nt.matMul(x, y), theirs: (x, y) => tf.matMul(x, y) },
  { name: 'softmax over rows of 1000', make: (r) => [r.normal([3, 1000], 0, 4)], ours: (x) => nt.softmax(x), theirs: (x) => tf.softmax(x) },
]);

/** [a, b, transposeA, transposeB] across the blocked kernel's edges: 4x4 tiles, 64-row and 256-deep blocks. */
const LARGE_MATMULS: [number[], number[], boolean, boolean][] = [
  [[65, 257], [257, 7], false, false],
  [[600, 130], [5, 600], true, true],
  [[3, 1], [1, 65], false, false],
  [[3, 65, 300], [3, 9, 300], false, true],
  [[2, 256, 66], [256, 3], true, false],
];

cases('larger sizes and ranks', [
  ...LARGE_MATMULS.map(([a, b, transposeA, transposeB]) => ({
    name: `matMul [${a}]${transposeA ? 'ᵀ' : ''} x [${b}]${transposeB ? 'ᵀ' : ''}`,
    make: (r: Inputs) => [r.normal(a), r.normal(b)],
    ours: (x: Tensor, y: Tensor) => nt.matMul(x, y, { transposeA, transposeB }),
    theirs: (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, transposeA, transposeB),
  })),
  { name: 'transpose rank 4 [3,1,0,2]', make: (r) => [r.normal([2, 3, 4, 5])], ours: (x) => nt.transpose(x, [3, 1, 0, 2]), theirs: (x) => tf.transpose(x, [3, 1, 0, 2]) },
  { name: 'transpose rank 5', make: (r) => [r.normal([2, 3, 1, 4, 5])], ours: (x) => nt.transpose(x, [4, 2, 0, 3, 1]), theirs: (x) => tf.transpose(x, [4, 2, 0, 3, 1]) },
  { name: 'transpose [130,67]', make: (r) => [r.normal([130, 67])], ours: (x) => nt.transpose(x), theirs: (x) => tf.transpose(x) },
  {
    name: 'mul [2,1,1,3,5] [4,1,5]',
    make: (r) => [r.normal([2, 1, 1, 3, 5]), r.normal([4, 1, 5])],
    ours: (x, y) => nt.mul(x, y),
    theirs: (x, y) => tf.mul(x, y),
  },
  { name: 'sub [3,4] [3,1]', make: (r) => [r.normal([3, 4]), r.normal([3, 1])], ours: (x, y) => nt.sub(x, y), theirs: (x, y) => tf.sub(x, y) },
  { name: 'add [64,1] [1,300]', make: (r) => [r.normal([64, 1]), r.normal([1, 300])], ours: (x, y) => nt.add(x, y), theirs: (x, y) => tf.add(x, y) },
  { name: 'sum rank 4 over [1,3]', make: (r) => [r.normal([2, 3, 4, 5])], ours: (x) => nt.sum(x, [1, 3]), theirs: (x) => tf.sum(x, [1, 3]) },
  { name: 'max rank 4 over [0,2] keepDims', make: (r) => [r.normal([2, 3, 4, 5])], ours: (x) => nt.max(x, [0, 2], true), theirs: (x) => tf.max(x, [0, 2], true) },
  { name: 'argMax over 5000 on axis 0', make: (r) => [r.normal([5000, 3])], ours: (x) => nt.argMax(x, 0), theirs: (x) => tf.argMax(x, 0) },
  { name: 'gather on axis -1', make: (r) => [r.normal([3, 4]), r.int32([5], 0, 4)], ours: (x, i) => nt.gather(x, i, -1), theirs: (x, i) => tf.gather(x, i, -1) },
  { name: 'stack on axis -1', make: (r) => [r.normal([2, 3]), r.normal([2, 3])], ours: (...xs) => nt.stack(xs, -1), theirs: (...xs) => tf.stack(xs, -1) },
  { name: 'reverse axis -1, rank 4', make: (r) => [r.normal([2, 3, 4, 5])], ours: (x) => nt.reverse(x, -1), theirs: (x) => tf.reverse(x, -1) },
  {
    name: 'slice rank 4',
    make: (r) => [r.normal([3, 4, 5, 6])],
    ours: (x) => nt.slice(x, [1, 1, 0, 2], [2, 2, 5, 3]),
    theirs: (x) => tf.slice(x, [1, 1, 0, 2], [2, 2, 5, 3]),
  },
  {
    name: 'pad rank 4',
    make: (r) => [r.normal([2, 3, 2, 3])],
    ours: (x) => nt.pad(x, [[1, 1], [0, 2], [3, 0], [1, 2]], -2),
    theirs: (x) => tf.pad(x, [[1, 1], [0, 2], [3, 0], [1, 2]], -2),
  },
  { name: 'tile rank 4', make: (r) => [r.normal([2, 1, 3, 2])], ours: (x) => nt.tile(x, [2, 3, 1, 2]), theirs: (x) => tf.tile(x, [2, 3, 1, 2]) },
  { name: 'concat int32', make: (r) => [r.int32([2, 2], -9, 9), r.int32([2, 3], -9, 9)], ours: (...xs) => nt.concat(xs, 1), theirs: (...xs) => tf.concat(xs, 1) },
  { name: 'gather int32', make: (r) => [r.int32([4, 3], -9, 9), r.int32([6], 0, 4)], ours: (x, i) => nt.gather(x, i), theirs: (x, i) => tf.gather(x, i) },
]);
