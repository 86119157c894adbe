import * as nn from '../index.js';
import type { Conv2DOptions, Pool2DOptions, Tensor } from '../index.js';
import type { Case } from './case.js';
import { EXACT, SUMMATION } from './compare.js';
import { throws } from './cases-errors.js';
import { forwardCase, opCases } from './forward.js';
import { fixed, input, integers, uniform } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';
import * as C from './reference-conv.js';

/*
 * 2-D convolution and pooling, NHWC. Shapes are chosen to reach every branch a
 * kernel might take: 1x1 filters (with and without stride), strides larger
 * than the filter, dilation, 'same' on odd and even sizes, explicit uneven
 * padding, batch 1 and 3, one and many channels, overlapping and disjoint
 * pooling windows; a few larger forward-only shapes cross the blocking of
 * optimized kernels. Gradients are checked for every input by finite
 * differences, and to second order (the gradient kernels are themselves
 * differentiated).
 */

interface Conv {
  x: number[];
  f: number[];
  options?: Conv2DOptions;
  /** Forward (and gradients as values) only: too large for finite differences. */
  large?: boolean;
}

const abs = (r: R.Ref) => R.map(r, Math.abs);

function describeOptions(o: object | undefined): string {
  return o === undefined || Object.keys(o).length === 0 ? '' : ` ${JSON.stringify(o).replace(/"/g, '')}`;
}

function convSpec({ x, f, options, large }: Conv): OpSpec {
  return {
    op: 'conv2d',
    variant: `[${x}]*[${f}]${describeOptions(options)}`,
    inputs: [input(x), input(f)],
    fn: (a, b) => nn.conv2d(a, b, options),
    ref: (a, b) => C.conv2d(a, b, options),
    tol: SUMMATION,
    scale: (a, b) => C.conv2d(abs(a), abs(b), options),
    grad: !large,
  };
}

/**
 * Both first-order gradients as a function of (x, filter, dy): checks the
 * backprop kernels' values directly (large shapes included) and, when
 * differentiated, the second-order gradients through them.
 */
function convGradientSpec({ x, f, options, large }: Conv): OpSpec {
  const y = nn.conv2dOutputShape(x, f, options);
  return {
    op: 'conv2d',
    variant: `gradients as a function [${x}]*[${f}]${describeOptions(options)}`,
    inputs: [input(x), input(f), input(y)],
    fn: (a, b, dy) => nn.tidy(() => nn.grads((p: Tensor, q: Tensor) => nn.conv2d(p, q, options))([a, b], dy)),
    ref: (a, b, dy) => [C.conv2dBackpropInput(dy, b, x, options), C.conv2dBackpropFilter(a, dy, f, options)],
    tol: SUMMATION,
    scale: (a, b, dy) => [C.conv2dBackpropInput(abs(dy), abs(b), x, options), C.conv2dBackpropFilter(abs(a), abs(dy), f, options)],
    grad: !large,
  };
}

const CONVS: Conv[] = [
  { x: [1, 5, 5, 1], f: [3, 3, 1, 1] },
  { x: [2, 6, 7, 3], f: [3, 3, 3, 4], options: { padding: 'same' } },
  { x: [3, 7, 6, 2], f: [3, 2, 2, 5], options: { padding: 'same', strides: 2 } },
  { x: [1, 6, 6, 2], f: [2, 2, 2, 3], options: { padding: 'same', strides: [1, 2] } },
  { x: [1, 4, 5, 2], f: [1, 1, 2, 6] },
  { x: [2, 5, 5, 3], f: [1, 1, 3, 2], options: { strides: 2 } },
  { x: [1, 9, 9, 2], f: [2, 2, 2, 3], options: { strides: 3 } },
  { x: [2, 7, 8, 2], f: [3, 3, 2, 3], options: { dilations: 2 } },
  { x: [1, 6, 5, 2], f: [3, 2, 2, 2], options: { padding: 'same', dilations: [2, 1] } },
  { x: [2, 5, 6, 2], f: [3, 3, 2, 3], options: { padding: [[1, 2], [0, 1]], strides: [2, 1] } },
  { x: [1, 4, 4, 5], f: [2, 2, 5, 1], options: { padding: 1 } },
  { x: [3, 4, 4, 1], f: [3, 3, 1, 6], options: { padding: 'same' } },
];

