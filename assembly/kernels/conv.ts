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
 * rows so the patch matrix never needs more than a few MB of scratch. For
 * small filters the float32 SIMD build computes the same products without
 * the patch matrix (conv2dImages, conv2dFilterGrad below).
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

/*
 * Patch-free float32 convolution (SIMD build). The patch matrix is never
 * built: a register tile of 4 output pixels x 8 output channels (8 f32x4
 * accumulators) reads its pixel splats straight from x (neighbouring output
 * pixels of one output row are equally spaced addresses in x) and its two
 * filter vectors straight from the filter, which at these sizes (at most
 * 32 KB) stays in L1 unpacked. Padding is what makes addressing irregular, so
 * each image is first copied into a zero-bordered scratch image
 * (`convPaddedBytes`); after that every tap of every output pixel is a plain
 * load. 4 pixels, not the matMul's 5 rows: V8 loads the tile's splats ahead
 * of the multiplies, and with 5 it ran out of its 15 vector registers and
 * spilled accumulators in the inner loop (seen in --print-wasm-code); the 4x8
 * tile ran ~2x faster on the bench's 16x28x28x8 * 3x3x8x16 in one run on a
 * loaded machine. Output pixels [0, OW) of a row go four at a time; the last,
 * short block repeats its last pixel and stores only the real ones. Output
 * channels go eight at a time, then a last block of four: needs Co % 4 == 0.
 */
const PIX = 4;

/** c + a*b per lane: one fused multiply-add (relaxed_madd) in the relaxed-SIMD build, mul then add otherwise. */
@inline function madd(a: v128, b: v128, c: v128): v128 {
  return ASC_FEATURE_RELAXED_SIMD ? f32x4.relaxed_madd(a, b, c) : f32x4.add(c, f32x4.mul(a, b));
}

/** Padded image height and width: room for every tap of every output pixel, and for all of x. */
@inline function paddedH(geom: usize): i32 {
  return max(at(geom, G_H) + at(geom, G_PT), (at(geom, G_OH) - 1) * at(geom, G_SH) + (at(geom, G_KH) - 1) * at(geom, G_DH) + 1);
}

@inline function paddedW(geom: usize): i32 {
  return max(at(geom, G_W) + at(geom, G_PL), (at(geom, G_OW) - 1) * at(geom, G_SW) + (at(geom, G_KW) - 1) * at(geom, G_DW) + 1);
}

/** Whether x can be read in place: no padding, and every tap lands inside it. */
@inline function unpadded(geom: usize): bool {
  return at(geom, G_PT) == 0 && at(geom, G_PL) == 0 && paddedH(geom) == at(geom, G_H) && paddedW(geom) == at(geom, G_W);
}

/** Bytes of scratch the patch-free kernels need for one padded image (0 when x is read in place). */
export function convPaddedBytes(geom: usize): usize {
  if (unpadded(geom)) return 0;
  return <usize>paddedH(geom) * paddedW(geom) * at(geom, G_CI) << 2;
}

/** Copies image b of x into the middle of `pad` (whose border is already zero); returns where image b's padded copy starts. */
function padImage(x: usize, pad: usize, geom: usize, b: i32): usize {
  const h = at(geom, G_H), w = at(geom, G_W), ci = at(geom, G_CI);
  if (pad == 0) return x + (<usize>b * h * w * ci << 2);
  const wp = paddedW(geom);
  const run = <usize>w * ci << 2;
  let s = x + (<usize>b * h * w * ci << 2);
  let d = pad + ((<usize>at(geom, G_PT) * wp + at(geom, G_PL)) * ci << 2);
  const pitch = <usize>wp * ci << 2;
  for (let y = 0; y < h; y++, s += run, d += pitch) memory.copy(d, s, run);
  return pad;
}

/**
 * float32 y = conv2d(x, f) for images [b0, b1), with `convPaddedBytes(geom)`
 * bytes of scratch at `pad` (0 when it is 0). Each output sums its taps in
 * filter order, whatever the batch range.
 */
