import type { Conv2DAttrs, DType, TensorInfo } from '@neurite/core';
import { BYTES, DTYPE_CODE, type WasmHeap } from '../heap.js';
import { Job } from '../threads.js';
import { matMulKernel } from './matmul.js';

type Info = TensorInfo<number>;

/*
 * Two ways to convolve (see assembly/kernels/conv.ts for the algebra):
 * - patch-free (float32, SIMD build, small filters: the layers of small CNNs):
 *   register tiles read x and the filter in place, after a zero-bordered copy
 *   of one image at a time; the input gradient of a stride-1 convolution is
 *   the same kernel on dy with the filter turned half a turn. On the bench's
 *   16x28x28x8 * 3x3x8x16 the patch matrix and its packing into the matMul
 *   cost more than the multiply-adds, which is why this path exists.
 * - im2col + the blocked SIMD matMul (everything else): the output pixels are
 *   walked in chunks of rows so the patch matrix takes at most CHUNK_ELEMENTS
 *   of scratch whatever the batch; each chunk's matMul goes through the
 *   matMul adapter, so the threaded build splits it over the worker pool
 *   exactly as it splits a plain matMul.
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
 * Whether a float32 convolution whose output has `channels` channels runs
 * patch-free (assembly conv2dImages / conv2dFilterGrad: no patch matrix, no
 * packing): SIMD build, channels a multiple of 4, and a filter small enough
 * to stay in L1 (K * Co floats, 32 KB), as in the small networks these
 * kernels serve. Larger products amortise packing and go to the blocked matMul.
 */
function runsPatchFree(h: WasmHeap, g: ConvGeometry, channels: number): boolean {
  return g.dtype === 'float32' && h.exports.simd() !== 0 && !g.identity && channels % 4 === 0 && g.k * g.co <= PATCH_FREE_MAX_FILTER;
}

/** Filter elements (K * Co) up to which the patch-free kernels run. */
const PATCH_FREE_MAX_FILTER = 8192;

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * Runs a patch-free kernel (conv2dImages, or conv2dFilterGrad into `out`,
 * which it zeroes first) over images [0, n) of geometry `ints`. In the
 * threaded build, with `work` multiply-adds at least threadsMinWork, whole
 * images go to each thread of the pool; every thread gets its own
 * zero-bordered image scratch and, for the filter gradient, its own sum,
 * added into `out` here afterwards (workers cannot allocate).
 */
function runPatchFree(h: WasmHeap, job: typeof Job.convImages | typeof Job.convFilterGrad, ints: number[], [a, b]: [number, number], out: Info, co: number, n: number, work: number): void {
  const padBytes = align16(h.exports.convPaddedBytes(h.args(ints)[0]));
  const pool = h.threads;
  const parts = pool === null || work < h.threadsMinWork ? 1 : Math.min(pool.size, n);
  const grad = job === Job.convFilterGrad;
  const sumBytes = align16(out.size * 4);
  const sums = grad ? parts - 1 : 0;
  const bytes = padBytes * parts + sumBytes * sums;
  const scratch = bytes === 0 ? 0 : h.allocBytes(bytes, 'conv2d padded images');
  try {
    const pad = (i: number) => (padBytes === 0 ? 0 : scratch + i * padBytes);
    const dst = (i: number) => (i === 0 || !grad ? out.storage : scratch + padBytes * parts + (i - 1) * sumBytes);
    if (grad) {
      h.zero(out.storage, out.size * 4);
      if (sums > 0) h.zero(dst(1), sumBytes * sums);
    }
    const geom = h.args(ints)[0];
    if (pool === null || parts === 1) {
      (grad ? h.exports.conv2dFilterGrad : h.exports.conv2dImages)(a, b, out.storage, geom, co, pad(0), 0, n);
      return;
    }
    pool.run(Array.from({ length: parts }, (_, i) => [job, a, b, dst(i), geom, co, pad(i), Math.floor((n * i) / parts), Math.floor((n * (i + 1)) / parts)]));
    for (let i = 1; i <= sums; i++) h.exports.accumulate(DTYPE_CODE.float32, out.storage, dst(i), out.size);
  } finally {
    if (scratch !== 0) h.free(scratch);
  }
}

/** y = patches(x) @ filter: patch-free, or one chunk of output pixels at a time. */
export function conv2dKernel(h: WasmHeap) {
  const matMul = matMulKernel(h);
  return ([x, filter]: [Info, Info], out: Info, attrs: Conv2DAttrs): void => {
    if (out.size === 0) return;
    const g = geometry(x.shape, out.shape, filter.shape[0], filter.shape[1], attrs, out.dtype);
    if (runsPatchFree(h, g, g.co)) {
      runPatchFree(h, Job.convImages, g.ints, [x.storage, filter.storage], out, g.co, x.shape[0], g.m * g.k * g.co);
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
    if (runsPatchFree(h, g, g.co)) {
      runPatchFree(h, Job.convFilterGrad, g.ints, [x.storage, dy.storage], out, g.co, x.shape[0], g.m * g.k * g.co);
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
    if (g.m > 0 && g.co > 0 && backpropInputAsConv(h, dy, filter, out, g, attrs)) return;
    h.zero(out.storage, out.size * es);
    if (g.m === 0 || g.co === 0) return;
    eachChunk(h, g, (r0, r1, col) => {
      matMul([matrix(dy.storage + r0 * g.co * es, r1 - r0, g.co, g.dtype), f], matrix(col, r1 - r0, g.k, g.dtype), { transposeA: false, transposeB: true });
      h.exports.col2im(DTYPE_CODE[g.dtype], col, out.storage, h.args(g.ints)[0], r0, r1);
    });
  };
}

/**
 * dx of a stride-1 convolution as a forward, patch-free convolution of dy
 * with the filter turned half a turn (assembly flipFilter): no patch matrix
 * and no scatter-add. Returns false when it does not apply (strides, padding
 * beyond the filter's reach, or the conditions of runsPatchFree on dx's channels).
 */
function backpropInputAsConv(h: WasmHeap, dy: Info, filter: Info, out: Info, g: ConvGeometry, a: Conv2DAttrs): boolean {
  const [n, ih, iw, ci] = out.shape;
  const [, oh, ow, co] = dy.shape;
  const [kh, kw] = filter.shape;
  const padTop = (kh - 1) * a.dilationH - a.padTop;
  const padLeft = (kw - 1) * a.dilationW - a.padLeft;
  if (a.strideH !== 1 || a.strideW !== 1 || padTop < 0 || padLeft < 0 || !runsPatchFree(h, g, ci)) return false;
  const flipped = h.allocBytes(filter.size * 4, 'conv2dBackpropInput flipped filter');
  try {
    h.exports.flipFilter(filter.storage, flipped, kh, kw, ci, co);
    const ints = [n, oh, ow, co, ih, iw, kh, kw, 1, 1, a.dilationH, a.dilationW, padTop, padLeft];
    runPatchFree(h, Job.convImages, ints, [dy.storage, flipped], out, ci, n, g.m * g.k * g.co);
  } finally {
    h.free(flipped);
  }
  return true;
}
