import type { MatMulAttrs, TensorInfo, TypedArray } from '@neurite/core';

type Info = TensorInfo<TypedArray>;

/**
 * Blocked matrix multiply in the GotoBLAS shape, scaled to what V8 keeps in
 * registers: op(A) and op(B) are packed into contiguous panels (which also
 * absorbs the transposes), and a 4x4 micro-kernel accumulates 16 outputs in
 * locals (doubles) over a K block, so the hot loop does 8 loads per 16
 * multiply-adds and never touches C.
 */
const MR = 4;
const NR = 4;
/** Rows of A per block and depth per block: a packed A block (MC*KC floats) stays in L2. */
const MC = 64;
const KC = 256;

let packA = new Float64Array(MC * KC);
let packB = new Float64Array(0);

/** Batched C = op(A) op(B) with rank-3 inputs whose batch is equal or 1. */
export function matMul([a, b]: [Info, Info], out: Info, { transposeA, transposeB }: MatMulAttrs): void {
  const [batch, m, n] = out.shape;
  const k = transposeA ? a.shape[1] : a.shape[2];
  const aBatch = a.shape[0] === 1 ? 0 : m * k;
  const bBatch = b.shape[0] === 1 ? 0 : k * n;
  // Element (i, p) of op(A) is at i*ars + p*acs; element (p, j) of op(B) at p*brs + j*bcs.
  const ars = transposeA ? 1 : k;
  const acs = transposeA ? m : 1;
  const brs = transposeB ? 1 : n;
  const bcs = transposeB ? k : 1;
  for (let t = 0; t < batch; t++) {
    gemm(a.storage, t * aBatch, ars, acs, b.storage, t * bBatch, brs, bcs, out.storage, t * m * n, m, n, k, false);
  }
}

/**
 * One product C (m x n, rows n apart, from cOff) = op(A) op(B), or C += it
 * when `accumulate`. Element (i, p) of op(A) is A[aOff + i*ars + p*acs] and
 * element (p, j) of op(B) is B[bOff + p*brs + j*bcs], so transposes, and
 * views such as an im2col panel, cost nothing here. Other kernels (the
 * convolutions) call it directly.
 */
export function gemm(
  A: TypedArray,
  aOff: number,
  ars: number,
  acs: number,
  B: TypedArray,
  bOff: number,
  brs: number,
  bcs: number,
  C: TypedArray,
  cOff: number,
  m: number,
  n: number,
  k: number,
  accumulate: boolean,
): void {
  if (k === 0) {
    if (!accumulate) for (let i = 0; i < m; i++) C.fill(0, cOff + i * n, cOff + (i + 1) * n);
    return;
  }
  const nPanels = Math.ceil(n / NR);
  if (packB.length < nPanels * NR * KC) packB = new Float64Array(nPanels * NR * KC);
  for (let pc = 0; pc < k; pc += KC) {
    const kc = Math.min(KC, k - pc);
    packPanels(B, packB, bOff + pc * brs, n, kc, bcs, brs, NR);
    for (let ic = 0; ic < m; ic += MC) {
      const mc = Math.min(MC, m - ic);
      packPanels(A, packA, aOff + ic * ars + pc * acs, mc, kc, ars, acs, MR);
      for (let jr = 0; jr < n; jr += NR) {
        for (let ir = 0; ir < mc; ir += MR) {
          microKernel(kc, (ir / MR) * MR * kc, (jr / NR) * NR * kc, C, cOff + (ic + ir) * n + jr, n, Math.min(MR, mc - ir), Math.min(NR, n - jr), accumulate || pc > 0);
        }
      }
    }
  }
}

/**
 * Packs `count` lines (rows of A or columns of B) of length `depth` into
 * panels of `width` lines, interleaved so the micro-kernel reads both operands
 * sequentially: dst[(panel * depth + p) * width + l]. Missing lines pad with 0.
 */
