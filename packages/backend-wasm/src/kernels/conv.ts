import type { Conv2DAttrs, DType, TensorInfo } from '@neurite/core';
import { BYTES, DTYPE_CODE, type WasmHeap } from '../heap.js';
import { matMulKernel } from './matmul.js';

type Info = TensorInfo<number>;

/*
 * Convolution as im2col + the blocked SIMD matMul (see assembly/kernels/conv.ts
 * for the algebra). The output pixels are walked in chunks of rows so the
 * patch matrix takes at most CHUNK_ELEMENTS of scratch whatever the batch;
 * each chunk's matMul goes through the matMul adapter, so the threaded build
 * splits it over the worker pool exactly as it splits a plain matMul.
 */

/** Patch-matrix elements per chunk (4 MB of float32): large enough that per-call costs vanish, small enough not to balloon the heap. */
const CHUNK_ELEMENTS = 1 << 20;

/** What the kernels need of one convolution; x is [n, h, w, ci], y is [n, oh, ow, co], the filter [kh, kw, ci, co]. */
interface ConvGeometry {
  dtype: DType;
  /** The i32 geometry the wasm side reads (assembly/kernels/conv.ts). */
  ints: number[];
  /** Output pixels (rows of the patch matrix) and filter taps (its columns). */
  m: number;
  k: number;
  co: number;
  /** True when the patch matrix is x itself (1x1 filter, stride 1, no padding): no im2col needed. */
  identity: boolean;
}

function geometry(xShape: readonly number[], yShape: readonly number[], kh: number, kw: number, a: Conv2DAttrs, dtype: DType): ConvGeometry {
  const [n, h, w, ci] = xShape;
  const [, oh, ow, co] = yShape;
  const identity = kh === 1 && kw === 1 && a.strideH === 1 && a.strideW === 1 && a.padTop === 0 && a.padLeft === 0 && oh === h && ow === w;
  return {
    dtype,
    ints: [n, h, w, ci, oh, ow, kh, kw, a.strideH, a.strideW, a.dilationH, a.dilationW, a.padTop, a.padLeft],
    m: n * oh * ow,
    k: kh * kw * ci,
    co,
    identity,
  };
}

/** A [rows, cols] matrix at `storage` as the rank-3 operand the matMul adapter takes. */
const matrix = (storage: number, rows: number, cols: number, dtype: DType): Info => ({ storage, shape: [1, rows, cols], dtype, size: rows * cols });

/** Calls `body(r0, r1, col)` for each chunk of patch-matrix rows, with `col` scratch for one chunk (0 when the patch matrix is x itself). */
function eachChunk(h: WasmHeap, g: ConvGeometry, body: (r0: number, r1: number, col: number) => void): void {
  if (g.identity) {
    body(0, g.m, 0);
    return;
  }
  const rows = Math.max(1, Math.min(g.m, Math.floor(CHUNK_ELEMENTS / g.k)));
  const col = h.allocBytes(rows * g.k * BYTES[g.dtype], 'conv2d patch matrix');
  try {
    for (let r0 = 0; r0 < g.m; r0 += rows) body(r0, Math.min(g.m, r0 + rows), col);
  } finally {
    h.free(col);
  }
}

/**
 * Whether conv2d runs straight from x (assembly conv2dDirect) instead of
 * through the patch matrix: float32 in the SIMD build with at most 2 input
 * channels (a first layer) and whole 32-channel blocks of output. Measured in
 * one run on [64,28,28,1]*[3,3,1,32]: ~1.3x faster than im2col + matMul; with
 * Ci=3 they tie, and with Co=8 direct is 2.5x slower.
 */
function runsDirect(h: WasmHeap, g: ConvGeometry, ci: number): boolean {
  return g.dtype === 'float32' && h.exports.simd() !== 0 && ci <= 2 && g.co % 32 === 0;
}

