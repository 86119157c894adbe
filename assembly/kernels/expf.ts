/*
 * e^x on four float32 lanes, for the softmax cross-entropy kernels, where
 * Math.exp in f64 per element was most of the time. Under 1 ulp from the
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

/** e^x lane by lane. */
@inline export function expF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  x = f32x4.pmax(f32x4.pmin(x, f32x4.splat(HIGH)), f32x4.splat(LOW));
  const nf = f32x4.nearest(f32x4.mul(x, f32x4.splat(LOG2E)));
  let r = f32x4.sub(x, f32x4.mul(nf, f32x4.splat(LN2_HI)));
  r = f32x4.sub(r, f32x4.mul(nf, f32x4.splat(LN2_LO)));
  let q = f32x4.add(f32x4.mul(f32x4.splat(Q4), r), f32x4.splat(Q3));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(Q2));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(Q1));
  q = f32x4.add(f32x4.mul(q, r), f32x4.splat(Q0));
  const p = f32x4.add(f32x4.splat(1), f32x4.add(r, f32x4.mul(f32x4.mul(r, r), q)));
  // NaN lanes convert to n = 0: p is already NaN.
  const n = i32x4.trunc_sat_f32x4_s(nf);
  const half = i32x4.shr_s(n, 1);
  const bias = i32x4.splat(127);
  const scale1 = i32x4.shl(i32x4.add(half, bias), 23);
  const scale2 = i32x4.shl(i32x4.add(i32x4.sub(n, half), bias), 23);
  return f32x4.mul(f32x4.mul(p, scale1), scale2);
}
