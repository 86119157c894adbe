import * as nn from '../index.js';
import type { Tensor } from '../index.js';
import type { Case } from './case.js';
import { unaryCases } from './cases-unary.js';
import { EXACT, TRANSCENDENTAL } from './compare.js';
import { forwardCase, opCases } from './forward.js';
import { awayFrom, fixed, input, int32, integers, nonZero, positive, standard, uniform, type InputSpec, type Sampler } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';
import * as M from './reference-math.js';

type Binary = (a: Tensor, b: Tensor) => Tensor;

/** Shape pairs every binary op is checked on: equal shapes and each kind of broadcasting. */
const BROADCASTS: readonly [readonly number[], readonly number[]][] = [
  [[2, 3], [2, 3]],
  [[3, 1], [1, 4]],
  [[2, 3, 4], [4]],
  [[], [2, 3]],
  [[2, 3], []],
  [[2, 1, 4], [3, 1]],
];

const shapeName = (a: readonly number[], b: readonly number[]): string => `[${a}]x[${b}]`;

function binarySpecs(
  op: string,
  fn: Binary,
  f: (a: number, b: number) => number,
  samplers: [Sampler, Sampler],
  extra: Partial<OpSpec> = {},
): OpSpec[] {
  return BROADCASTS.map(([sa, sb]) => ({
    op,
    variant: shapeName(sa, sb),
    inputs: [input(sa, samplers[0]), input(sb, samplers[1])],
    fn,
    ref: (a, b) => R.zip(a, b, f),
    ...extra,
  }));
}

function binaryCases(): Case[] {
  return opCases(
    ...binarySpecs('add', nn.add, (a, b) => a + b, [standard, standard]),
    ...binarySpecs('sub', nn.sub, (a, b) => a - b, [standard, standard]),
    ...binarySpecs('mul', nn.mul, (a, b) => a * b, [standard, standard]),
    ...binarySpecs('div', nn.div, (a, b) => a / b, [standard, nonZero]),
    ...binarySpecs('pow', nn.pow, Math.pow, [positive, uniform(-1.5, 1.5)], { tol: TRANSCENDENTAL }),
    ...binarySpecs('maximum', nn.maximum, Math.max, [standard, standard], { distinct: true }),
    ...binarySpecs('minimum', nn.minimum, Math.min, [standard, standard], { distinct: true }),
    {
      op: 'pow',
      variant: 'negative base, integer exponent',
      inputs: [fixed([6], [-2, -1.5, -3, -0.5, 2, -1]), fixed([6], [2, 3, 0, -1, 3, 5])],
      fn: nn.pow,
      ref: (a, b) => R.zip(a, b, Math.pow),
      grad: false,
    },
    ...([
      ['maximum', nn.maximum, Math.max],
      ['minimum', nn.minimum, Math.min],
    ] as const).map(
      ([op, fn, f]): OpSpec => ({
        op,
        variant: 'NaN propagates',
        inputs: [fixed([4], [NaN, 1, NaN, 2]), fixed([4], [1, NaN, NaN, 3])],
        fn,
        ref: (a, b) => R.zip(a, b, f),
        grad: false,
      }),
    ),
    {
      op: 'add',
      variant: 'tensor and number',
      inputs: [input([2, 3])],
      fn: (a) => nn.add(a, 2.5),
      ref: (a) => R.map(a, (v) => v + 2.5),
    },
    {
      op: 'sub',
      variant: 'number and tensor',
      inputs: [input([2, 3])],
      fn: (a) => nn.sub(1.5, a),
      ref: (a) => R.map(a, (v) => 1.5 - v),
    },
  );
}

type Compare = (a: Tensor, b: Tensor) => Tensor;

function compareCases(): Case[] {
  const ops: [string, Compare, (a: number, b: number) => boolean][] = [
    ['equal', nn.equal, (a, b) => a === b],
    ['notEqual', nn.notEqual, (a, b) => a !== b],
    ['less', nn.less, (a, b) => a < b],
    ['lessEqual', nn.lessEqual, (a, b) => a <= b],
    ['greater', nn.greater, (a, b) => a > b],
    ['greaterEqual', nn.greaterEqual, (a, b) => a >= b],
  ];
  // Small integers so that ties, the interesting case for each comparison, are frequent.
  const tie = integers(-1, 1);
  const shapes: [string, InputSpec, InputSpec][] = [
    ['[3,4]x[3,4]', input([3, 4], tie), input([3, 4], tie)],
    ['[3,1]x[1,4]', input([3, 1], tie), input([1, 4], tie)],
    ['int32 [2,3]x[3]', input([2, 3], tie, 'int32'), input([3], tie, 'int32')],
    ['with NaN', fixed([4], [NaN, NaN, 1, 1]), fixed([4], [NaN, 1, NaN, 1])],
  ];
  return ops.flatMap(([op, fn, f]) =>
    shapes.map(([variant, a, b]) =>
      forwardCase({ op, variant, inputs: [a, b], fn, ref: (x, y) => R.zip(x, y, (u, v) => (f(u, v) ? 1 : 0)), dtype: 'int32', tol: EXACT }),
    ),
  );
}

