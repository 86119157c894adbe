import { F32, I32 } from './common';

/*
 * Batched C = op(A) op(B) with rank-3 inputs whose batch is equal or 1.
 * Element (i, p) of op(A) is at i*ars + p*acs, element (p, j) of op(B) at
 * p*brs + j*bcs, so transposes are just strides (absorbed by packing).
 *
 * SIMD build, float32: GotoBLAS blocking. A KC-deep slice of op(B) is packed
 * into panels of NR=8 columns and an MC-row block of op(A) into panels of MR=5
 * rows, both laid out in the order the micro-kernel reads them; a 5x8
 * micro-kernel keeps its 40 outputs in 10 f32x4 accumulators over the K block
 * (2 vector loads and 5 splat loads per 40 multiply-adds) and never touches C
 * inside the loop. 10 accumulators + 2 B vectors + 1 A splat fit the 16 SIMD
 * registers V8 has on x64: measured in one run, 5x8 gave ~45 GFLOP/s at 512,
 * 4x8 ~38, and 6x8 (15 live vectors) ~25 as V8 spilled. The B panel
 * (KC*NR floats, 16 KB) stays in L1, the A block (MC*KC floats, 240 KB) in L2.
 *
 * Relaxed-SIMD build (--enable relaxed-simd): the multiply-add is one
 * f32x4.relaxed_madd (an FMA where the CPU has one), which needs no temporary
 * register for the product, so a 6x8 tile (12 accumulators + 2 B + 1 A = the
 * 15 vectors V8 allocates on x64) fits without spilling. Measured on an AMD
 * EPYC (Zen 5) in CPU time: FMA with the 5x8 tile ran as fast as mul+add
 * (~45 GFLOP/s; that CPU adds and multiplies on separate pipes), FMA with 6x8
 * ~48 GFLOP/s (fewer loads and loop steps per multiply-add).
 */
export const MR = ASC_FEATURE_RELAXED_SIMD ? 6 : 5;
export const NR = 8;
export const MC = 120; // a multiple of MR (and of the scalar kernel's 4)
// 512 deep rather than 256: half the passes over C and half the micro-kernel
// prologues and epilogues for k >= 512; measured interleaved in one process
// (2026-11-24), +2-5% at 512 and 1024 and the same at 256.
export const KC = 512;

/*
 * Scratch is passed in, never static or allocated inside the row loop: in the
 * threaded build several instances share this memory but not the allocator
 * (its state is in per-instance globals), so the main thread allocates the
 * scratch of every thread and each runs `matMulRows` (or `matMulShared`, in
 * matmul-threads.ts) on its own. Layout: packed A block, packed B slice, then one edge tile
 * (edge tiles are computed whole into it, then the valid part is copied).
 */
export function packedABytes(width: i32): usize {
  return <usize>((MC + width - 1) / width) * width * KC * 4;
}

export function packedBBytes(n: i32, width: i32): usize {
  return <usize>((n + width - 1) / width) * width * KC * 4;
}

/** Bytes of scratch one thread needs for a float32 matMul with n output columns. */
export function matMulScratch(n: i32): usize {
  const width = ASC_FEATURE_SIMD ? NR : SR;
  return packedABytes(width) + packedBBytes(n, width) + MR * NR * 4;
}

/** Packs `rows` lines of op(A) into panels of `width` rows: dst[(panel*depth + p)*width + r]; missing rows are 0. */
export function packA(src: usize, dst: usize, base: i32, rows: i32, depth: i32, rs: i32, cs: i32, width: i32): void {
  for (let r0 = 0, panel = 0; r0 < rows; r0 += width, panel++) {
    const lines = min(width, rows - r0);
    const start = dst + (<usize>panel * depth * width << 2);
    for (let l = 0; l < width; l++) {
      let d = start + (<usize>l << 2);
      if (l < lines) {
        let s = base + (r0 + l) * rs;
        for (let p = 0; p < depth; p++, d += width << 2, s += cs) store<f32>(d, load<f32>(src + (<usize>s << 2)));
      } else {
        for (let p = 0; p < depth; p++, d += width << 2) store<f32>(d, 0);
      }
    }
  }
}

