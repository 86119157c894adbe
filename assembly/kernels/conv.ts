import { F64, at } from './common';

/*
 * Convolution as matrix products (the adapter in
 * packages/backend-wasm/src/kernels/conv.ts runs the matMuls): the patch
 * matrix ("im2col") has one row per output pixel (n, oy, ox) and one column
 * per filter tap (ky, kx, c), which is the row-major order of a filter
 * [KH, KW, Ci, Co], so
 *   conv2d               y  = col @ filter            [M, K] @ [K, Co]
 *   conv2dBackpropFilter dW = col^T @ dy              [K, M] @ [M, Co]
 *   conv2dBackpropInput  dx = col2im(dy @ filter^T)   [M, Co] @ [Co, K]
 * with M = N*OH*OW and K = KH*KW*Ci. The adapter works through M in chunks of
 * rows so the patch matrix never needs more than a few MB of scratch.
 *
 * Geometry is an i32 array: n, h, w, ci, oh, ow, kh, kw, strideH, strideW,
 * dilationH, dilationW, padTop, padLeft.
 */
const G_H = 1, G_W = 2, G_CI = 3, G_OH = 4, G_OW = 5, G_KH = 6, G_KW = 7;
const G_SH = 8, G_SW = 9, G_DH = 10, G_DW = 11, G_PT = 12, G_PL = 13;

/** A run of channels shorter than this is copied element by element: memory.copy costs a call in V8. */
const COPY_MIN_BYTES: usize = 64;

@inline function copyRun(dst: usize, src: usize, bytes: usize, es: usize): void {
  if (bytes >= COPY_MIN_BYTES) {
    memory.copy(dst, src, bytes);
  } else if (es == 8) {
    for (let i: usize = 0; i < bytes; i += 8) store<f64>(dst + i, load<f64>(src + i));
  } else {
    for (let i: usize = 0; i < bytes; i += 4) store<f32>(dst + i, load<f32>(src + i));
  }
}

@inline function zeroRun(dst: usize, bytes: usize): void {
  if (bytes >= COPY_MIN_BYTES) memory.fill(dst, 0, bytes);
  else for (let i: usize = 0; i < bytes; i += 4) store<u32>(dst + i, 0);
}

/** Rows [r0, r1) of the patch matrix of x, written densely at `col` ([r1 - r0, K]); padded taps are 0. */
export function im2col(dt: i32, x: usize, col: usize, geom: usize, r0: i32, r1: i32): void {
  const es: usize = dt == F64 ? 8 : 4;
  const h = at(geom, G_H), w = at(geom, G_W), ci = at(geom, G_CI);
  const oh = at(geom, G_OH), ow = at(geom, G_OW), kh = at(geom, G_KH), kw = at(geom, G_KW);
  const sh = at(geom, G_SH), sw = at(geom, G_SW), dh = at(geom, G_DH), dw = at(geom, G_DW);
  const pt = at(geom, G_PT), pl = at(geom, G_PL);
  const run = <usize>ci * es;
  const tapRow = <usize>kw * run;
  let d = col;
  // Integer division is slow in wasm: split r0 once, then step the (b, oy, ox) counter.
  let b = r0 / (oh * ow), oy = r0 % (oh * ow) / ow, ox = r0 % ow;
  for (let r = r0; r < r1; r++) {
    const image = x + <usize>b * h * w * run;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= h) {
        zeroRun(d, tapRow);
        d += tapRow;
        continue;
      }
      const line = image + <usize>iy * w * run;
      for (let kx = 0; kx < kw; kx++, d += run) {
        const ix = ox * sw - pl + kx * dw;
        if (ix < 0 || ix >= w) zeroRun(d, run);
        else copyRun(d, line + <usize>ix * run, run, es);
      }
    }
    if (++ox == ow) {
      ox = 0;
      if (++oy == oh) {
        oy = 0;
        b++;
      }
    }
  }
}

/** dst[i] += src[i] for i < n; 4 lanes at a time for float32 in the SIMD build. */
@inline function addRun(dt: i32, dst: usize, src: usize, n: i32): void {
  if (dt == F64) {
    for (let i = 0; i < n; i++) {
      const q = dst + (<usize>i << 3);
      store<f64>(q, load<f64>(q) + load<f64>(src + (<usize>i << 3)));
    }
    return;
  }
  let i = 0;
  if (ASC_FEATURE_SIMD) {
    for (; i + 4 <= n; i += 4) {
      const q = dst + (<usize>i << 2);
      v128.store(q, f32x4.add(v128.load(q), v128.load(src + (<usize>i << 2))));
    }
  }
  for (; i < n; i++) {
    const q = dst + (<usize>i << 2);
    store<f32>(q, load<f32>(q) + load<f32>(src + (<usize>i << 2)));
  }
}

