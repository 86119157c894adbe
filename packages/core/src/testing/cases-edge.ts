import { expect } from 'vitest';
import * as nn from '../index.js';
import type { Tensor } from '../index.js';
import { rngFor, type Case } from './case.js';
import { EXACT, FLOAT32, SUMMATION, TRANSCENDENTAL, expectValues, type Tolerance } from './compare.js';
import { forwardCase, opCases } from './forward.js';
import { input, int32, standard } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';

const abs = (x: R.Ref) => R.map(x, Math.abs);

/** Zero-size tensors flow through every op family; sums over nothing are 0 and products 1. */
function zeroSizeCases(): Case[] {
  const specs: OpSpec[] = [
    { op: 'add', variant: 'zero-size [0,3]x[1,3]', inputs: [input([0, 3]), input([1, 3])], fn: nn.add, ref: (a, b) => R.zip(a, b, (x, y) => x + y) },
    { op: 'exp', variant: 'zero-size', inputs: [input([0])], fn: nn.exp, ref: (x) => R.map(x, Math.exp) },
    { op: 'less', variant: 'zero-size', inputs: [input([2, 0]), input([1])], fn: nn.less, ref: (a, b) => R.zip(a, b, (x, y) => +(x < y)), dtype: 'int32', grad: false },
    { op: 'sum', variant: 'over an empty axis', inputs: [input([0, 3])], fn: (x) => nn.sum(x, 0), ref: (x) => R.reduce(x, 0, false, R.folds.sum) },
    { op: 'sum', variant: 'zero-size, keeping the empty axis', inputs: [input([0, 3])], fn: (x) => nn.sum(x, 1), ref: (x) => R.reduce(x, 1, false, R.folds.sum) },
    { op: 'sum', variant: 'all of a zero-size tensor', inputs: [input([2, 0])], fn: (x) => nn.sum(x), ref: (x) => R.reduce(x, undefined, false, R.folds.sum) },
    { op: 'prod', variant: 'over an empty axis', inputs: [input([3, 0])], fn: (x) => nn.prod(x, 1), ref: (x) => R.reduce(x, 1, false, R.folds.prod), grad: false },
    { op: 'matMul', variant: '[2,0]x[0,3] gives zeros', inputs: [input([2, 0]), input([0, 3])], fn: (a, b) => nn.matMul(a, b), ref: (a, b) => R.matMul(a, b) },
    { op: 'matMul', variant: '[0,4]x[4,3]', inputs: [input([0, 4]), input([4, 3])], fn: (a, b) => nn.matMul(a, b), ref: (a, b) => R.matMul(a, b) },
    { op: 'concat', variant: 'with an empty part on axis 1', inputs: [input([2, 0]), input([2, 3])], fn: (a, b) => nn.concat([a, b], 1), ref: (a, b) => R.concat([a, b], 1) },
    { op: 'concat', variant: 'with an empty part on axis 0', inputs: [input([2, 3]), input([0, 3])], fn: (a, b) => nn.concat([a, b], 0), ref: (a, b) => R.concat([a, b], 0) },
    { op: 'transpose', variant: 'zero-size', inputs: [input([0, 3])], fn: (x) => nn.transpose(x), ref: (x) => R.transpose(x) },
    { op: 'reshape', variant: 'zero-size [0,3] to [3,0]', inputs: [input([0, 3])], fn: (x) => nn.reshape(x, [3, 0]), ref: (x) => R.reshape(x, [3, 0]) },
    { op: 'slice', variant: 'to zero size', inputs: [input([3, 4])], fn: (x) => nn.slice(x, [1, 2], [2, 0]), ref: (x) => R.slice(x, [1, 2], [2, 0]) },
    { op: 'gather', variant: 'with no indices', inputs: [input([3, 4]), int32([0], [])], fn: (x, i) => nn.gather(x, i, 1), ref: (x, i) => R.gather(x, i, 1) },
    { op: 'pad', variant: 'of a zero-size tensor', inputs: [input([0, 2])], fn: (x) => nn.pad(x, [[1, 1], [0, 1]], 2), ref: (x) => R.pad(x, [[1, 1], [0, 1]], 2) },
    { op: 'tile', variant: 'with a zero repetition', inputs: [input([2, 2])], fn: (x) => nn.tile(x, [0, 2]), ref: (x) => R.tile(x, [0, 2]) },
    { op: 'broadcastTo', variant: '[0,1] to [0,3]', inputs: [input([0, 1])], fn: (x) => nn.broadcastTo(x, [0, 3]), ref: (x) => R.broadcastTo(x, [0, 3]) },
    { op: 'reverse', variant: 'zero-size', inputs: [input([0, 3])], fn: (x) => nn.reverse(x), ref: (x) => R.reverse(x) },
    { op: 'softmax', variant: 'zero rows', inputs: [input([0, 4])], fn: (x) => nn.softmax(x), ref: (x) => R.softmax(x) },
    { op: 'argMax', variant: 'zero rows', inputs: [input([0, 4])], fn: (x) => nn.argMax(x, 1), ref: (x) => R.reduce(x, 1, false, R.folds.argMax), dtype: 'int32', grad: false },
  ];
  return opCases(...specs.map((s) => ({ tol: EXACT, ...s })));
}