const LARGE_CONVS: Conv[] = [
  { x: [2, 20, 20, 8], f: [3, 3, 8, 16], options: { padding: 'same' }, large: true },
  { x: [4, 32, 32, 3], f: [5, 5, 3, 8], options: { padding: 'same', strides: 2 }, large: true },
  { x: [3, 30, 30, 9], f: [3, 3, 9, 7], options: { dilations: 2 }, large: true },
  { x: [2, 17, 19, 70], f: [1, 1, 70, 33], large: true },
];

interface Pool {
  x: number[];
  options: Pool2DOptions;
}

const POOLS: Pool[] = [
  { x: [2, 6, 6, 3], options: { poolSize: 2 } },
  { x: [1, 7, 7, 2], options: { poolSize: 3, strides: 2, padding: 'same' } },
  { x: [2, 6, 5, 4], options: { poolSize: [2, 3], strides: 1, padding: 'same' } },
  { x: [1, 5, 5, 6], options: { poolSize: 3, strides: 2 } },
  { x: [3, 4, 6, 1], options: { poolSize: [1, 2], strides: [2, 3], padding: 'same' } },
  { x: [1, 5, 4, 2], options: { poolSize: 2, strides: 1 } },
];

function poolSpecs(): OpSpec[] {
  return POOLS.flatMap(({ x, options }): OpSpec[] => {
    const variant = `[${x}] ${JSON.stringify(options).replace(/"/g, '')}`;
    return [
      // Distinct values (drawn wide enough to be many): a max with a tie is not differentiable, and finite differences would see both sides.
      { op: 'maxPool2d', variant, inputs: [input(x, uniform(-20, 20))], distinct: true, fn: (a) => nn.maxPool2d(a, options), ref: (a) => C.maxPool(a, options) },
      {
        op: 'avgPool2d',
        variant,
        inputs: [input(x)],
        fn: (a) => nn.avgPool2d(a, options),
        ref: (a) => C.avgPool(a, options),
        tol: SUMMATION,
        scale: (a) => C.avgPool(abs(a), options),
      },
    ];
  });
}

/** Gradients that finite differences cannot see: ties in max pooling go to the first maximum, row-major. */
function maxPoolTieSpecs(): OpSpec[] {
  const ties: Pool[] = [
    { x: [2, 6, 6, 3], options: { poolSize: 2 } },
    { x: [1, 7, 7, 2], options: { poolSize: 3, strides: 2, padding: 'same' } },
    { x: [1, 5, 4, 2], options: { poolSize: 2, strides: 1 } },
  ];
  return ties.flatMap(({ x, options }): OpSpec[] => {
    const y = nn.pool2dOutputShape(x, options);
    const variant = `ties [${x}] ${JSON.stringify(options).replace(/"/g, '')}`;
    return [
      { op: 'maxPool2d', variant, inputs: [input(x, integers(0, 2))], fn: (a) => nn.maxPool2d(a, options), ref: (a) => C.maxPool(a, options), grad: false },
      {
        op: 'maxPool2d',
        variant: `gradient to the first maximum, ${variant}`,
        inputs: [input(x, integers(0, 2)), input(y)],
        fn: (a, dy) => nn.tidy(() => nn.grad((p: Tensor) => nn.maxPool2d(p, options))(a, dy)),
        ref: (a, dy) => C.maxPoolGrad(a, dy, options),
        grad: false,
      },
    ];
  });
}

