import type { Conv2DAttrs, TensorInfo, TypedArray } from '@neurite/core';
import { gemm } from './matmul.js';

type Info = TensorInfo<TypedArray>;

/*
 * Convolution as matrix products (im2col): row r = (n, oh, ow) of the column
 * matrix holds the KH*KW*Ci input values under the filter at that output
 * position, in the filter's own [kh, kw, ci] order, so the filter is already
 * the [KH*KW*Ci, Co] right-hand matrix and the output the [N*OH*OW, Co] result.
 * Rows are built a chunk at a time so the scratch stays cache-sized, and each
 * chunk goes through the blocked matMul (gemm):
 *   forward          y[rows]  = cols @ filter
 *   filter gradient  dfilter += cols^T @ dy[rows]
 *   input gradient   dcols    = dy[rows] @ filter^T, scattered back (col2im)
 */

/** Scratch elements per chunk of column rows (~1 MB of doubles). */
const CHUNK_ELEMENTS = 1 << 17;

let cols = new Float64Array(0);

interface Geometry {
  n: number;
  h: number;
  w: number;
  ci: number;
  kh: number;
  kw: number;
  co: number;
  oh: number;
  ow: number;
  /** Length of an im2col row: kh * kw * ci. */
  k: number;
  /** Rows of the column matrix: n * oh * ow. */
  rows: number;
}

function geometry(x: readonly number[], filter: readonly number[], y: readonly number[]): Geometry {
  const [n, h, w, ci] = x;
  const [kh, kw, , co] = filter;
  const [, oh, ow] = y;
  return { n, h, w, ci, kh, kw, co, oh, ow, k: kh * kw * ci, rows: n * oh * ow };
}

/** A 1x1 filter at stride 1 without padding reads x itself as the column matrix. */
function isPointwise(g: Geometry, a: Conv2DAttrs): boolean {
  return g.kh === 1 && g.kw === 1 && a.strideH === 1 && a.strideW === 1 && a.padTop === 0 && a.padLeft === 0 && g.oh === g.h && g.ow === g.w;
}

function chunkRows(k: number): number {
  const rows = Math.max(64, Math.floor(CHUNK_ELEMENTS / Math.max(k, 1)));
  if (cols.length < rows * k) cols = new Float64Array(rows * k);
  return rows;
}

/** Fills cols[0 .. count*k) with column rows first .. first+count-1; padding reads as 0. */
function im2col(x: TypedArray, g: Geometry, a: Conv2DAttrs, first: number, count: number): void {
  const { h, w, ci, kh, kw, oh, ow } = g;
  const { strideH, strideW, dilationH, dilationW, padTop, padLeft } = a;
  const dst = cols;
  let ox = first % ow;
  let oy = Math.floor(first / ow) % oh;
  let b = Math.floor(first / (ow * oh));
  for (let r = 0, d = 0; r < count; r++) {
    const top = oy * strideH - padTop;
    const left = ox * strideW - padLeft;
    const image = b * h;
    for (let fy = 0; fy < kh; fy++) {
      const iy = top + fy * dilationH;
      const rowInside = iy >= 0 && iy < h;
      for (let fx = 0; fx < kw; fx++) {
        const ix = left + fx * dilationW;
        if (rowInside && ix >= 0 && ix < w) {
          for (let c = 0, s = ((image + iy) * w + ix) * ci; c < ci; c++) dst[d++] = x[s + c];
        } else {
          for (let c = 0; c < ci; c++) dst[d++] = 0;
        }
      }
    }
    if (++ox === ow) {
      ox = 0;
      if (++oy === oh) {
        oy = 0;
        b++;
      }
    }
  }
}

