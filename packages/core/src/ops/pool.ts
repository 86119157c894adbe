import type { Pool2DAttrs } from '../backend.js';
import { isFloat } from '../dtype.js';
import { runKernel } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor } from './convert.js';
import { positivePair, windowGeometry, type Geometry2D } from './conv.js';
import { defineOp } from './define-op.js';
import { max, mean } from './reduce.js';

export interface Pool2DOptions {
  poolSize: number | readonly [number, number];
  /** Defaults to poolSize: windows side by side. */
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
}

interface PoolPlan {
  attrs: Pool2DAttrs;
  outShape: number[];
}

function poolPlan(op: string, inputShape: Shape, options: Pool2DOptions): PoolPlan {
  if (inputShape.length !== 4) {
    throw new ShapeError(`${op}: x must have rank 4 ([batch, height, width, channels]), got ${formatShape(inputShape)} - add the missing axes with reshape or expandDims`);
  }
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new ArgumentError(`${op}: needs options with a poolSize - e.g. ${op}(x, { poolSize: 2 })`);
  }
  const padding = options.padding ?? 'valid';
  if (padding !== 'valid' && padding !== 'same') {
    throw new ArgumentError(`${op}: padding ${JSON.stringify(padding)} must be 'valid' or 'same' - pad() x first for other amounts`);
  }
  const [windowH, windowW] = positivePair(op, 'poolSize', options.poolSize, NaN);
  const g: Geometry2D = windowGeometry(op, inputShape, windowH, windowW, { strides: options.strides ?? [windowH, windowW], padding }, 'window');
  const { strideH, strideW, padTop, padLeft } = g;
  return { attrs: { windowH, windowW, strideH, strideW, padTop, padLeft }, outShape: [inputShape[0], g.outH, g.outW, inputShape[3]] };
}

function floatInput(op: string, x: Tensor): Tensor {
  const t = toTensor(x, 'x', op);
  if (!isFloat(t.dtype)) throw new DTypeError(`${op}: needs a float x, got ${t.dtype} - cast(x, 'float32') first`);
  return t;
}

/** The shape maxPool2d/avgPool2d(x, options) return: [batch, outHeight, outWidth, channels]. */
export function pool2dOutputShape(inputShape: readonly number[], options: Pool2DOptions): number[] {
  return poolPlan('pool2dOutputShape', inputShape, options).outShape;
}

/**
 * Maximum over each window of x [batch, height, width, channels]. Padding
 * never wins; the gradient goes to the first maximum of a window (row-major),
 * as in TensorFlow.
 */
export const maxPool2d = defineOp((x: Tensor, options: Pool2DOptions): Tensor => {
  const op = 'maxPool2d';
  const t = floatInput(op, x);
  const { attrs, outShape } = poolPlan(op, t.shape, options);
  return runKernel('maxPool', [t], attrs, outShape, t.dtype, (dy, [xIn]) => [maxPoolGrad(xIn, dy, attrs)]);
});

function maxPoolGrad(x: Tensor, dy: Tensor, attrs: Pool2DAttrs): Tensor {
  return runKernel('maxPoolGrad', [x, dy], attrs, x.shape, dy.dtype, () => {
    // d/dx is zero almost everywhere; d/d(dy) needs the argmax of each window, which no kernel exposes.
    throw new ArgumentError(
      'maxPool2d: second-order gradients through max pooling are not supported - use avgPool2d, or stop the gradient of the first derivative',
    );
  });
}

/**
 * Mean over each window of x [batch, height, width, channels]; with 'same'
 * padding, padded positions are left out of the count (TensorFlow's rule).
 */
export const avgPool2d = defineOp((x: Tensor, options: Pool2DOptions): Tensor => {
  const t = floatInput('avgPool2d', x);
  return averagePool(t, poolPlan('avgPool2d', t.shape, options));
});

/** avgPool and its gradient are adjoint linear maps: each one's gradient is the other. */
function averagePool(x: Tensor, { attrs, outShape }: PoolPlan): Tensor {
  return runKernel('avgPool', [x], attrs, outShape, x.dtype, (dy, [xIn]) => [averagePoolGrad(dy, attrs, xIn.shape)]);
}

function averagePoolGrad(dy: Tensor, attrs: Pool2DAttrs, inputShape: Shape): Tensor {
  return runKernel('avgPoolGrad', [dy], attrs, inputShape, dy.dtype, (ddx, [dyIn]) => [averagePool(ddx, { attrs, outShape: [...dyIn.shape] })]);
}

function checkGlobal(op: string, x: Tensor): Tensor {
  const t = floatInput(op, x);
  if (t.rank !== 4) {
    throw new ShapeError(`${op}: x must have rank 4 ([batch, height, width, channels]), got ${formatShape(t.shape)} - add the missing axes with reshape or expandDims`);
  }
  if (t.shape[1] === 0 || t.shape[2] === 0) {
    throw new ShapeError(`${op}: x ${formatShape(t.shape)} has no pixels to pool - check the input's height and width`);
  }
  return t;
}

/** Mean over height and width: [batch, height, width, channels] to [batch, channels]. */
export const globalAvgPool2d = defineOp((x: Tensor): Tensor => mean(checkGlobal('globalAvgPool2d', x), [1, 2]));

/** Maximum over height and width: [batch, height, width, channels] to [batch, channels]. Tied maxima share the gradient (max's rule). */
export const globalMaxPool2d = defineOp((x: Tensor): Tensor => max(checkGlobal('globalMaxPool2d', x), [1, 2]));