/** Packs `cols` columns of op(B) into panels of `width` columns: dst[(panel*depth + p)*width + j]. */
export function packB(src: usize, dst: usize, base: i32, cols: i32, depth: i32, cs: i32, rs: i32, width: i32): void {
  for (let c0 = 0, panel = 0; c0 < cols; c0 += width, panel++) {
    const lines = min(width, cols - c0);
    const start = dst + (<usize>panel * depth * width << 2);
    if (lines == width && cs == 1) {
      // Rows of B are contiguous: copy a whole panel row per depth step. With
      // two v128 moves for the SIMD build's 8 columns, not memory.copy: V8
      // compiles that to a call out of wasm code, and 32 bytes a call made
      // packing a sizeable part of a 256x256 matMul.
      let d = start, q = src + (<usize>(base + c0) << 2);
      const step = <usize>rs << 2;
      if (ASC_FEATURE_SIMD && width == 8) {
        for (let p = 0; p < depth; p++, d += 32, q += step) {
          v128.store(d, v128.load(q));
          v128.store(d, v128.load(q, 16), 16);
        }
      } else {
        for (let p = 0; p < depth; p++, d += <usize>width << 2, q += step) {
          for (let j = 0; j < width; j++) store<f32>(d + (<usize>j << 2), load<f32>(q + (<usize>j << 2)));
        }
      }
      continue;
    }
    for (let l = 0; l < width; l++) {
      let d = start + (<usize>l << 2);
      if (l < lines) {
        let s = base + (c0 + l) * cs;
        for (let p = 0; p < depth; p++, d += width << 2, s += rs) store<f32>(d, load<f32>(src + (<usize>s << 2)));
      } else {
        for (let p = 0; p < depth; p++, d += width << 2) store<f32>(d, 0);
      }
    }
  }
}

/** c + a*b per lane: fused (relaxed_madd) in the relaxed-SIMD build, mul then add otherwise. */
// @ts-ignore: decorator
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

