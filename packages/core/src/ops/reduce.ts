import { runKernel } from '../engine.js';
import { DTypeError, ShapeError, formatShape } from '../errors.js';
import { normalizeAxes, normalizeAxis, sizeOf } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { add, div, mul, sub } from './binary.js';
import { broadcastTo } from './broadcast-to.js';
import { cast } from './cast.js';
import { equal, less, where } from './compare.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { reshape, stopGradient } from './reshape.js';
import { transpose } from './transpose.js';
import { abs, exp, log, square } from './unary.js';

type ReduceKernel = 'sum' | 'prod' | 'max' | 'min' | 'argMax' | 'argMin';

interface Plan {
  /** The input with reduced axes moved last (no copy when they already are). */
  input: Tensor;
  reduceSize: number;
  outShape: number[];
  /** `input`'s shape with the reduced (trailing) axes as 1, for broadcasting gradients back. */
  keptShape: number[];
  /** The reduced axes of `input`: always the trailing ones. */
  inputAxes: number[];
}

function plan(t: Tensor, axes: number[], keepDims: boolean): Plan {
  const kept = t.shape.map((_, i) => i).filter((i) => !axes.includes(i));
  const alreadyLast = axes.every((a, i) => a === t.rank - axes.length + i);
  const input = alreadyLast ? t : transpose(t, [...kept, ...axes]);
  const keptDims = kept.map((i) => t.shape[i]);
  return {
    input,
    reduceSize: sizeOf(axes.map((a) => t.shape[a])),
    outShape: keepDims ? t.shape.map((d, i) => (axes.includes(i) ? 1 : d)) : keptDims,
    keptShape: [...keptDims, ...axes.map(() => 1)],
    inputAxes: axes.map((_, i) => kept.length + i),
  };
}

/** `grad` gets dy and y broadcast back to x's shape, and the reduced axes. */
type ReductionGrad = (dy: Tensor, x: Tensor, y: Tensor, axes: number[]) => Tensor;

function reduction(name: 'sum' | 'prod' | 'max' | 'min', grad: ReductionGrad) {
  return defineOp((x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor => {
    const t = toTensor(x, 'x', name);
    const ax = normalizeAxes(name, axes, t.rank);
    if ((name === 'max' || name === 'min') && ax.some((a) => t.shape[a] === 0)) {
      throw new ShapeError(`${name}: cannot reduce ${formatShape(t.shape)} over an empty axis - the ${name} of nothing is undefined`);
    }
    const p = plan(t, ax, keepDims);
    // The gradient is taken with respect to p.input; transpose's own gradient maps it back to x.
    const back = (v: Tensor) => broadcastTo(reshape(v, p.keptShape), p.input.shape);
    return runKernel(name as ReduceKernel, [p.input], { reduceSize: p.reduceSize }, p.outShape, t.dtype, (dy, [input], out) => [
      grad(back(dy), input, back(out), p.inputAxes),
    ]);
  });
}

/** Sum over `axes` (all by default); `keepDims` keeps them as size 1. */
export const sum = reduction('sum', (dy) => dy);
/** Product over `axes`. Its gradient divides by x, so it is not defined where x is 0. */
export const prod = reduction('prod', (dy, x, y) => mul(dy, div(y, x)));
/** Maximum over `axes`; tied maxima share the gradient equally. */
export const max = reduction('max', extremumGrad);
/** Minimum over `axes`; tied minima share the gradient equally. */
export const min = reduction('min', extremumGrad);

function extremumGrad(dy: Tensor, x: Tensor, y: Tensor, axes: number[]): Tensor {
  const mask = cast(equal(x, y), dy.dtype);
  const ties = broadcastTo(sum(mask, axes, true), x.shape);
  return mul(dy, div(mask, ties));
}

function argReduction(name: 'argMax' | 'argMin') {
  return defineOp((x: TensorLike, axis = 0): Tensor => {
    const t = toTensor(x, 'x', name);
    if (t.rank === 0) throw new ShapeError(`${name}: needs a tensor of rank >= 1, got a scalar`);
    const a = normalizeAxis(name, axis, t.rank);
    if (t.shape[a] === 0) throw new ShapeError(`${name}: axis ${a} of ${formatShape(t.shape)} is empty - nothing to pick from`);
    const p = plan(t, [a], false);
    return runKernel(name, [p.input], { reduceSize: p.reduceSize }, p.outShape, 'int32');
  });
}

/** Index of the largest value along `axis` (the first one on ties), as int32. */
export const argMax = argReduction('argMax');
/** Index of the smallest value along `axis` (the first one on ties), as int32. */
export const argMin = argReduction('argMin');

/** Arithmetic mean over `axes`. */
export const mean = defineOp((x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor => {
  const t = toTensor(x, 'x', 'mean');
  const ax = normalizeAxes('mean', axes, t.rank);
  const n = sizeOf(ax.map((a) => t.shape[a]));
  const total = sum(t.dtype === 'int32' ? cast(t, 'float32') : t, ax, keepDims);
  return div(total, n);
});

/** log(sum(exp(x))) over `axes`, shifted by the maximum so it cannot overflow. */
export const logSumExp = defineOp((x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor => {
  const t = toTensor(x, 'x', 'logSumExp');
  if (t.dtype === 'int32') throw new DTypeError(`logSumExp: needs a float tensor, got int32 - cast it first`);
  const ax = normalizeAxes('logSumExp', axes, t.rank);
  // An infinite or NaN maximum would turn x - shift into NaN (all -inf rows must give -inf): shift by 0 there.
  const m = max(t, ax, true);
  const shift = stopGradient(where(less(abs(m), Infinity), m, 0));
  const result = add(log(sum(exp(sub(t, shift)), ax, true)), shift);
  return keepDims ? result : reshape(result, t.shape.filter((_, i) => !ax.includes(i)));
});

/** Population variance (divides by n) over `axes`. */
export const variance = defineOp((x: TensorLike, axes?: number | readonly number[], keepDims = false): Tensor => {
  const t = toTensor(x, 'x', 'variance');
  const centered = sub(t, mean(t, axes, true));
  return mean(square(centered), axes, keepDims);
});