/** Adds dcols (in `cols`) for rows first .. first+count-1 into acc, the input gradient; padding drops out. */
function col2im(acc: Float64Array, g: Geometry, a: Conv2DAttrs, first: number, count: number): void {
  const { h, w, ci, kh, kw, oh, ow } = g;
  const { strideH, strideW, dilationH, dilationW, padTop, padLeft } = a;
  const src = cols;
  let ox = first % ow;
  let oy = Math.floor(first / ow) % oh;
  let b = Math.floor(first / (ow * oh));
  for (let r = 0, s = 0; r < count; r++) {
    const top = oy * strideH - padTop;
    const left = ox * strideW - padLeft;
    const image = b * h;
    for (let fy = 0; fy < kh; fy++) {
      const iy = top + fy * dilationH;
      const rowInside = iy >= 0 && iy < h;
      for (let fx = 0; fx < kw; fx++) {
        const ix = left + fx * dilationW;
        if (rowInside && ix >= 0 && ix < w) {
          for (let c = 0, d = ((image + iy) * w + ix) * ci; c < ci; c++) acc[d + c] += src[s++];
        } else {
          s += ci;
        }
      }
    }
    if (++ox === ow) {
      ox = 0;
      if (++oy === oh) {
        oy = 0;
        b++;
      }
    }
  }
}

/** y [N,OH,OW,Co] = conv(x [N,H,W,Ci], filter [KH,KW,Ci,Co]). */
export function conv2d([x, filter]: [Info, Info], out: Info, attrs: Conv2DAttrs): void {
  const g = geometry(x.shape, filter.shape, out.shape);
  if (isPointwise(g, attrs)) {
    gemm(x.storage, 0, g.ci, 1, filter.storage, 0, g.co, 1, out.storage, 0, g.rows, g.co, g.ci, false);
    return;
  }
  const step = chunkRows(g.k);
  for (let r = 0; r < g.rows; r += step) {
    const count = Math.min(step, g.rows - r);
    im2col(x.storage, g, attrs, r, count);
    gemm(cols, 0, g.k, 1, filter.storage, 0, g.co, 1, out.storage, r * g.co, count, g.co, g.k, false);
  }
}

/** dfilter [KH,KW,Ci,Co] = cols(x)^T @ dy, summed over every output position. */
export function conv2dBackpropFilter([x, dy]: [Info, Info], out: Info, attrs: Conv2DAttrs): void {
  const g = geometry(x.shape, out.shape, dy.shape);
  if (g.rows === 0) {
    out.storage.fill(0);
    return;
  }
  if (isPointwise(g, attrs)) {
    gemm(x.storage, 0, 1, g.ci, dy.storage, 0, g.co, 1, out.storage, 0, g.ci, g.co, g.rows, false);
    return;
  }
  // Chunks add up: accumulate in float64 (the gradient is small), round once.
  const acc = new Float64Array(out.size);
  const step = chunkRows(g.k);
  for (let r = 0; r < g.rows; r += step) {
    const count = Math.min(step, g.rows - r);
    im2col(x.storage, g, attrs, r, count);
    gemm(cols, 0, 1, g.k, dy.storage, r * g.co, g.co, 1, acc, 0, g.k, g.co, count, r > 0);
  }
  const df = out.storage;
  for (let i = 0; i < out.size; i++) df[i] = acc[i];
}

/** dx [N,H,W,Ci]: each output position's dy @ filter^T, added back where its window read x. */
export function conv2dBackpropInput([dy, filter]: [Info, Info], out: Info, attrs: Conv2DAttrs): void {
  const g = geometry(out.shape, filter.shape, dy.shape);
  if (isPointwise(g, attrs)) {
    gemm(dy.storage, 0, g.co, 1, filter.storage, 0, 1, g.co, out.storage, 0, g.rows, g.ci, g.co, false);
    return;
  }
  // Windows overlap, so dx is a sum: accumulate in float64, round once.
  const acc = new Float64Array(out.size);
  const step = chunkRows(g.k);
  for (let r = 0; r < g.rows; r += step) {
    const count = Math.min(step, g.rows - r);
    gemm(dy.storage, r * g.co, g.co, 1, filter.storage, 0, 1, g.co, cols, 0, count, g.k, g.co, false);
    col2im(acc, g, attrs, r, count);
  }
  const dx = out.storage;
  for (let i = 0; i < out.size; i++) dx[i] = acc[i];
}

