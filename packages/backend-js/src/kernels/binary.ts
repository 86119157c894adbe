import type { TensorInfo, TypedArray } from '@neurite/core';
import { broadcastStrides, forEachRow } from './strided.js';

type Info = TensorInfo<TypedArray>;
type Binary = (inputs: [Info, Info], out: Info) => void;

export type BinaryOp =
  | 'add' | 'sub' | 'mul' | 'div' | 'floorDiv' | 'pow' | 'maximum' | 'minimum'
  | 'equal' | 'notEqual' | 'less' | 'lessEqual' | 'greater' | 'greaterEqual';

/**
 * One strided run of `n` outputs: o[oo + i] = x[xo + i*xs] (op) y[yo + i*ys],
 * with strides 0 (broadcast) or 1. Each op has its own loop inside the switch
 * on purpose: V8 keeps type feedback per code site, so a loop calling a shared
 * closure `f(a, b)` goes megamorphic once several ops use it and runs ~7x
 * slower (measured), while these loops stay monomorphic and inline the math.
 */
function run(
  op: BinaryOp,
  x: TypedArray, xo: number, xs: number,
  y: TypedArray, yo: number, ys: number,
  o: TypedArray, oo: number, n: number,
): void {
  switch (op) {
    case 'add': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] + y[yo + i * ys]; return;
    case 'sub': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] - y[yo + i * ys]; return;
    case 'mul': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] * y[yo + i * ys]; return;
    case 'div': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] / y[yo + i * ys]; return;
    case 'floorDiv': for (let i = 0; i < n; i++) o[oo + i] = Math.floor(x[xo + i * xs] / y[yo + i * ys]); return;
    case 'pow': for (let i = 0; i < n; i++) o[oo + i] = Math.pow(x[xo + i * xs], y[yo + i * ys]); return;
    // NaN propagates, as in NumPy's maximum/minimum.
    case 'maximum':
      for (let i = 0; i < n; i++) {
        const a = x[xo + i * xs], b = y[yo + i * ys];
        o[oo + i] = a > b || a !== a ? a : b;
      }
      return;
    case 'minimum':
      for (let i = 0; i < n; i++) {
        const a = x[xo + i * xs], b = y[yo + i * ys];
        o[oo + i] = a < b || a !== a ? a : b;
      }
      return;
    case 'equal': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] === y[yo + i * ys] ? 1 : 0; return;
    case 'notEqual': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] !== y[yo + i * ys] ? 1 : 0; return;
    case 'less': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] < y[yo + i * ys] ? 1 : 0; return;
    case 'lessEqual': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] <= y[yo + i * ys] ? 1 : 0; return;
    case 'greater': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] > y[yo + i * ys] ? 1 : 0; return;
    case 'greaterEqual': for (let i = 0; i < n; i++) o[oo + i] = x[xo + i * xs] >= y[yo + i * ys] ? 1 : 0; return;
  }
}

/**
 * A broadcasting kernel. Equal shapes and scalar operands are one strided run;
 * anything else is one run per output row with 0/1 inner strides, so
 * broadcasting costs nothing per element.
 */
export function binaryKernel(name: BinaryOp): Binary {
  return ([a, b], out) => {
    // Integer division floors, as in TensorFlow and NumPy's `//`.
    const op = name === 'div' && out.dtype === 'int32' ? 'floorDiv' : name;
    const n = out.size;
    if ((a.size === n || a.size === 1) && (b.size === n || b.size === 1)) {
      run(op, a.storage, 0, a.size === n ? 1 : 0, b.storage, 0, b.size === n ? 1 : 0, out.storage, 0, n);
      return;
    }
    const sa = broadcastStrides(a.shape, out.shape);
    const sb = broadcastStrides(b.shape, out.shape);
    const last = out.shape.length - 1;
    const cols = out.shape[last];
    forEachRow(out.shape, [sa, sb], (row, [oa, ob]) => {
      run(op, a.storage, oa, sa[last], b.storage, ob, sb[last], out.storage, row * cols, cols);
    });
  };
}

export const add = binaryKernel('add');
export const sub = binaryKernel('sub');
export const mul = binaryKernel('mul');
export const div = binaryKernel('div');
export const pow = binaryKernel('pow');
export const maximum = binaryKernel('maximum');
export const minimum = binaryKernel('minimum');
/** Comparisons write 0/1 into an int32 output. */
export const equal = binaryKernel('equal');
export const notEqual = binaryKernel('notEqual');
export const less = binaryKernel('less');
export const lessEqual = binaryKernel('lessEqual');
export const greater = binaryKernel('greater');
export const greaterEqual = binaryKernel('greaterEqual');

/** where(condition, a, b) with three-way broadcasting. */
export function where([c, a, b]: [Info, Info, Info], out: Info): void {
  const cs = broadcastStrides(c.shape, out.shape);
  const as = broadcastStrides(a.shape, out.shape);
  const bs = broadcastStrides(b.shape, out.shape);
  const last = out.shape.length - 1;
  const cols = last < 0 ? 1 : out.shape[last];
  const ic = last < 0 ? 0 : cs[last];
  const ia = last < 0 ? 0 : as[last];
  const ib = last < 0 ? 0 : bs[last];
  const cond = c.storage;
  const x = a.storage;
  const y = b.storage;
  const o = out.storage;
  forEachRow(out.shape, [cs, as, bs], (row, [oc, oa, ob]) => {
    const base = row * cols;
    for (let j = 0; j < cols; j++) o[base + j] = cond[oc + j * ic] !== 0 ? x[oa + j * ia] : y[ob + j * ib];
  });
}