/** y = patches(x) @ filter, one chunk of output pixels at a time. */
export function conv2dKernel(h: WasmHeap) {
  const matMul = matMulKernel(h);
  return ([x, filter]: [Info, Info], out: Info, attrs: Conv2DAttrs): void => {
    if (out.size === 0) return;
    const g = geometry(x.shape, out.shape, filter.shape[0], filter.shape[1], attrs, out.dtype);
    if (runsDirect(h, g, x.shape[3])) {
      h.exports.conv2dDirect(x.storage, filter.storage, out.storage, h.args(g.ints)[0], g.co, 0, g.m);
      return;
    }
    const es = BYTES[g.dtype];
    const f = matrix(filter.storage, g.k, g.co, g.dtype);
    eachChunk(h, g, (r0, r1, col) => {
      if (!g.identity) h.exports.im2col(DTYPE_CODE[g.dtype], x.storage, col, h.args(g.ints)[0], r0, r1);
      const a = g.identity ? matrix(x.storage, g.m, g.k, g.dtype) : matrix(col, r1 - r0, g.k, g.dtype);
      matMul([a, f], matrix(out.storage + r0 * g.co * es, r1 - r0, g.co, g.dtype), { transposeA: false, transposeB: false });
    });
  };
}

/** dW = patches(x)^T @ dy, summed over the chunks of output pixels. */
export function conv2dBackpropFilterKernel(h: WasmHeap) {
  const matMul = matMulKernel(h);
  return ([x, dy]: [Info, Info], out: Info, attrs: Conv2DAttrs): void => {
    if (out.size === 0) return;
    const g = geometry(x.shape, dy.shape, out.shape[0], out.shape[1], attrs, out.dtype);
    const es = BYTES[g.dtype];
    if (g.m === 0) {
      h.zero(out.storage, out.size * es);
      return;
    }
    const dw = matrix(out.storage, g.k, g.co, g.dtype);
    // Chunks after the first are computed here and added to dw (a few KB: the size of the filter).
    let partial = 0;
    try {
      eachChunk(h, g, (r0, r1, col) => {
        if (!g.identity) h.exports.im2col(DTYPE_CODE[g.dtype], x.storage, col, h.args(g.ints)[0], r0, r1);
        const patches = g.identity ? matrix(x.storage, g.m, g.k, g.dtype) : matrix(col, r1 - r0, g.k, g.dtype);
        const grads = matrix(dy.storage + r0 * g.co * es, r1 - r0, g.co, g.dtype);
        if (r0 === 0) {
          matMul([patches, grads], dw, { transposeA: true, transposeB: false });
          return;
        }
        if (partial === 0) partial = h.allocBytes(out.size * es, 'conv2dBackpropFilter partial sum');
        matMul([patches, grads], matrix(partial, g.k, g.co, g.dtype), { transposeA: true, transposeB: false });
        h.exports.accumulate(DTYPE_CODE[g.dtype], out.storage, partial, out.size);
      });
    } finally {
      if (partial !== 0) h.free(partial);
    }
  };
}

/** dx = col2im(dy @ filter^T): each chunk's patch gradients are scattered back onto the pixels they came from. */
export function conv2dBackpropInputKernel(h: WasmHeap) {
  const matMul = matMulKernel(h);
  return ([dy, filter]: [Info, Info], out: Info, attrs: Conv2DAttrs): void => {
    if (out.size === 0) return;
    const g = geometry(out.shape, dy.shape, filter.shape[0], filter.shape[1], attrs, out.dtype);
    const es = BYTES[g.dtype];
    const f = matrix(filter.storage, g.k, g.co, g.dtype);
    if (g.identity) {
      matMul([matrix(dy.storage, g.m, g.co, g.dtype), f], matrix(out.storage, g.m, g.k, g.dtype), { transposeA: false, transposeB: true });
      return;
    }
    h.zero(out.storage, out.size * es);
    if (g.m === 0 || g.co === 0) return;
    eachChunk(h, g, (r0, r1, col) => {
      matMul([matrix(dy.storage + r0 * g.co * es, r1 - r0, g.co, g.dtype), f], matrix(col, r1 - r0, g.k, g.dtype), { transposeA: false, transposeB: true });
      h.exports.col2im(DTYPE_CODE[g.dtype], col, out.storage, h.args(g.ints)[0], r0, r1);
    });
  };
}