/** Rank-0 tensors through each op family. */
function scalarCases(): Case[] {
  const s = (): ReturnType<typeof input> => input([]);
  const specs: OpSpec[] = [
    { op: 'exp', variant: 'rank 0', inputs: [s()], fn: nn.exp, ref: (x) => R.map(x, Math.exp), tol: TRANSCENDENTAL },
    { op: 'mul', variant: 'rank 0 x rank 0', inputs: [s(), s()], fn: nn.mul, ref: (a, b) => R.zip(a, b, (x, y) => x * y) },
    { op: 'greater', variant: 'rank 0', inputs: [s(), s()], fn: nn.greater, ref: (a, b) => R.zip(a, b, (x, y) => +(x > y)), dtype: 'int32', tol: EXACT, grad: false },
    { op: 'where', variant: 'rank 0', inputs: [int32([], [0]), s(), s()], fn: nn.where, ref: R.select, tol: EXACT },
    { op: 'sum', variant: 'rank 0', inputs: [s()], fn: (x) => nn.sum(x), ref: (x) => x, tol: EXACT },
    { op: 'mean', variant: 'rank 0', inputs: [s()], fn: (x) => nn.mean(x), ref: (x) => x },
    { op: 'max', variant: 'rank 0', inputs: [s()], fn: (x) => nn.max(x), ref: (x) => x, tol: EXACT },
    { op: 'logSumExp', variant: 'rank 0', inputs: [s()], fn: (x) => nn.logSumExp(x), ref: (x) => x, tol: TRANSCENDENTAL },
    { op: 'reshape', variant: 'rank 0 to [1,1]', inputs: [s()], fn: (x) => nn.reshape(x, [1, 1]), ref: (x) => R.reshape(x, [1, 1]), tol: EXACT },
    { op: 'reshape', variant: '[1] to rank 0', inputs: [input([1])], fn: (x) => nn.reshape(x, []), ref: (x) => R.reshape(x, []), tol: EXACT },
    { op: 'squeeze', variant: '[1,1] to rank 0', inputs: [input([1, 1])], fn: (x) => nn.squeeze(x), ref: (x) => R.reshape(x, []), tol: EXACT },
    { op: 'expandDims', variant: 'rank 0', inputs: [s()], fn: (x) => nn.expandDims(x), ref: (x) => R.reshape(x, [1]), tol: EXACT },
    { op: 'broadcastTo', variant: 'rank 0 to [2,3]', inputs: [s()], fn: (x) => nn.broadcastTo(x, [2, 3]), ref: (x) => R.broadcastTo(x, [2, 3]), tol: EXACT },
    { op: 'transpose', variant: 'rank 0', inputs: [s()], fn: (x) => nn.transpose(x), ref: (x) => x, tol: EXACT },
    { op: 'reverse', variant: 'rank 0', inputs: [s()], fn: (x) => nn.reverse(x), ref: (x) => x, tol: EXACT },
    { op: 'tile', variant: 'rank 0', inputs: [s()], fn: (x) => nn.tile(x, []), ref: (x) => x, tol: EXACT },
    { op: 'pad', variant: 'rank 0', inputs: [s()], fn: (x) => nn.pad(x, []), ref: (x) => x, tol: EXACT },
    { op: 'stack', variant: 'of rank 0 tensors', inputs: [s(), s(), s()], fn: (a, b, c) => nn.stack([a, b, c]), ref: (a, b, c) => R.stack([a, b, c], 0), tol: EXACT },
    { op: 'gather', variant: 'a rank 0 index', inputs: [input([4]), int32([], [2])], fn: (x, i) => nn.gather(x, i), ref: (x, i) => R.gather(x, i, 0), tol: EXACT },
    { op: 'gather', variant: 'a rank 0 index on axis 1', inputs: [input([3, 4]), int32([], [3])], fn: (x, i) => nn.gather(x, i, 1), ref: (x, i) => R.gather(x, i, 1), tol: EXACT },
    { op: 'oneHot', variant: 'rank 0 index', inputs: [int32([], [1])], fn: (i) => nn.oneHot(i, 3), ref: (i) => R.oneHot(i, 3), dtype: 'float32', tol: EXACT, grad: false },
    { op: 'cast', variant: 'rank 0', inputs: [s()], fn: (x) => nn.cast(x, 'int32'), ref: (x) => R.map(x, Math.trunc), dtype: 'int32', tol: EXACT, grad: false },
    {
      op: 'sigmoidCrossEntropyWithLogits',
      variant: 'rank 0',
      inputs: [s(), s()],
      fn: nn.sigmoidCrossEntropyWithLogits,
      ref: R.sigmoidCrossEntropy,
      tol: TRANSCENDENTAL,
    },
  ];
  return opCases(...specs);
}