export function conv2dImages(x: usize, f: usize, o: usize, geom: usize, co: i32, pad: usize, b0: i32, b1: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const ci = at(geom, G_CI);
  const oh = at(geom, G_OH), ow = at(geom, G_OW), kh = at(geom, G_KH), kw = at(geom, G_KW);
  const sh = at(geom, G_SH), sw = at(geom, G_SW), dh = at(geom, G_DH), dw = at(geom, G_DW);
  const wp = unpadded(geom) ? at(geom, G_W) : paddedW(geom);
  if (pad != 0) memory.fill(pad, 0, convPaddedBytes(geom));
  // With dw == 1 the taps of one filter row are one contiguous run of kw*ci values in x.
  const runs = dw == 1 ? 1 : kw, run = dw == 1 ? kw * ci : ci;
  const runStep = <usize>dw * ci << 2, rowStep = <usize>dh * wp * ci << 2;
  const pixStep = <usize>sw * ci << 2, fRow = <usize>co << 2;
  for (let b = b0; b < b1; b++) {
    const img = padImage(x, pad, geom, b);
    for (let oy = 0; oy < oh; oy++) {
      const line = img + (<usize>oy * sh * wp * ci << 2);
      const out = o + ((<usize>(b * oh + oy) * ow) * co << 2);
      // Channel blocks outside pixel blocks: one block's filter columns stay in L1 along the row.
      for (let c0 = 0; c0 < co; c0 += 8) {
        const fp = f + (<usize>c0 << 2);
        let q = out + (<usize>c0 << 2);
        for (let ox = 0; ox < ow; ox += PIX, q += <usize>PIX * co << 2) {
          const rows = min(PIX, ow - ox);
          const p0 = line + <usize>ox * pixStep;
          // Offsets of pixels 1-3 from pixel 0; a short block repeats its last pixel.
          const d1 = <usize>min(1, rows - 1) * pixStep, d2 = <usize>min(2, rows - 1) * pixStep;
          const d3 = <usize>min(3, rows - 1) * pixStep;
          if (c0 + 8 <= co) pixelTile8(p0, fp, q, kh, runs, run, rowStep, runStep, fRow, d1, d2, d3, rows);
          else pixelTile4(p0, fp, q, kh, runs, run, rowStep, runStep, fRow, d1, d2, d3, rows);
        }
      }
    }
  }
}

/**
 * Four output pixels (at p, p+d1 .. p+d3 in the padded image) times eight
 * output channels: the register tile of conv2dImages, stored to q (rows of
 * fRow bytes), only its first `rows` pixels. A function of its own so that
 * V8 keeps the inner loop's few values in registers.
 */
@noinline function pixelTile8(p: usize, fp: usize, q: usize, kh: i32, runs: i32, run: i32, rowStep: usize, runStep: usize, fRow: usize, d1: usize, d2: usize, d3: usize, rows: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < runs; kx++) {
      let s = p + <usize>ky * rowStep + <usize>kx * runStep;
      for (let j = 0; j < run; j++, s += 4, fp += fRow) {
        const f0 = v128.load(fp), f1 = v128.load(fp, 16);
        let v = v128.load32_splat(s);
        a00 = madd(v, f0, a00);
        a01 = madd(v, f1, a01);
        v = v128.load32_splat(s + d1);
        a10 = madd(v, f0, a10);
        a11 = madd(v, f1, a11);
        v = v128.load32_splat(s + d2);
        a20 = madd(v, f0, a20);
        a21 = madd(v, f1, a21);
        v = v128.load32_splat(s + d3);
        a30 = madd(v, f0, a30);
        a31 = madd(v, f1, a31);
      }
    }
  }
  v128.store(q, a00);
  v128.store(q, a01, 16);
  if (rows > 1) {
    v128.store(q + fRow, a10);
    v128.store(q + fRow, a11, 16);
  }
  if (rows > 2) {
    v128.store(q + 2 * fRow, a20);
    v128.store(q + 2 * fRow, a21, 16);
  }
  if (rows > 3) {
    v128.store(q + 3 * fRow, a30);
    v128.store(q + 3 * fRow, a31, 16);
  }
}

