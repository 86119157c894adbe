import * as nn from '../index.js';
import type { Tensor } from '../index.js';
import type { Case } from './case.js';
import { EXACT, FLOAT32, TRANSCENDENTAL, type Tolerance } from './compare.js';
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

interface UnarySpec {
  op: string;
  fn: (x: Tensor) => Tensor;
  f: (x: number) => number;
  sample: Sampler;
  tol?: Tolerance;
  grad?: boolean;
  variant?: string;
}

const UNARY_SHAPE = [3, 4];

function unarySpec({ op, fn, f, sample, tol, grad, variant }: UnarySpec): OpSpec {
  return { op, variant, inputs: [input(UNARY_SHAPE, sample)], fn, ref: (x) => R.map(x, f), tol, grad };
}

/** Sample points of the rounding ops: halves (ties), near-halves, integers, both signs. */
const ROUNDING_VALUES = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, 0.51, -0.51, -3, 3.5, 4, -0.2, 0.2, 7.5, -7.5];

function unaryCases(): Case[] {
  const T = TRANSCENDENTAL;
  const wide = uniform(-3, 3);
  const specs: UnarySpec[] = [
    { op: 'neg', fn: nn.neg, f: (x) => -x, sample: standard },
    { op: 'abs', fn: nn.abs, f: Math.abs, sample: nonZero },
    { op: 'exp', fn: nn.exp, f: Math.exp, sample: wide, tol: T },
    { op: 'expm1', fn: nn.expm1, f: Math.expm1, sample: standard, tol: T },
    { op: 'log', fn: nn.log, f: Math.log, sample: uniform(0.1, 5), tol: T },
    { op: 'log1p', fn: nn.log1p, f: Math.log1p, sample: uniform(-0.5, 3), tol: T },
    { op: 'sqrt', fn: nn.sqrt, f: Math.sqrt, sample: positive },
    { op: 'rsqrt', fn: nn.rsqrt, f: (x) => 1 / Math.sqrt(x), sample: positive },
    { op: 'square', fn: nn.square, f: (x) => x * x, sample: standard },
    { op: 'reciprocal', fn: nn.reciprocal, f: (x) => 1 / x, sample: nonZero },
    { op: 'sin', fn: nn.sin, f: Math.sin, sample: wide, tol: T },
    { op: 'cos', fn: nn.cos, f: Math.cos, sample: wide, tol: T },
    { op: 'tanh', fn: nn.tanh, f: Math.tanh, sample: wide, tol: T },
    { op: 'sigmoid', fn: nn.sigmoid, f: M.sigmoid, sample: uniform(-5, 5), tol: T },
    { op: 'relu', fn: nn.relu, f: M.relu, sample: nonZero },
    { op: 'relu6', fn: nn.relu6, f: M.relu6, sample: awayFrom([0, 6], 0.1, -2, 8) },
    { op: 'leakyRelu', fn: (x) => nn.leakyRelu(x), f: (x) => M.leakyRelu(x, 0.2), sample: nonZero },
    { op: 'leakyRelu', variant: 'alpha 0.05', fn: (x) => nn.leakyRelu(x, 0.05), f: (x) => M.leakyRelu(x, 0.05), sample: nonZero },
    { op: 'elu', fn: nn.elu, f: M.elu, sample: nonZero, tol: T },
    { op: 'selu', fn: nn.selu, f: M.selu, sample: nonZero, tol: T },
    { op: 'gelu', fn: nn.gelu, f: M.gelu, sample: wide, tol: T },
    { op: 'erf', fn: nn.erf, f: M.erf, sample: wide, tol: T },
    { op: 'softplus', fn: nn.softplus, f: M.softplus, sample: uniform(-5, 5), tol: T },
    { op: 'sign', fn: nn.sign, f: M.sign, sample: integers(-2, 2), grad: false },
  ];
  const rounding: OpSpec[] = [
    ['floor', nn.floor, Math.floor],
    ['ceil', nn.ceil, Math.ceil],
    ['round', nn.round, M.roundHalfEven],
  ].map(([op, fn, f]) => ({
    op: op as string,
    inputs: [fixed([4, 4], ROUNDING_VALUES)],
    fn: fn as (x: Tensor) => Tensor,
    ref: (x: R.Ref) => R.map(x, f as (v: number) => number),
    tol: EXACT,
    grad: false,
  }));
  return [
    ...opCases(...specs.map(unarySpec), ...rounding),
    forwardCase({
      op: 'exp',
      variant: 'of int32 gives float32',
      inputs: [int32([4], [-2, 0, 1, 3])],
      fn: nn.exp,
      ref: (x) => R.map(x, Math.exp),
      dtype: 'float32',
      tol: TRANSCENDENTAL,
    }),
    forwardCase({
      op: 'sigmoid',
      variant: 'saturates without NaN',
      inputs: [fixed([4], [-1000, -30, 30, 1000])],
      fn: nn.sigmoid,
      ref: (x) => R.map(x, M.sigmoid),
      tol: TRANSCENDENTAL,
    }),
    forwardCase({
      op: 'softplus',
      variant: 'large inputs do not overflow',
      // exp(1000) overflows even float64: the naive log(1 + exp(x)) gives Infinity.
      inputs: [fixed([4], [-1000, -20, 20, 1000])],
      fn: nn.softplus,
      ref: (x) => R.map(x, (v) => Math.max(v, 0) + Math.log1p(Math.exp(-Math.abs(v)))),
      tol: TRANSCENDENTAL,
    }),
  ];
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
      variant: 'int32 truncates toward zero',
      inputs: [int32([4], [7, -7, 6, -1]), int32([4], [2, 2, 4, 3])],
      fn: nn.div,
      ref: (a, b) => R.zip(a, b, (x, y) => M.truncate(x / y)),
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