export function micro(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, edge: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  let c40 = f32x4.splat(0), c41 = f32x4.splat(0);
  // The sixth row of the relaxed build's 6x8 tile (MR == 6); dead code, removed, in the 5x8 build.
  let c50 = f32x4.splat(0), c51 = f32x4.splat(0);
  for (let p = 0; p < kc; p++, ap += MR << 2, bp += NR << 2) {
    const b0 = v128.load(bp), b1 = v128.load(bp, 16);
    let a = v128.load32_splat(ap);
    c00 = madd(a, b0, c00);
    c01 = madd(a, b1, c01);
    a = v128.load32_splat(ap, 4);
    c10 = madd(a, b0, c10);
    c11 = madd(a, b1, c11);
    a = v128.load32_splat(ap, 8);
    c20 = madd(a, b0, c20);
    c21 = madd(a, b1, c21);
    a = v128.load32_splat(ap, 12);
    c30 = madd(a, b0, c30);
    c31 = madd(a, b1, c31);
    a = v128.load32_splat(ap, 16);
    c40 = madd(a, b0, c40);
    c41 = madd(a, b1, c41);
    if (MR == 6) {
      a = v128.load32_splat(ap, 20);
      c50 = madd(a, b0, c50);
      c51 = madd(a, b1, c51);
    }
  }
  const full = rows == MR && cols == NR;
  const out = full ? c : edge;
  const ld: usize = full ? <usize>ldc << 2 : NR << 2;
  if (full && accumulate) {
    v128.store(out, f32x4.add(v128.load(out), c00));
    v128.store(out, f32x4.add(v128.load(out, 16), c01), 16);
    v128.store(out + ld, f32x4.add(v128.load(out + ld), c10));
    v128.store(out + ld, f32x4.add(v128.load(out + ld, 16), c11), 16);
    v128.store(out + 2 * ld, f32x4.add(v128.load(out + 2 * ld), c20));
    v128.store(out + 2 * ld, f32x4.add(v128.load(out + 2 * ld, 16), c21), 16);
    v128.store(out + 3 * ld, f32x4.add(v128.load(out + 3 * ld), c30));
    v128.store(out + 3 * ld, f32x4.add(v128.load(out + 3 * ld, 16), c31), 16);
    v128.store(out + 4 * ld, f32x4.add(v128.load(out + 4 * ld), c40));
    v128.store(out + 4 * ld, f32x4.add(v128.load(out + 4 * ld, 16), c41), 16);
    if (MR == 6) {
      v128.store(out + 5 * ld, f32x4.add(v128.load(out + 5 * ld), c50));
      v128.store(out + 5 * ld, f32x4.add(v128.load(out + 5 * ld, 16), c51), 16);
    }
    return;
  }
  v128.store(out, c00);
  v128.store(out, c01, 16);
  v128.store(out + ld, c10);
  v128.store(out + ld, c11, 16);
  v128.store(out + 2 * ld, c20);
  v128.store(out + 2 * ld, c21, 16);
  v128.store(out + 3 * ld, c30);
  v128.store(out + 3 * ld, c31, 16);
  v128.store(out + 4 * ld, c40);
  v128.store(out + 4 * ld, c41, 16);
  if (MR == 6) {
    v128.store(out + 5 * ld, c50);
    v128.store(out + 5 * ld, c51, 16);
  }
  if (full) return;
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const at = c + ((<usize>r * ldc + j) << 2);
      const v = load<f32>(edge + ((<usize>r * NR + j) << 2));
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

/**
 * Scalar build, float32: the same blocking with 4x4 panels and a micro-kernel
 * of 16 scalar accumulators (what fits in registers without SIMD).
 */
const SR = 4;

function microScalar(kc: i32, ap: usize, bp: usize, c: usize, ldc: i32, rows: i32, cols: i32, accumulate: bool, edge: usize): void {
  let c00: f32 = 0, c01: f32 = 0, c02: f32 = 0, c03: f32 = 0;
  let c10: f32 = 0, c11: f32 = 0, c12: f32 = 0, c13: f32 = 0;
  let c20: f32 = 0, c21: f32 = 0, c22: f32 = 0, c23: f32 = 0;
  let c30: f32 = 0, c31: f32 = 0, c32: f32 = 0, c33: f32 = 0;
  for (let p = 0; p < kc; p++, ap += SR << 2, bp += SR << 2) {
    const a0 = load<f32>(ap), a1 = load<f32>(ap, 4), a2 = load<f32>(ap, 8), a3 = load<f32>(ap, 12);
    const b0 = load<f32>(bp), b1 = load<f32>(bp, 4), b2 = load<f32>(bp, 8), b3 = load<f32>(bp, 12);
    c00 += a0 * b0; c01 += a0 * b1; c02 += a0 * b2; c03 += a0 * b3;
    c10 += a1 * b0; c11 += a1 * b1; c12 += a1 * b2; c13 += a1 * b3;
    c20 += a2 * b0; c21 += a2 * b1; c22 += a2 * b2; c23 += a2 * b3;
    c30 += a3 * b0; c31 += a3 * b1; c32 += a3 * b2; c33 += a3 * b3;
  }
  const t = edge;
  store<f32>(t, c00); store<f32>(t, c01, 4); store<f32>(t, c02, 8); store<f32>(t, c03, 12);
  store<f32>(t, c10, 16); store<f32>(t, c11, 20); store<f32>(t, c12, 24); store<f32>(t, c13, 28);
  store<f32>(t, c20, 32); store<f32>(t, c21, 36); store<f32>(t, c22, 40); store<f32>(t, c23, 44);
  store<f32>(t, c30, 48); store<f32>(t, c31, 52); store<f32>(t, c32, 56); store<f32>(t, c33, 60);
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < cols; j++) {
      const at = c + ((<usize>r * ldc + j) << 2);
      const v = load<f32>(t + ((<usize>r * SR + j) << 2));
      store<f32>(at, accumulate ? load<f32>(at) + v : v);
    }
  }
}

/** Rows (PR) and columns (PC) of a panel: the SIMD build's 5x8 vector tile, or the scalar build's 4x4. */
const PR: i32 = ASC_FEATURE_SIMD ? MR : SR;
const PC: i32 = ASC_FEATURE_SIMD ? NR : SR;

/**
 * Output rows [r0, r1) of batches [t0, t1), blocked as above with the build's
 * micro-kernel; each output element sums in the same order whatever the range.
 */
