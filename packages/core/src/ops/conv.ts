import type { Conv2DAttrs } from '../backend.js';
import { isFloat, promoteTypes } from '../dtype.js';
import { runKernel } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import type { Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { promotePair } from './cast.js';
import { toTensor } from './convert.js';
import { defineOp } from './define-op.js';

/**
 * 'valid' (no padding), 'same' (TensorFlow's: output = ceil(input / stride),
 * the odd pixel of padding at the bottom/right), one amount on every side, or
 * [[top, bottom], [left, right]].
 */
export type Padding2D = 'valid' | 'same' | number | readonly [readonly [number, number], readonly [number, number]];

export interface Conv2DOptions {
  strides?: number | readonly [number, number];
  padding?: Padding2D;
  dilations?: number | readonly [number, number];
}

/** A resolved 2-D window: the kernel attributes plus the output's spatial size. */
export interface Geometry2D extends Conv2DAttrs {
  outH: number;
  outW: number;
}

/** A number or an [h, w] pair of positive integers, as [h, w]. */
export function positivePair(op: string, name: string, value: number | readonly [number, number] | undefined, fallback: number): [number, number] {
  const pair = value === undefined ? [fallback, fallback] : typeof value === 'number' ? [value, value] : value;
  if (!Array.isArray(pair) || pair.length !== 2 || pair.some((v) => !Number.isInteger(v) || v < 1)) {
    throw new ArgumentError(`${op}: ${name} ${JSON.stringify(value)} must be a positive integer or an [h, w] pair of them - e.g. ${name}: 2 or [2, 1]`);
  }
  return [pair[0], pair[1]];
}

/** Output size and leading padding along one spatial axis; `window` is the dilated extent. */
function axisGeometry(size: number, window: number, stride: number, padding: Padding2D, axis: 0 | 1): [out: number, before: number, total: number] {
  if (padding === 'valid') return [Math.floor((size - window) / stride) + 1, 0, 0];
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max((out - 1) * stride + window - size, 0);
    return [out, Math.floor(total / 2), total];
  }
  const [before, after] = typeof padding === 'number' ? [padding, padding] : padding[axis];
  return [Math.floor((size + before + after - window) / stride) + 1, before, before + after];
}

function checkPadding(op: string, padding: Padding2D): void {
  if (padding === 'valid' || padding === 'same') return;
  const pairs = Array.isArray(padding) && padding.length === 2 && padding.every((p) => Array.isArray(p) && p.length === 2);
  const amounts: unknown[] | null = typeof padding === 'number' ? [padding] : pairs ? padding.flat() : null;
  if (amounts === null || amounts.some((v) => !Number.isInteger(v) || (v as number) < 0)) {
    throw new ArgumentError(
      `${op}: padding ${JSON.stringify(padding)} must be 'valid', 'same', a non-negative integer or [[top, bottom], [left, right]]`,
    );
  }
}

function checkRank4(op: string, name: string, shape: Shape, layout: string): void {
  if (shape.length !== 4) {
    throw new ShapeError(`${op}: ${name} must have rank 4 (${layout}), got ${formatShape(shape)} - add the missing axes with reshape or expandDims`);
  }
}

/**
 * The sliding-window geometry shared by conv2d and the pooling ops: checks the
 * options and that every output axis has at least one position.
 */
export function windowGeometry(
  op: string,
  inputShape: Shape,
  windowH: number,
  windowW: number,
  options: { strides?: number | readonly [number, number]; padding?: Padding2D; dilations?: number | readonly [number, number] },
  windowName: string,
): Geometry2D {
  const [strideH, strideW] = positivePair(op, 'strides', options.strides, 1);
  const [dilationH, dilationW] = positivePair(op, 'dilations', options.dilations, 1);
  const padding = options.padding ?? 'valid';
  checkPadding(op, padding);
  const extentH = (windowH - 1) * dilationH + 1;
  const extentW = (windowW - 1) * dilationW + 1;
  const [outH, padTop, totalH] = axisGeometry(inputShape[1], extentH, strideH, padding, 0);
  const [outW, padLeft, totalW] = axisGeometry(inputShape[2], extentW, strideW, padding, 1);
  if (outH < 1 || outW < 1) {
    const dilated = dilationH > 1 || dilationW > 1 ? ` (${extentH}x${extentW} dilated)` : '';
    throw new ShapeError(
      `${op}: the ${windowH}x${windowW} ${windowName}${dilated} does not fit the ${inputShape[1]}x${inputShape[2]} input ` +
        `padded by ${totalH}x${totalW} (x ${formatShape(inputShape)}) - use padding 'same', a smaller ${windowName} or a larger input`,
    );
  }
  return { outH, outW, strideH, strideW, dilationH, dilationW, padTop, padLeft };
}

