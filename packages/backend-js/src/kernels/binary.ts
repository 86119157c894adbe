import type { TensorInfo, TypedArray } from '@neurite/core';
import { broadcastStrides, forEachRow } from './strided.js';

type Info = TensorInfo<TypedArray>;
type Binary = (inputs: [Info, Info], out: Info) => void;

/**
 * Builds a broadcasting kernel from `f`. Equal shapes and scalar operands take
 * straight loops; anything else walks rows with 0/1 inner strides.
 */
export function binaryKernel(f: (a: number, b: number) => number): Binary {
  return ([a, b], out) => {
    const x = a.storage;
    const y = b.storage;
    const o = out.storage;
    const n = out.size;
    if (a.size === n && b.size === n) {
      for (let i = 0; i < n; i++) o[i] = f(x[i], y[i]);
    } else if (b.size === 1 && a.size === n) {
      const s = y[0];
      for (let i = 0; i < n; i++) o[i] = f(x[i], s);
    } else if (a.size === 1 && b.size === n) {
      const s = x[0];
      for (let i = 0; i < n; i++) o[i] = f(s, y[i]);
    } else {
      const sa = broadcastStrides(a.shape, out.shape);
      const sb = broadcastStrides(b.shape, out.shape);
      const last = out.shape.length - 1;
      const cols = out.shape[last];
      const ia = sa[last];
      const ib = sb[last];
      forEachRow(out.shape, [sa, sb], (row, [oa, ob]) => {
        const base = row * cols;
        for (let j = 0; j < cols; j++) o[base + j] = f(x[oa + j * ia], y[ob + j * ib]);
      });
    }
  };
}

/** Same as binaryKernel; comparison results are 0/1 in an int32 output. */
export const compareKernel = (f: (a: number, b: number) => boolean): Binary => binaryKernel((a, b) => (f(a, b) ? 1 : 0));

/** Integer division truncates toward zero, like C; int32 outputs store it that way anyway. */
export const add = binaryKernel((a, b) => a + b);
export const sub = binaryKernel((a, b) => a - b);
export const mul = binaryKernel((a, b) => a * b);
export const div = binaryKernel((a, b) => a / b);
export const pow = binaryKernel(Math.pow);
// NaN propagates, as in NumPy's maximum/minimum.
export const maximum = binaryKernel((a, b) => (a > b || Number.isNaN(a) ? a : b));
export const minimum = binaryKernel((a, b) => (a < b || Number.isNaN(a) ? a : b));

export const equal = compareKernel((a, b) => a === b);
export const notEqual = compareKernel((a, b) => a !== b);
export const less = compareKernel((a, b) => a < b);
export const lessEqual = compareKernel((a, b) => a <= b);
export const greater = compareKernel((a, b) => a > b);
export const greaterEqual = compareKernel((a, b) => a >= b);

/** where(condition, a, b) with three-way broadcasting. */
export function where([c, a, b]: [Info, Info, Info], out: Info): void {
  const cs = broadcastStrides(c.shape, out.shape);
  const as = broadcastStrides(a.shape, out.shape);
  const bs = broadcastStrides(b.shape, out.shape);
  const last = out.shape.length - 1;
  const cols = last < 0 ? 1 : out.shape[last];
  const [ic, ia, ib] = last < 0 ? [0, 0, 0] : [cs[last], as[last], bs[last]];
  const cond = c.storage;
  const x = a.storage;
  const y = b.storage;
  const o = out.storage;
  forEachRow(out.shape, [cs, as, bs], (row, [oc, oa, ob]) => {
    const base = row * cols;
    for (let j = 0; j < cols; j++) o[base + j] = cond[oc + j * ic] !== 0 ? x[oa + j * ia] : y[ob + j * ib];
  });
}