function whereAndClipCases(): Case[] {
  return opCases(
    {
      op: 'where',
      variant: '[2,3] from [2,3] and [3]',
      inputs: [int32([2, 3], [1, 0, 0, 1, 1, 0]), input([2, 3]), input([3])],
      fn: nn.where,
      ref: R.select,
      tol: EXACT,
    },
    {
      op: 'where',
      variant: 'condition [2,1], a [1,4], b scalar',
      inputs: [int32([2, 1], [0, 1]), input([1, 4]), input([])],
      fn: nn.where,
      ref: R.select,
      tol: EXACT,
    },
    {
      op: 'where',
      variant: 'any non-zero condition picks a',
      inputs: [int32([5], [-1, 0, 2, 5, 0]), input([5]), input([5])],
      fn: nn.where,
      ref: R.select,
      tol: EXACT,
      grad: false,
    },
    {
      op: 'clip',
      inputs: [input([3, 4], awayFrom([-0.5, 0.7], 0.05, -2, 2))],
      fn: (x) => nn.clip(x, -0.5, 0.7),
      // The bounds are numbers, so they take x's dtype: float32 0.7 is not float64 0.7.
      ref: (x) => R.map(x, (v) => Math.min(Math.max(v, Math.fround(-0.5)), Math.fround(0.7))),
      tol: EXACT,
    },
  );
}

function castAndDTypeCases(): Case[] {
  const mixed = [-2.7, -1.5, -0.5, 0, 0.5, 1.5, 2.7, 3];
  return [
    forwardCase({
      op: 'cast',
      variant: 'float32 to int32 truncates toward zero',
      inputs: [fixed([8], mixed)],
      fn: (x) => nn.cast(x, 'int32'),
      ref: (x) => R.map(x, M.truncate),
      dtype: 'int32',
      tol: EXACT,
    }),
    forwardCase({
      op: 'cast',
      variant: 'int32 to float32',
      inputs: [int32([2, 2], [-3, 0, 7, 123456])],
      fn: (x) => nn.cast(x, 'float32'),
      ref: (x) => x,
      dtype: 'float32',
      tol: EXACT,
    }),
    {
      ...forwardCase({
        op: 'cast',
        variant: 'float32 to float64 and back',
        inputs: [input([2, 3])],
        fn: (x) => nn.tidy(() => nn.cast(nn.add(nn.cast(x, 'float64'), 0), 'float32')),
        ref: (x) => x,
        tol: EXACT,
      }),
      needs: 'float64' as const,
    },
    forwardCase({
      op: 'add',
      variant: 'int32 and float32 promote to float32',
      inputs: [int32([3], [1, -2, 3]), input([3])],
      fn: nn.add,
      ref: (a, b) => R.zip(a, b, (x, y) => x + y),
      dtype: 'float32',
    }),
    forwardCase({
      op: 'add',
      variant: 'int32 and a number stay int32',
      inputs: [int32([3], [1, -2, 3])],
      fn: (a) => nn.add(a, 2),
      ref: (a) => R.map(a, (x) => x + 2),
      dtype: 'int32',
      tol: EXACT,
    }),
    forwardCase({
      op: 'div',
      variant: 'int32 floors, like NumPy //',
      inputs: [int32([5], [7, -7, 6, -1, 7]), int32([5], [2, 2, 4, 3, -2])],
      fn: nn.div,
      ref: (a, b) => R.zip(a, b, (x, y) => Math.floor(x / y)),
      dtype: 'int32',
      tol: EXACT,
    }),
    forwardCase({
      op: 'mul',
      variant: 'int32',
      inputs: [int32([4], [7, -7, 6, -1]), int32([4], [2, 2, -4, 3])],
      fn: nn.mul,
      ref: (a, b) => R.zip(a, b, (x, y) => x * y),
      tol: EXACT,
    }),
    {
      ...forwardCase({
        op: 'add',
        variant: 'float64 and float32 promote to float64',
        inputs: [input([3], standard, 'float64'), input([3])],
        fn: nn.add,
        ref: (a, b) => R.zip(a, b, (x, y) => x + y),
        dtype: 'float64',
        tol: { rtol: 1e-15, atol: 0 },
      }),
      needs: 'float64' as const,
    },
  ];
}

export function elementwiseCases(): Case[] {
  return [...binaryCases(), ...unaryCases(), ...compareCases(), ...whereAndClipCases(), ...castAndDTypeCases()];
}