function checkConvShapes(op: string, inputShape: Shape, filterShape: Shape): void {
  checkRank4(op, 'x', inputShape, '[batch, height, width, inChannels]');
  checkRank4(op, 'filter', filterShape, '[filterHeight, filterWidth, inChannels, outChannels]');
  if (inputShape[3] !== filterShape[2]) {
    throw new ShapeError(
      `${op}: x ${formatShape(inputShape)} has ${inputShape[3]} channels but filter ${formatShape(filterShape)} expects ${filterShape[2]} ` +
        `(filter is [filterHeight, filterWidth, inChannels, outChannels]) - make the filter's third axis match x's last`,
    );
  }
}

function convGeometry(op: string, inputShape: Shape, filterShape: Shape, options: Conv2DOptions): Geometry2D {
  checkConvShapes(op, inputShape, filterShape);
  return windowGeometry(op, inputShape, filterShape[0], filterShape[1], options, 'filter');
}

/** The shape conv2d(x, filter, options) returns: [batch, outHeight, outWidth, outChannels]. */
export function conv2dOutputShape(inputShape: readonly number[], filterShape: readonly number[], options: Conv2DOptions = {}): number[] {
  const g = convGeometry('conv2dOutputShape', inputShape, filterShape, options);
  return [inputShape[0], g.outH, g.outW, filterShape[3]];
}

/**
 * 2-D convolution (cross-correlation, as in every framework) of x [batch,
 * height, width, inChannels] with filter [filterHeight, filterWidth,
 * inChannels, outChannels], giving [batch, outHeight, outWidth, outChannels].
 */
export const conv2d = defineOp((x: Tensor, filter: Tensor, options: Conv2DOptions = {}): Tensor => {
  const op = 'conv2d';
  let input = toTensor(x, 'x', op);
  let kernel = toTensor(filter, 'filter', op);
  const g = convGeometry(op, input.shape, kernel.shape, options);
  if (!isFloat(input.dtype) || !isFloat(kernel.dtype)) {
    throw new DTypeError(`${op}: needs float x and filter, got ${input.dtype} and ${kernel.dtype} - cast(x, 'float32') first`);
  }
  [input, kernel] = promotePair(input, kernel, promoteTypes(input.dtype, kernel.dtype));
  return convolve(input, kernel, attrsOf(g), [input.shape[0], g.outH, g.outW, kernel.shape[3]]);
});

function attrsOf(g: Geometry2D): Conv2DAttrs {
  const { strideH, strideW, dilationH, dilationW, padTop, padLeft } = g;
  return { strideH, strideW, dilationH, dilationW, padTop, padLeft };
}

/*
 * The three kernels are bilinear and each is the adjoint of another in one
 * argument, so every gradient, to any order, is one of the three with the
 * same geometry: for L = <w, conv(x, f)>, dL/dx = backpropInput(w, f) and
 * dL/df = backpropFilter(x, w); backpropInput and backpropFilter are
 * differentiated the same way.
 */

function convolve(x: Tensor, filter: Tensor, attrs: Conv2DAttrs, outShape: Shape): Tensor {
  return runKernel('conv2d', [x, filter], attrs, outShape, x.dtype, (dy, [xIn, fIn], _out, needs) => [
    needs[0] ? convBackpropInput(dy, fIn, attrs, xIn.shape) : null,
    needs[1] ? convBackpropFilter(xIn, dy, attrs, fIn.shape) : null,
  ]);
}

/** dL/dx of conv2d for dL/dy = dy; `inputShape` is x's shape (its size is not recoverable from dy alone). */
function convBackpropInput(dy: Tensor, filter: Tensor, attrs: Conv2DAttrs, inputShape: Shape): Tensor {
  return runKernel('conv2dBackpropInput', [dy, filter], attrs, inputShape, dy.dtype, (ddx, [dyIn, fIn], _out, needs) => [
    needs[0] ? convolve(ddx, fIn, attrs, dyIn.shape) : null,
    needs[1] ? convBackpropFilter(ddx, dyIn, attrs, fIn.shape) : null,
  ]);
}

/** dL/dfilter of conv2d for dL/dy = dy. */
function convBackpropFilter(x: Tensor, dy: Tensor, attrs: Conv2DAttrs, filterShape: Shape): Tensor {
  return runKernel('conv2dBackpropFilter', [x, dy], attrs, filterShape, x.dtype, (ddf, [xIn, dyIn], _out, needs) => [
    needs[0] ? convBackpropInput(dyIn, ddf, attrs, xIn.shape) : null,
    needs[1] ? convolve(xIn, ddf, attrs, dyIn.shape) : null,
  ]);
}