/** pixelTile8 for a last block of four output channels. */
@noinline function pixelTile4(p: usize, fp: usize, q: usize, kh: i32, runs: i32, run: i32, rowStep: usize, runStep: usize, fRow: usize, d1: usize, d2: usize, d3: usize, rows: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < runs; kx++) {
      let s = p + <usize>ky * rowStep + <usize>kx * runStep;
      for (let j = 0; j < run; j++, s += 4, fp += fRow) {
        const f0 = v128.load(fp);
        a0 = madd(v128.load32_splat(s), f0, a0);
        a1 = madd(v128.load32_splat(s + d1), f0, a1);
        a2 = madd(v128.load32_splat(s + d2), f0, a2);
        a3 = madd(v128.load32_splat(s + d3), f0, a3);
      }
    }
  }
  v128.store(q, a0);
  if (rows > 1) v128.store(q + fRow, a1);
  if (rows > 2) v128.store(q + 2 * fRow, a2);
  if (rows > 3) v128.store(q + 3 * fRow, a3);
}

/** Byte offset, from an output pixel's first tap, of filter row j = (ky, kx, c) in a padded image of width wp. */
@inline function tapOffset(j: i32, kw: i32, ci: i32, dh: i32, dw: i32, wp: i32): usize {
  const c = j % ci, t = j / ci;
  const ky = t / kw, kx = t % kw;
  return (<usize>(ky * dh * wp + kx * dw) * ci + c) << 2;
}

/**
 * float32 dW += patches(x)^T @ dy over images [b0, b1), patch-free: a 4x8 tile
 * of dW (four filter rows, eight output channels) sums, over every output
 * pixel of an image, four splats from x times two vectors of dy. `dwOut` must
 * hold the sum so far (zero it first). Needs Co % 4 == 0; scratch as conv2dImages.
 */
export function conv2dFilterGrad(x: usize, dy: usize, dwOut: usize, geom: usize, co: i32, pad: usize, b0: i32, b1: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const ci = at(geom, G_CI);
  const oh = at(geom, G_OH), ow = at(geom, G_OW), kh = at(geom, G_KH), kw = at(geom, G_KW);
  const sh = at(geom, G_SH), sw = at(geom, G_SW), dh = at(geom, G_DH), dw = at(geom, G_DW);
  const wp = unpadded(geom) ? at(geom, G_W) : paddedW(geom);
  if (pad != 0) memory.fill(pad, 0, convPaddedBytes(geom));
  const k = kh * kw * ci;
  const pixStep = <usize>sw * ci << 2, lineStep = <usize>sh * wp * ci << 2, dyRow = <usize>co << 2;
  for (let b = b0; b < b1; b++) {
    const img = padImage(x, pad, geom, b);
    const dyImg = dy + (<usize>b * oh * ow * co << 2);
    for (let j0 = 0; j0 < k; j0 += PIX) {
      const rows = min(PIX, k - j0);
      // A short tile repeats its last filter row and stores only the real ones.
      const t0 = tapOffset(j0, kw, ci, dh, dw, wp);
      const t1 = tapOffset(j0 + min(1, rows - 1), kw, ci, dh, dw, wp);
      const t2 = tapOffset(j0 + min(2, rows - 1), kw, ci, dh, dw, wp);
      const t3 = tapOffset(j0 + min(3, rows - 1), kw, ci, dh, dw, wp);
      const q = dwOut + (<usize>j0 * co << 2);
      for (let c0 = 0; c0 < co; c0 += 8) {
        const g = dyImg + (<usize>c0 << 2), r = q + (<usize>c0 << 2);
        if (c0 + 8 <= co) tapTile8(img + t0, g, r, oh, ow, lineStep, pixStep, dyRow, t1 - t0, t2 - t0, t3 - t0, rows);
        else tapTile4(img + t0, g, r, oh, ow, lineStep, pixStep, dyRow, t1 - t0, t2 - t0, t3 - t0, rows);
      }
    }
  }
}

/**
 * Four filter rows (taps at p, p+e1 .. p+e3 from each output pixel's origin)
 * times eight output channels of dW, summed over an image's output pixels
 * and added to the `rows` real rows at r. Its own function for the reason
 * given at pixelTile8.
 */
