import * as nn from '../index.js';
import type { Tensor } from '../index.js';
import type { Case } from './case.js';
import { EXACT, TRANSCENDENTAL, type Tolerance } from './compare.js';
import { forwardCase, opCases } from './forward.js';
import { awayFrom, fixed, input, int32, integers, nonZero, positive, standard, uniform, type Sampler } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';
import * as M from './reference-math.js';

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

export function unaryCases(): Case[] {
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
  const nanCases = specs.map((spec) =>
    forwardCase({
      op: spec.op,
      variant: `${spec.variant ? `${spec.variant} ` : ''}NaN propagates`,
      inputs: [fixed([2], [NaN, 1])],
      fn: spec.fn,
      ref: (x) => R.map(x, (v) => (Number.isNaN(v) ? NaN : spec.f(v))),
      tol: TRANSCENDENTAL,
    }),
  );
  return [
    ...opCases(...specs.map(unarySpec), ...rounding),
    ...nanCases,
    forwardCase({
      op: 'neg abs square sign relu',
      variant: 'int32 stays int32',
      inputs: [int32([5], [-3, -1, 0, 2, 7])],
      fn: (x) => nn.tidy(() => nn.stack([nn.neg(x), nn.abs(x), nn.square(x), nn.sign(x), nn.relu(x)])),
      ref: (x) => R.stack([R.map(x, (v) => -v), R.map(x, Math.abs), R.map(x, (v) => v * v), R.map(x, M.sign), R.map(x, M.relu)], 0),
      tol: EXACT,
    }),
    forwardCase({
      op: 'exp',
      variant: 'of int32 gives float32',
      inputs: [int32([4], [-2, 0, 1, 3])],
      fn: nn.exp,
      ref: (x) => R.map(x, Math.exp),
      dtype: 'float32',
      tol: TRANSCENDENTAL,
    }),
    // log(1 + x) and exp(x) - 1 lose every digit here, even in float64; log1p and expm1 exist to keep them.
    ...([
      ['log1p', nn.log1p, Math.log1p],
      ['expm1', nn.expm1, Math.expm1],
    ] as const).map(([op, fn, f]) =>
      forwardCase({
        op,
        variant: 'keeps precision near 0',
        inputs: [fixed([4], [1e-20, -3e-18, 1e-10, -2e-7])],
        fn,
        ref: (x) => R.map(x, f),
        tol: { rtol: TRANSCENDENTAL.rtol, atol: 0 },
      }),
    ),
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
