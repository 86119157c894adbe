/*
 * e^x and e^x - 1 on four float32 lanes, for the softmax cross-entropy
 * kernels and the float32 exp, expm1 and activations of the SIMD builds
 * (unary.ts, activation-lanes.ts), where Math.exp in f64 per element was
 * most of the time. Under 1 ulp from the
 * correctly rounded float32 exp over [-104, 89] (checked against float64
 * exp on 26M inputs when the constants were fitted), subnormal results
 * included; NaN stays NaN, -Infinity gives 0, +Infinity gives +Infinity.
 *
 * x = n ln2 + r with n = nearest(x / ln2), |r| <= ln2 / 2; ln2 is split in
 * two (Cody and Waite) so n * LN2_HI is exact for |n| < 512 and r keeps its
 * low bits. e^r = 1 + r + r^2 q(r), q of degree 4 fitted for the least
 * maximum relative error on that interval (3e-9 before float32 rounding).
 * 2^n is two powers of two built in the exponent bits, 2^(n >> 1) and
 * 2^(n - (n >> 1)), so results below the smallest normal float round once
 * to the right subnormal instead of flushing to 0.
 */

const LOG2E: f32 = 1.4426950408889634;
/** ln2's top 16 bits (0x3f317200) and the rest. */
const LN2_HI: f32 = 0.693145751953125;
const LN2_LO: f32 = 1.428606765330187e-6;
const Q0: f32 = 0.4999999403953552;
const Q1: f32 = 0.1666652113199234;
const Q2: f32 = 0.04166838899254799;
const Q3: f32 = 0.008368710055947304;
const Q4: f32 = 0.001381461275741458;
/**
 * Beyond these e^x is 0 or +Infinity in float32; clamping keeps n within
 * the exponent field. pmin/pmax return x itself when x is NaN.
 */
const LOW: f32 = -110;
const HIGH: f32 = 89;

/**
 * 1.5 * 2^23: adding it to a float of magnitude below 2^22 rounds that float to
 * the nearest integer (ties to even, as f32x4.nearest) and leaves the integer
 * in the low mantissa bits, so one add gives both n as a float (subtract it
 * again) and as an i32 (subtract its bits), with no conversion instruction
 * (i32x4.trunc_sat_f32x4_s is five on x64).
 */
const ROUNDER: f32 = 12582912;
const ROUNDER_BITS: i32 = 0x4b400000;

/** e^r - 1 = r + r^2 q(r) for |r| <= ln2 / 2, without the 1 (what expm1 needs near 0). */
@inline function expm1Reduced(r: v128): v128 {
  let q = f32x4.add(f32x4.mul(f32x4.splat(Q4), r), f32x4.splat(Q3));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(Q2));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(Q1));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(Q0));
  return f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q));
}

/** x - n ln2, with ln2 in two parts so that n * LN2_HI is exact. */
@inline function reduce(x: v128, nf: v128): v128 {
  const r = f32x4.sub(x, f32x4.mul(nf, f32x4.splat(LN2_HI)));
  return f32x4.sub(r, f32x4.mul(nf, f32x4.splat(LN2_LO)));
}

/** e^x lane by lane. */
@inline export function expF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(HIGH)), f32x4.splat(LOW));
  const rounded = f32x4.add(f32x4.mul(x, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const nf = f32x4.sub(rounded, f32x4.splat(ROUNDER));
  const p = f32x4.add(f32x4.splat(1), expm1Reduced(reduce(x, nf)));
  // NaN lanes give some n; p is already NaN.
  const n = i32x4.sub(rounded, i32x4.splat(ROUNDER_BITS));
  const half = i32x4.shr_s(n, 1);
  const bias = i32x4.splat(127);
  const scale1 = i32x4.shl(i32x4.add(half, bias), 23);
  const scale2 = i32x4.shl(i32x4.add(i32x4.sub(n, half), bias), 23);
  return f32x4.mul(f32x4.mul(p, scale1), scale2);
}

/**
 * e^x - 1 lane by lane, without the cancellation of e^x - 1 near 0. With
 * x = n ln2 + r as in expF32x4, e^x - 1 = 2^n (e^r - 1) + (2^n - 1), computed
 * as 2 (h (e^r - 1) + (h - 1/2)) with h = 2^(n-1), so that h stays finite up
 * to the overflow (n = 128) and all the scalings are exact: e^r - 1 is the
 * polynomial without its 1, and h - 1/2 is exact for n <= 24 (beyond, the 1
 * is below the result's last bit anyway). For n = 0 (|x| < ln2 / 2) this is
 * the polynomial alone. x is clamped to [-30, 89]: below -30 the result is
 * -1 in float32, above 89 +Infinity. Zeros keep their sign, as Math.expm1's
 * do. Within 1 ulp (transcendental.test.ts).
 */
@inline export function expm1F32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  const xc = f32x4.pmin(f32x4.pmax(x, f32x4.splat(-30)), f32x4.splat(HIGH));
  const rounded = f32x4.add(f32x4.mul(xc, f32x4.splat(LOG2E)), f32x4.splat(ROUNDER));
  const nf = f32x4.sub(rounded, f32x4.splat(ROUNDER));
  const h = i32x4.shl(i32x4.add(i32x4.sub(rounded, i32x4.splat(ROUNDER_BITS)), i32x4.splat(126)), 23);
  const half = f32x4.splat(0.5);
  const y = f32x4.add(f32x4.mul(h, expm1Reduced(reduce(xc, nf))), f32x4.sub(h, half));
  return v128.bitselect(x, f32x4.add(y, y), f32x4.eq(x, f32x4.splat(0)));
}