function matMulBlocked(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, aBatch: i32, bBatch: i32, ars: i32, acs: i32, brs: i32, bcs: i32, t0: i32, t1: i32, r0: i32, r1: i32, scratch: usize): void {
  const pa = scratch;
  const pb = pa + packedABytes(PR);
  const edge = pb + packedBBytes(n, PC);
  for (let t = t0; t < t1; t++) {
    const ao = t * aBatch, bo = t * bBatch;
    const co = c + (<usize>t * m * n << 2);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      packB(b, pb, bo + pc * brs, n, kc, bcs, brs, PC);
      for (let ic = r0; ic < r1; ic += MC) {
        const mc = min(MC, r1 - ic);
        packA(a, pa, ao + ic * ars + pc * acs, mc, kc, ars, acs, PR);
        for (let jr = 0; jr < n; jr += PC) {
          const bp = pb + (<usize>(jr / PC) * PC * kc << 2);
          for (let ir = 0; ir < mc; ir += PR) {
            const ap = pa + (<usize>(ir / PR) * PR * kc << 2);
            const out = co + ((<usize>(ic + ir) * n + jr) << 2);
            if (ASC_FEATURE_SIMD) micro(kc, ap, bp, out, n, min(PR, mc - ir), min(PC, n - jr), pc > 0, edge);
            else microScalar(kc, ap, bp, out, n, min(PR, mc - ir), min(PC, n - jr), pc > 0, edge);
          }
        }
      }
    }
  }
}

/**
 * float64 and int32 (both builds): op(B) is copied row-major
 * when its rows are strided, then C row i accumulates a(i,p) * B row p in
 * i-p-j order so the inner loop is unit-stride.
 */
function matMulT<T>(a: usize, b: usize, c: usize, batch: i32, m: i32, n: i32, k: i32, aBatch: i32, bBatch: i32, ars: i32, acs: i32, brs: i32, bcs: i32): void {
  const es = sizeof<T>();
  const packed = bcs != 1;
  const pb = packed ? heap.alloc(<usize>k * n * es) : 0;
  for (let t = 0; t < batch; t++) {
    const ao = a + <usize>t * aBatch * es;
    let bo = b + <usize>t * bBatch * es;
    if (packed) {
      for (let p = 0; p < k; p++) {
        for (let j = 0; j < n; j++) store<T>(pb + (<usize>p * n + j) * es, load<T>(bo + (<usize>p * brs + <usize>j * bcs) * es));
      }
      bo = pb;
    }
    const rowStride = packed ? n : brs;
    for (let i = 0; i < m; i++) {
      const crow = c + (<usize>t * m * n + <usize>i * n) * es;
      memory.fill(crow, 0, <usize>n * es);
      for (let p = 0; p < k; p++) {
        const aip = load<T>(ao + (<usize>i * ars + <usize>p * acs) * es);
        const brow = bo + <usize>p * rowStride * es;
        for (let j = 0; j < n; j++) {
          const q = crow + <usize>j * es;
          store<T>(q, load<T>(q) + aip * load<T>(brow + <usize>j * es));
        }
      }
    }
  }
  if (packed) heap.free(pb);
}

/**
 * float32 output rows [r0, r1) of batches [t0, t1) (k > 0), with `matMulScratch(n)`
 * bytes of scratch at `scratch`: the part of a matMul one thread computes.
 */
export function matMulRows(a: usize, b: usize, c: usize, m: i32, n: i32, k: i32, aBatch: i32, bBatch: i32, transposeA: bool, transposeB: bool, t0: i32, t1: i32, r0: i32, r1: i32, scratch: usize): void {
  const ars = transposeA ? 1 : k, acs = transposeA ? m : 1;
  const brs = transposeB ? 1 : n, bcs = transposeB ? k : 1;
  matMulBlocked(a, b, c, m, n, k, aBatch, bBatch, ars, acs, brs, bcs, t0, t1, r0, r1, scratch);
}

export function matMul(dt: i32, a: usize, b: usize, c: usize, batch: i32, m: i32, n: i32, k: i32, aBatch: i32, bBatch: i32, transposeA: bool, transposeB: bool): void {
  const ars = transposeA ? 1 : k, acs = transposeA ? m : 1;
  const brs = transposeB ? 1 : n, bcs = transposeB ? k : 1;
  if (k == 0) {
    memory.fill(c, 0, <usize>batch * m * n * (dt == F32 || dt == I32 ? 4 : 8));
    return;
  }
  if (dt == F32) {
    const scratch = heap.alloc(matMulScratch(n));
    matMulRows(a, b, c, m, n, k, aBatch, bBatch, transposeA, transposeB, 0, batch, 0, m, scratch);
    heap.free(scratch);
  } else if (dt == I32) matMulT<i32>(a, b, c, batch, m, n, k, aBatch, bBatch, ars, acs, brs, bcs);
  else matMulT<f64>(a, b, c, batch, m, n, k, aBatch, bBatch, ars, acs, brs, bcs);
}
