import * as nn from '../index.js';
import type { Tensor } from '../index.js';
import type { Case } from './case.js';
import { EXACT, SUMMATION, TRANSCENDENTAL, type Tolerance } from './compare.js';
import { forwardCase, opCases } from './forward.js';
import { awayFrom, fixed, input, int32, integers, standard, uniform, type Sampler } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';

type Axes = number | number[] | undefined;
type Reduction = (x: Tensor, axes?: Axes, keepDims?: boolean) => Tensor;

/** Axis choices every reduction runs over a [2,3,4] input. */
const AXES: [Axes, boolean][] = [
  [undefined, false],
  [undefined, true],
  [0, false],
  [1, true],
  [-1, false],
  [[0, 2], true],
  [[1, 2], false],
];

function axesName(axes: Axes, keepDims: boolean): string {
  const what = axes === undefined ? 'axes all' : typeof axes === 'number' ? `axis ${axes}` : `axes [${axes}]`;
  return keepDims ? `${what} keepDims` : what;
}

interface ReductionSpec {
  op: string;
  fn: Reduction;
  fold: (v: number[]) => number;
  sample: Sampler;
  tol: Tolerance;
  /** The same reduction of |x| (or x^2): the magnitude a float32 accumulation errs against. */
  scaleFold?: (v: number[]) => number;
  distinct?: boolean;
}

function reductionSpecs({ op, fn, fold, sample, tol, scaleFold, distinct }: ReductionSpec): OpSpec[] {
  return AXES.map(([axes, keepDims]) => ({
    op,
    variant: axesName(axes, keepDims),
    inputs: [input([2, 3, 4], sample)],
    distinct,
    fn: (x) => fn(x, axes, keepDims),
    ref: (x) => R.reduce(x, axes, keepDims, fold),
    scale: scaleFold && ((x) => R.reduce(x, axes, keepDims, scaleFold)),
    tol,
  }));
}

const absSum = (v: number[]) => v.reduce((s, x) => s + Math.abs(x), 0);
const absMean = (v: number[]) => absSum(v) / v.length;
const meanSquare = (v: number[]) => v.reduce((s, x) => s + x * x, 0) / v.length;

function floatReductions(): Case[] {
  const specs: ReductionSpec[] = [
    { op: 'sum', fn: nn.sum, fold: R.folds.sum, sample: standard, tol: SUMMATION, scaleFold: absSum },
    { op: 'mean', fn: nn.mean, fold: R.folds.mean, sample: standard, tol: SUMMATION, scaleFold: absMean },
    // Magnitudes near 1 keep a product of 24 terms in range; away from 0 because the gradient divides by x.
    { op: 'prod', fn: nn.prod, fold: R.folds.prod, sample: awayFrom([0], 0.5, -1.6, 1.6), tol: SUMMATION },
    { op: 'max', fn: nn.max, fold: R.folds.max, sample: standard, tol: EXACT, distinct: true },
    { op: 'min', fn: nn.min, fold: R.folds.min, sample: standard, tol: EXACT, distinct: true },
    { op: 'logSumExp', fn: nn.logSumExp, fold: R.folds.logSumExp, sample: standard, tol: TRANSCENDENTAL },
    // Two-pass variance errs relative to the mean square, not to the (possibly small) variance.
    { op: 'variance', fn: nn.variance, fold: R.folds.variance, sample: standard, tol: SUMMATION, scaleFold: meanSquare },
  ];
  return opCases(...specs.flatMap(reductionSpecs));
}

function argReductions(): Case[] {
  const ops: [string, (x: Tensor, axis?: number) => Tensor, (v: number[]) => number][] = [
    ['argMax', nn.argMax, R.folds.argMax],
    ['argMin', nn.argMin, R.folds.argMin],
  ];
  return ops.flatMap(([op, fn, fold]) =>
    [0, 1, -1].flatMap((axis) => [
      forwardCase({
        op,
        variant: `axis ${axis} with ties (first index wins)`,
        // Values from {0, 1, 2} so that most rows hold several maxima and minima.
        inputs: [input([2, 3, 4], integers(0, 2))],
        fn: (x) => fn(x, axis),
        ref: (x) => R.reduce(x, axis, false, fold),
        dtype: 'int32',
        tol: EXACT,
      }),
      forwardCase({
        op,
        variant: `axis ${axis}`,
        inputs: [input([3, 4, 5])],
        fn: (x) => fn(x, axis),
        ref: (x) => R.reduce(x, axis, false, fold),
        dtype: 'int32',
        tol: EXACT,
      }),
    ]),
  );
}

function integerReductions(): Case[] {
  return [
    forwardCase({
      op: 'sum',
      variant: 'int32 stays int32',
      inputs: [int32([2, 3], [1, -2, 3, 40, 50, -60])],
      fn: (x) => nn.sum(x, 1),
      ref: (x) => R.reduce(x, 1, false, R.folds.sum),
      tol: EXACT,
    }),
    forwardCase({
      op: 'mean',
      variant: 'int32 gives float32',
      inputs: [int32([2, 3], [1, -2, 3, 40, 50, -61])],
      fn: (x) => nn.mean(x, 1),
      ref: (x) => R.reduce(x, 1, false, R.folds.mean),
      dtype: 'float32',
    }),
    forwardCase({
      op: 'max',
      variant: 'int32',
      inputs: [int32([2, 3], [1, -2, 3, 40, 50, -60])],
      fn: (x) => nn.max(x, 0),
      ref: (x) => R.reduce(x, 0, false, R.folds.max),
      tol: EXACT,
    }),
    forwardCase({
      op: 'logSumExp',
      variant: 'large values do not overflow',
      inputs: [input([2, 3], uniform(500, 1000))],
      fn: (x) => nn.logSumExp(x, 1),
      ref: (x) => R.reduce(x, 1, false, R.folds.logSumExp),
      tol: TRANSCENDENTAL,
    }),
  ];
}

/** A NaN anywhere in a row makes its sum, max and min NaN, and argMax/argMin point at it. */
function nanReductions(): Case[] {
  const withNaN = fixed([2, 3], [1, NaN, 3, 4, 5, 6]);
  const ops: [string, (x: Tensor) => Tensor, (v: number[]) => number][] = [
    ['sum', (x) => nn.sum(x, 1), R.folds.sum],
    ['max', (x) => nn.max(x, 1), R.folds.max],
    ['min', (x) => nn.min(x, 1), R.folds.min],
    ['argMax', (x) => nn.argMax(x, 1), R.folds.argMax],
    ['argMin', (x) => nn.argMin(x, 1), R.folds.argMin],
  ];
  return ops.map(([op, fn, fold]) =>
    forwardCase({
      op,
      variant: 'NaN propagates',
      inputs: [withNaN],
      fn,
      ref: (x) => R.reduce(x, 1, false, fold),
      dtype: op.startsWith('arg') ? 'int32' : 'float32',
      tol: EXACT,
    }),
  );
}

export function reductionCases(): Case[] {
  return [...floatReductions(), ...argReductions(), ...integerReductions(), ...nanReductions()];
}