/** avgPool's gradient is a kernel of its own; differentiating it checks its gradient (avgPool again). */
function avgPoolGradientSpec(): OpSpec {
  const options: Pool2DOptions = { poolSize: 3, strides: 2, padding: 'same' };
  const x = [2, 5, 6, 2];
  const y = nn.pool2dOutputShape(x, options);
  return {
    op: 'avgPool2d',
    variant: `gradient as a function [${x}] ${JSON.stringify(options).replace(/"/g, '')}`,
    inputs: [input(x), input(y)],
    fn: (a, dy) => nn.tidy(() => nn.grad((p: Tensor) => nn.avgPool2d(p, options))(a, dy)),
    ref: (a, dy) => {
      // avgPool is linear: its gradient is the transpose of its matrix, built column by column.
      const out = new Float64Array(R.sizeOf(x));
      for (let i = 0; i < out.length; i++) {
        const unit = R.ref(x, Array.from(out, (_, j) => (j === i ? 1 : 0)));
        const column = C.avgPool(unit, options);
        out[i] = column.data.reduce((s, v, j) => s + v * dy.data[j], 0);
      }
      return R.ref(x, out);
    },
    tol: SUMMATION,
  };
}

function globalSpecs(): OpSpec[] {
  const shapes = [
    [2, 3, 4, 5],
    [1, 1, 1, 3],
  ];
  return shapes.flatMap((x): OpSpec[] => [
    {
      op: 'globalAvgPool2d',
      variant: `[${x}]`,
      inputs: [input(x)],
      fn: (a) => nn.globalAvgPool2d(a),
      ref: (a) => R.reshape(C.avgPool(a, { poolSize: [x[1], x[2]] }), [x[0], x[3]]),
      tol: SUMMATION,
      scale: (a) => R.reshape(C.avgPool(abs(a), { poolSize: [x[1], x[2]] }), [x[0], x[3]]),
    },
    {
      op: 'globalMaxPool2d',
      variant: `[${x}]`,
      inputs: [input(x, uniform(-20, 20))],
      distinct: true,
      fn: (a) => nn.globalMaxPool2d(a),
      ref: (a) => R.reshape(C.maxPool(a, { poolSize: [x[1], x[2]] }), [x[0], x[3]]),
    },
  ]);
}

/** Hand-worked values: a check on the references themselves. */
function workedExamples(): Case[] {
  const image = fixed([1, 3, 3, 1], [1, 2, 3, 4, 5, 6, 7, 8, 9]);
  return [
    forwardCase({
      op: 'conv2d',
      variant: 'worked example, 2x2 ones filter, same',
      inputs: [image, fixed([2, 2, 1, 1], [1, 1, 1, 1])],
      fn: (a, b) => nn.conv2d(a, b, { padding: 'same' }),
      // TensorFlow's 'same' pads the bottom and right: each output sums its 2x2 block clipped at the edge.
      ref: () => R.ref([1, 3, 3, 1], [12, 16, 9, 24, 28, 15, 15, 17, 9]),
      tol: EXACT,
    }),
    forwardCase({
      op: 'avgPool2d',
      variant: 'worked example, 2x2 same stride 2',
      inputs: [image],
      fn: (a) => nn.avgPool2d(a, { poolSize: 2, padding: 'same' }),
      ref: () => R.ref([1, 2, 2, 1], [3, 4.5, 7.5, 9]),
    }),
  ];
}