/** Draws `n` standard values quickly (the references below are plain loops, not index arithmetic). */
function drawLarge(name: string, n: number): Float32Array {
  const rng = rngFor(name);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = standard(rng);
  return out;
}

const LARGE = [1000, 1000];

function largeCase(name: string, inputs: number, op: (...xs: Tensor[]) => Tensor, check: (y: Tensor, data: Float32Array[]) => void): Case {
  return {
    name,
    run: () => {
      const data = Array.from({ length: inputs }, (_, k) => drawLarge(`${name} ${k}`, LARGE[0] * LARGE[1]));
      const xs = data.map((d) => nn.tensor(d, LARGE));
      try {
        const y = op(...xs);
        try {
          check(y, data);
        } finally {
          y.dispose();
        }
      } finally {
        nn.dispose(xs);
      }
    },
  };
}

function expectLarge(name: string, y: Tensor, shape: number[], expected: Float64Array, tol: Tolerance, scale?: Float64Array): void {
  expect(y.shape, `${name}: shape`).toEqual(shape);
  expect(y.dtype, `${name}: dtype`).toBe('float32');
  expectValues(name, y.dataSync(), expected, tol, scale);
}

/** About a million elements: loops that are blocked, unrolled or vectorized in fast backends. */
function largeCases(): Case[] {
  const n = LARGE[0] * LARGE[1];
  return [
    largeCase('add large [1000,1000]', 2, nn.add, (y, [a, b]) => {
      const expected = new Float64Array(n);
      for (let i = 0; i < n; i++) expected[i] = a[i] + b[i];
      expectLarge('add large', y, LARGE, expected, FLOAT32);
    }),
    largeCase('exp large [1000,1000]', 1, nn.exp, (y, [a]) => {
      expectLarge('exp large', y, LARGE, Float64Array.from(a, Math.exp), TRANSCENDENTAL);
    }),
    largeCase('sum large [1000,1000] all axes', 1, (x) => nn.sum(x), (y, [a]) => {
      let total = 0;
      let magnitude = 0;
      for (let i = 0; i < n; i++) {
        total += a[i];
        magnitude += Math.abs(a[i]);
      }
      // A float32 sum of 1e6 terms errs by about sqrt(n) * eps * sum |x| (naive order) or less (pairwise).
      expectLarge('sum large', y, [], Float64Array.of(total), { rtol: 1e-4, atol: 0 }, Float64Array.of(magnitude));
    }),
    ...[0, 1].map((axis) =>
      largeCase(`sum large [1000,1000] axis ${axis}`, 1, (x) => nn.sum(x, axis), (y, [a]) => {
        const [rows, cols] = LARGE;
        const total = new Float64Array(axis === 0 ? cols : rows);
        const magnitude = new Float64Array(total.length);
        for (let r = 0; r < rows; r++) {
          for (let c = 0; c < cols; c++) {
            const k = axis === 0 ? c : r;
            total[k] += a[r * cols + c];
            magnitude[k] += Math.abs(a[r * cols + c]);
          }
        }
        expectLarge(`sum large axis ${axis}`, y, [total.length], total, SUMMATION, magnitude);
      }),
    ),
  ];
}

/**
 * float64 must be computed in float64, not through float32: inputs are not
 * float32-representable and the tolerance is a few float64 ulp.
 */
function float64Cases(): Case[] {
  const tight: Tolerance = { rtol: 1e-14, atol: 1e-15 };
  const f64 = (shape: number[]) => input(shape, standard, 'float64');
  const specs: OpSpec[] = [
    { op: 'add', variant: 'float64 precision', inputs: [f64([2, 3]), f64([3])], fn: nn.add, ref: (a, b) => R.zip(a, b, (x, y) => x + y) },
    { op: 'mul', variant: 'float64 precision', inputs: [f64([2, 3]), f64([2, 3])], fn: nn.mul, ref: (a, b) => R.zip(a, b, (x, y) => x * y) },
    { op: 'exp', variant: 'float64 precision', inputs: [f64([5])], fn: nn.exp, ref: (x) => R.map(x, Math.exp) },
    {
      op: 'matMul',
      variant: 'float64 precision',
      inputs: [f64([3, 4]), f64([4, 2])],
      fn: (a, b) => nn.matMul(a, b),
      ref: (a, b) => R.matMul(a, b),
      scale: (a, b) => R.matMul(abs(a), abs(b)),
    },
    {
      op: 'sum',
      variant: 'float64 precision',
      inputs: [f64([3, 5])],
      fn: (x) => nn.sum(x, 1),
      ref: (x) => R.reduce(x, 1, false, R.folds.sum),
      scale: (x) => R.reduce(x, 1, false, (v) => v.reduce((s, t) => s + Math.abs(t), 0)),
    },
  ];
  return specs.map((s) => ({ ...forwardCase({ tol: tight, ...s }), needs: 'float64' as const }));
}

export function edgeCases(): Case[] {
  return [...zeroSizeCases(), ...scalarCases(), ...largeCases(), ...float64Cases()];
}