@noinline function tapTile8(p: usize, g: usize, r: usize, oh: i32, ow: i32, lineStep: usize, pixStep: usize, dyRow: usize, e1: usize, e2: usize, e3: usize, rows: i32): void {
  let a00 = f32x4.splat(0), a01 = f32x4.splat(0), a10 = f32x4.splat(0), a11 = f32x4.splat(0);
  let a20 = f32x4.splat(0), a21 = f32x4.splat(0), a30 = f32x4.splat(0), a31 = f32x4.splat(0);
  for (let oy = 0; oy < oh; oy++, p += lineStep) {
    let s = p;
    for (let ox = 0; ox < ow; ox++, s += pixStep, g += dyRow) {
      const g0 = v128.load(g), g1 = v128.load(g, 16);
      let v = v128.load32_splat(s);
      a00 = madd(v, g0, a00);
      a01 = madd(v, g1, a01);
      v = v128.load32_splat(s + e1);
      a10 = madd(v, g0, a10);
      a11 = madd(v, g1, a11);
      v = v128.load32_splat(s + e2);
      a20 = madd(v, g0, a20);
      a21 = madd(v, g1, a21);
      v = v128.load32_splat(s + e3);
      a30 = madd(v, g0, a30);
      a31 = madd(v, g1, a31);
    }
  }
  v128.store(r, f32x4.add(v128.load(r), a00));
  v128.store(r, f32x4.add(v128.load(r, 16), a01), 16);
  if (rows > 1) {
    v128.store(r + dyRow, f32x4.add(v128.load(r + dyRow), a10));
    v128.store(r + dyRow, f32x4.add(v128.load(r + dyRow, 16), a11), 16);
  }
  if (rows > 2) {
    v128.store(r + 2 * dyRow, f32x4.add(v128.load(r + 2 * dyRow), a20));
    v128.store(r + 2 * dyRow, f32x4.add(v128.load(r + 2 * dyRow, 16), a21), 16);
  }
  if (rows > 3) {
    v128.store(r + 3 * dyRow, f32x4.add(v128.load(r + 3 * dyRow), a30));
    v128.store(r + 3 * dyRow, f32x4.add(v128.load(r + 3 * dyRow, 16), a31), 16);
  }
}

/** tapTile8 for a last block of four output channels. */
@noinline function tapTile4(p: usize, g: usize, r: usize, oh: i32, ow: i32, lineStep: usize, pixStep: usize, dyRow: usize, e1: usize, e2: usize, e3: usize, rows: i32): void {
  let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
  for (let oy = 0; oy < oh; oy++, p += lineStep) {
    let s = p;
    for (let ox = 0; ox < ow; ox++, s += pixStep, g += dyRow) {
      const g0 = v128.load(g);
      a0 = madd(v128.load32_splat(s), g0, a0);
      a1 = madd(v128.load32_splat(s + e1), g0, a1);
      a2 = madd(v128.load32_splat(s + e2), g0, a2);
      a3 = madd(v128.load32_splat(s + e3), g0, a3);
    }
  }
  v128.store(r, f32x4.add(v128.load(r), a0));
  if (rows > 1) v128.store(r + dyRow, f32x4.add(v128.load(r + dyRow), a1));
  if (rows > 2) v128.store(r + 2 * dyRow, f32x4.add(v128.load(r + 2 * dyRow), a2));
  if (rows > 3) v128.store(r + 3 * dyRow, f32x4.add(v128.load(r + 3 * dyRow), a3));
}

/**
 * The filter of the input gradient as a convolution (stride 1): dx is dy
 * convolved with the filter turned half a turn and its channel axes swapped,
 * dst[kh-1-ky, kw-1-kx, o, c] = f[ky, kx, c, o]. float32.
 */
export function flipFilter(f: usize, dst: usize, kh: i32, kw: i32, ci: i32, co: i32): void {
  for (let ky = 0; ky < kh; ky++) {
    for (let kx = 0; kx < kw; kx++) {
      const s = f + (<usize>(ky * kw + kx) * ci * co << 2);
      const d = dst + (<usize>((kh - 1 - ky) * kw + (kw - 1 - kx)) * co * ci << 2);
      for (let c = 0; c < ci; c++) {
        for (let o = 0; o < co; o++) store<f32>(d + ((<usize>o * ci + c) << 2), load<f32>(s + ((<usize>c * co + o) << 2)));
      }
    }
  }
}