function packPanels(
  src: TypedArray,
  dst: Float64Array,
  base: number,
  count: number,
  depth: number,
  lineStride: number,
  depthStride: number,
  width: number,
): void {
  for (let l0 = 0, panel = 0; l0 < count; l0 += width, panel++) {
    const lines = Math.min(width, count - l0);
    const start = panel * depth * width;
    for (let l = 0; l < width; l++) {
      let d = start + l;
      if (l < lines) {
        let s = base + (l0 + l) * lineStride;
        for (let p = 0; p < depth; p++, d += width, s += depthStride) dst[d] = src[s];
      } else {
        for (let p = 0; p < depth; p++, d += width) dst[d] = 0;
      }
    }
  }
}

function microKernel(
  kc: number,
  aOff: number,
  bOff: number,
  C: TypedArray,
  cOff: number,
  ldc: number,
  rows: number,
  cols: number,
  accumulate: boolean,
): void {
  const A = packA;
  const B = packB;
  let c00 = 0, c01 = 0, c02 = 0, c03 = 0;
  let c10 = 0, c11 = 0, c12 = 0, c13 = 0;
  let c20 = 0, c21 = 0, c22 = 0, c23 = 0;
  let c30 = 0, c31 = 0, c32 = 0, c33 = 0;
  for (let p = 0, ai = aOff, bi = bOff; p < kc; p++, ai += MR, bi += NR) {
    const a0 = A[ai], a1 = A[ai + 1], a2 = A[ai + 2], a3 = A[ai + 3];
    const b0 = B[bi], b1 = B[bi + 1], b2 = B[bi + 2], b3 = B[bi + 3];
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  if (rows === MR && cols === NR) {
    if (accumulate) {
      C[cOff] += c00; C[cOff + 1] += c01; C[cOff + 2] += c02; C[cOff + 3] += c03;
      cOff += ldc;
      C[cOff] += c10; C[cOff + 1] += c11; C[cOff + 2] += c12; C[cOff + 3] += c13;
      cOff += ldc;
      C[cOff] += c20; C[cOff + 1] += c21; C[cOff + 2] += c22; C[cOff + 3] += c23;
      cOff += ldc;
      C[cOff] += c30; C[cOff + 1] += c31; C[cOff + 2] += c32; C[cOff + 3] += c33;
    } else {
      C[cOff] = c00; C[cOff + 1] = c01; C[cOff + 2] = c02; C[cOff + 3] = c03;
      cOff += ldc;
      C[cOff] = c10; C[cOff + 1] = c11; C[cOff + 2] = c12; C[cOff + 3] = c13;
      cOff += ldc;
      C[cOff] = c20; C[cOff + 1] = c21; C[cOff + 2] = c22; C[cOff + 3] = c23;
      cOff += ldc;
      C[cOff] = c30; C[cOff + 1] = c31; C[cOff + 2] = c32; C[cOff + 3] = c33;
    }
    return;
  }
  // Edge tile: write back only the rows and columns that exist (no temporary array: this runs per tile).
  writeRow(C, cOff, cols, accumulate, c00, c01, c02, c03);
  if (rows > 1) writeRow(C, cOff + ldc, cols, accumulate, c10, c11, c12, c13);
  if (rows > 2) writeRow(C, cOff + 2 * ldc, cols, accumulate, c20, c21, c22, c23);
  if (rows > 3) writeRow(C, cOff + 3 * ldc, cols, accumulate, c30, c31, c32, c33);
}

function writeRow(C: TypedArray, at: number, cols: number, accumulate: boolean, v0: number, v1: number, v2: number, v3: number): void {
  if (accumulate) {
    C[at] += v0;
    if (cols > 1) C[at + 1] += v1;
    if (cols > 2) C[at + 2] += v2;
    if (cols > 3) C[at + 3] += v3;
  } else {
    C[at] = v0;
    if (cols > 1) C[at + 1] = v1;
    if (cols > 2) C[at + 2] = v2;
    if (cols > 3) C[at + 3] = v3;
  }
}