function errors(): Case[] {
  const { ShapeError, DTypeError, ArgumentError } = nn;
  return [
    throws('conv2d of a rank 3 x', ShapeError, 'conv2d', (t) => nn.conv2d(t([5, 5, 1]), t([3, 3, 1, 1])), ['[5,5,1]']),
    throws('conv2d with a rank 2 filter', ShapeError, 'conv2d', (t) => nn.conv2d(t([1, 5, 5, 1]), t([3, 3])), ['[3,3]']),
    throws('conv2d channel mismatch', ShapeError, 'conv2d', (t) => nn.conv2d(t([1, 5, 5, 3]), t([3, 3, 2, 4])), ['[1,5,5,3]', '[3,3,2,4]']),
    throws('conv2d of int32', DTypeError, 'conv2d', (t) => nn.conv2d(t([1, 5, 5, 1], 'int32'), t([3, 3, 1, 1])), ['int32']),
    throws('conv2d filter larger than the input', ShapeError, 'conv2d', (t) => nn.conv2d(t([1, 2, 2, 1]), t([3, 3, 1, 1])), ['3x3', '2x2']),
    throws('conv2d dilated filter larger than the input', ShapeError, 'conv2d', (t) => nn.conv2d(t([1, 4, 4, 1]), t([3, 3, 1, 1]), { dilations: 2 }), ['5x5']),
    throws('conv2d with stride 0', ArgumentError, 'conv2d', (t) => nn.conv2d(t([1, 4, 4, 1]), t([3, 3, 1, 1]), { strides: 0 })),
    throws('conv2d with a fractional dilation', ArgumentError, 'conv2d', (t) => nn.conv2d(t([1, 4, 4, 1]), t([1, 1, 1, 1]), { dilations: 1.5 })),
    throws('conv2d with negative padding', ArgumentError, 'conv2d', (t) => nn.conv2d(t([1, 4, 4, 1]), t([1, 1, 1, 1]), { padding: -1 })),
    throws('conv2dOutputShape channel mismatch', ShapeError, 'conv2dOutputShape', () => nn.conv2dOutputShape([1, 5, 5, 3], [3, 3, 2, 4])),
    throws('maxPool2d of a rank 3 x', ShapeError, 'maxPool2d', (t) => nn.maxPool2d(t([4, 4, 1]), { poolSize: 2 }), ['[4,4,1]']),
    throws('maxPool2d of int32', DTypeError, 'maxPool2d', (t) => nn.maxPool2d(t([1, 4, 4, 1], 'int32'), { poolSize: 2 }), ['int32']),
    throws('maxPool2d window larger than the input', ShapeError, 'maxPool2d', (t) => nn.maxPool2d(t([1, 2, 2, 1]), { poolSize: 3 }), ['3x3', '2x2']),
    throws('maxPool2d with poolSize 0', ArgumentError, 'maxPool2d', (t) => nn.maxPool2d(t([1, 4, 4, 1]), { poolSize: 0 })),
    throws('avgPool2d window larger than the input', ShapeError, 'avgPool2d', (t) => nn.avgPool2d(t([1, 3, 5, 1]), { poolSize: [4, 2] }), ['4x2']),
    throws('avgPool2d with explicit padding', ArgumentError, 'avgPool2d', (t) => nn.avgPool2d(t([1, 4, 4, 1]), { poolSize: 2, padding: 1 as never })),
    throws('globalAvgPool2d of a rank 2 x', ShapeError, 'globalAvgPool2d', (t) => nn.globalAvgPool2d(t([4, 3])), ['[4,3]']),
    throws('second-order gradient through maxPool2d', ArgumentError, 'maxPool2d', (t) =>
      nn.tidy(() => {
        const x = t([1, 4, 4, 1]);
        const firstOrder = (p: Tensor) => nn.sum(nn.square(nn.grad((q: Tensor) => nn.sum(nn.maxPool2d(nn.mul(q, q), { poolSize: 2 })))(p)));
        return nn.grad(firstOrder)(x);
      }),
    ),
  ];
}

export function convCases(): Case[] {
  return [
    ...opCases(...CONVS.map(convSpec), ...LARGE_CONVS.map(convSpec)),
    ...opCases(...CONVS.slice(0, 4).map(convGradientSpec), ...LARGE_CONVS.map(convGradientSpec)),
    ...opCases(...poolSpecs(), ...maxPoolTieSpecs(), avgPoolGradientSpec(), ...globalSpecs()),
    ...workedExamples(),
    ...errors(),
  ];
}
