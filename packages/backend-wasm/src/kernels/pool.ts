import type { Pool2DAttrs, TensorInfo } from '@neurite/core';
import { DTYPE_CODE, type WasmHeap } from '../heap.js';

type Info = TensorInfo<number>;

/** The i32 geometry assembly/kernels/pool.ts reads, for input x [n, h, w, c] and pooled y [n, oh, ow, c]. */
function geometry(xShape: readonly number[], yShape: readonly number[], a: Pool2DAttrs): number[] {
  const [n, h, w, c] = xShape;
  return [n, h, w, c, yShape[1], yShape[2], a.windowH, a.windowW, a.strideH, a.strideW, a.padTop, a.padLeft];
}

export function maxPoolKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, attrs: Pool2DAttrs): void => {
    if (out.size === 0) return;
    h.exports.maxPool(DTYPE_CODE[out.dtype], x.storage, out.storage, h.args(geometry(x.shape, out.shape, attrs))[0]);
  };
}

export function avgPoolKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, attrs: Pool2DAttrs): void => {
    if (out.size === 0) return;
    h.exports.avgPool(DTYPE_CODE[out.dtype], x.storage, out.storage, h.args(geometry(x.shape, out.shape, attrs))[0]);
  };
}

/** dx (shaped like x) from x and dy: each dy goes to the first maximum of its window. */
export function maxPoolGradKernel(h: WasmHeap) {
  return ([x, dy]: [Info, Info], out: Info, attrs: Pool2DAttrs): void => {
    if (out.size === 0) return;
    h.exports.maxPoolGrad(DTYPE_CODE[out.dtype], x.storage, dy.storage, out.storage, h.args(geometry(out.shape, dy.shape, attrs))[0]);
  };
}

/** dx with `out.shape` from dy: each dy is shared evenly by the in-bounds positions of its window. */
export function avgPoolGradKernel(h: WasmHeap) {
  return ([dy]: [Info], out: Info, attrs: Pool2DAttrs): void => {
    if (out.size === 0) return;
    h.exports.avgPoolGrad(DTYPE_CODE[out.dtype], dy.storage, out.storage, h.args(geometry(out.shape, dy.shape, attrs))[0]);
  };
}