/** The adjoint of im2col: adds rows [r0, r1) of a patch-matrix gradient into dx (which the caller zeroed); padded taps are dropped. */
export function col2im(dt: i32, col: usize, dx: usize, geom: usize, r0: i32, r1: i32): void {
  const es: usize = dt == F64 ? 8 : 4;
  const h = at(geom, G_H), w = at(geom, G_W), ci = at(geom, G_CI);
  const oh = at(geom, G_OH), ow = at(geom, G_OW), kh = at(geom, G_KH), kw = at(geom, G_KW);
  const sh = at(geom, G_SH), sw = at(geom, G_SW), dh = at(geom, G_DH), dw = at(geom, G_DW);
  const pt = at(geom, G_PT), pl = at(geom, G_PL);
  const run = <usize>ci * es;
  const tapRow = <usize>kw * run;
  let s = col;
  let b = r0 / (oh * ow), oy = r0 % (oh * ow) / ow, ox = r0 % ow;
  for (let r = r0; r < r1; r++) {
    const image = dx + <usize>b * h * w * run;
    for (let ky = 0; ky < kh; ky++) {
      const iy = oy * sh - pt + ky * dh;
      if (iy < 0 || iy >= h) {
        s += tapRow;
        continue;
      }
      const line = image + <usize>iy * w * run;
      for (let kx = 0; kx < kw; kx++, s += run) {
        const ix = ox * sw - pl + kx * dw;
        if (ix >= 0 && ix < w) addRun(dt, line + <usize>ix * run, s, ci);
      }
    }
    if (++ox == ow) {
      ox = 0;
      if (++oy == oh) {
        oy = 0;
        b++;
      }
    }
  }
}

/** dst += src over n elements: sums the filter gradients of successive row chunks. */
export function accumulate(dt: i32, dst: usize, src: usize, n: i32): void {
  addRun(dt, dst, src, n);
}

/** Output channels one pass of conv2dDirect keeps in registers: 8 f32x4 accumulators, plus a splat and a filter vector, fit V8's 16. */
const DIRECT_BLOCK = 32;

/**
 * float32 conv2d straight from x, for few input channels (a network's first
 * layer: Ci = 1 or 3). There the patch matrix has so few columns that the
 * matMul spends its time packing and storing rather than multiplying, and
 * building it costs as much again; here each output pixel accumulates its
 * channels in registers, one splat of an input value times a filter row per
 * tap. SIMD build only; needs Co % 4 == 0. Output pixels [r0, r1).
 */
export function conv2dDirect(x: usize, f: usize, o: usize, geom: usize, co: i32, r0: i32, r1: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const h = at(geom, G_H), w = at(geom, G_W), ci = at(geom, G_CI);
  const oh = at(geom, G_OH), ow = at(geom, G_OW), kh = at(geom, G_KH), kw = at(geom, G_KW);
  const sh = at(geom, G_SH), sw = at(geom, G_SW), dh = at(geom, G_DH), dw = at(geom, G_DW);
  const pt = at(geom, G_PT), pl = at(geom, G_PL);
  const fRow = <usize>co << 2;
  let b = r0 / (oh * ow), oy = r0 % (oh * ow) / ow, ox = r0 % ow;
  for (let r = r0; r < r1; r++) {
    const image = x + (<usize>b * h * w * ci << 2);
    const out = o + (<usize>r * co << 2);
    let c0 = 0;
    for (; c0 + DIRECT_BLOCK <= co; c0 += DIRECT_BLOCK) {
      let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
      let a4 = f32x4.splat(0), a5 = f32x4.splat(0), a6 = f32x4.splat(0), a7 = f32x4.splat(0);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - pl + kx * dw;
          if (ix < 0 || ix >= w) continue;
          let src = image + ((<usize>iy * w + ix) * ci << 2);
          let fp = f + (<usize>(ky * kw + kx) * ci * co << 2) + (<usize>c0 << 2);
          for (let i = 0; i < ci; i++, src += 4, fp += fRow) {
            const v = v128.load32_splat(src);
            a0 = f32x4.add(a0, f32x4.mul(v, v128.load(fp)));
            a1 = f32x4.add(a1, f32x4.mul(v, v128.load(fp, 16)));
            a2 = f32x4.add(a2, f32x4.mul(v, v128.load(fp, 32)));
            a3 = f32x4.add(a3, f32x4.mul(v, v128.load(fp, 48)));
            a4 = f32x4.add(a4, f32x4.mul(v, v128.load(fp, 64)));
            a5 = f32x4.add(a5, f32x4.mul(v, v128.load(fp, 80)));
            a6 = f32x4.add(a6, f32x4.mul(v, v128.load(fp, 96)));
            a7 = f32x4.add(a7, f32x4.mul(v, v128.load(fp, 112)));
          }
        }
      }
      const q = out + (<usize>c0 << 2);
      v128.store(q, a0);
      v128.store(q, a1, 16);
      v128.store(q, a2, 32);
      v128.store(q, a3, 48);
      v128.store(q, a4, 64);
      v128.store(q, a5, 80);
      v128.store(q, a6, 96);
      v128.store(q, a7, 112);
    }
    for (; c0 < co; c0 += 4) {
      let a = f32x4.splat(0);
      for (let ky = 0; ky < kh; ky++) {
        const iy = oy * sh - pt + ky * dh;
        if (iy < 0 || iy >= h) continue;
        for (let kx = 0; kx < kw; kx++) {
          const ix = ox * sw - pl + kx * dw;
          if (ix < 0 || ix >= w) continue;
          let src = image + ((<usize>iy * w + ix) * ci << 2);
          let fp = f + (<usize>(ky * kw + kx) * ci * co << 2) + (<usize>c0 << 2);
          for (let i = 0; i < ci; i++, src += 4, fp += fRow) a = f32x4.add(a, f32x4.mul(v128.load32_splat(src), v128.load(fp)));
        }
      }
      v128.store(out + (<usize>c0 << 2), a);
    }
    if (++ox == ow) {
      ox = 0;
      if (++oy == oh) {
        oy = 0;
        b++;
      }
    }
  }
}
