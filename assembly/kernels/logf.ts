/*
 * ln x on four float32 lanes, for the float32 log, log1p and softplus of the
 * SIMD builds (unary.ts), where Math.log in f64 per element was the time.
 *
 * x = 2^k m with m in [sqrt(1/2), sqrt(2)) (subnormal x are scaled by 2^25
 * first), f = m - 1, and ln(1 + f) = 2 atanh(s) with s = f / (2 + f):
 * ln(1 + f) = f - f^2/2 + s (f^2/2 + R), R a polynomial of degree 4 in s^2
 * (the classic logf reduction of fdlibm, whose published minimax
 * coefficients these are). Within 1 ulp (transcendental.test.ts). k ln2 is added in two parts, so its low bits
 * survive. Zero gives -Infinity, negative x and NaN give NaN, +Infinity stays.
 */

const LG1: f32 = 0.66666662693;
const LG2: f32 = 0.40000972152;
const LG3: f32 = 0.28498786688;
const LG4: f32 = 0.24279078841;
const LN2_HI: f32 = 0.693138122559;
const LN2_LO: f32 = 9.05800061445e-6;
/** The bits of sqrt(1/2): shifting by 1.0's bits minus these puts m in [sqrt(1/2), sqrt(2)). */
const SQRT_HALF_BITS: i32 = 0x3f3504f3;
const ONE_BITS: i32 = 0x3f800000;
const SMALLEST_NORMAL: f32 = 1.17549435e-38;

@inline export function logF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  // Subnormals: times 2^25 (exact), and 25 fewer in the exponent.
  const tiny = f32x4.lt(x, f32x4.splat(SMALLEST_NORMAL));
  const scaled = v128.bitselect(f32x4.mul(x, f32x4.splat(33554432)), x, tiny);
  const ix = i32x4.add(scaled, i32x4.splat(ONE_BITS - SQRT_HALF_BITS));
  const k = i32x4.sub(i32x4.sub(i32x4.shr_s(ix, 23), i32x4.splat(127)), v128.and(tiny, i32x4.splat(25)));
  const m = i32x4.add(v128.and(ix, i32x4.splat(0x007fffff)), i32x4.splat(SQRT_HALF_BITS));
  const f = f32x4.sub(m, f32x4.splat(1));
  const s = f32x4.div(f, f32x4.add(f32x4.splat(2), f));
  const z = f32x4.mul(s, s);
  const w = f32x4.mul(z, z);
  const t1 = f32x4.mul(w, f32x4.add(f32x4.splat(LG2), f32x4.mul(w, f32x4.splat(LG4))));
  const t2 = f32x4.mul(z, f32x4.add(f32x4.splat(LG1), f32x4.mul(w, f32x4.splat(LG3))));
  const hfsq = f32x4.mul(f32x4.mul(f32x4.splat(0.5), f), f);
  const dk = f32x4.convert_i32x4_s(k);
  // s (hfsq + R) + k ln2_lo - hfsq + f + k ln2_hi, in that order: the small terms first.
  let y = f32x4.add(f32x4.mul(s, f32x4.add(hfsq, f32x4.add(t2, t1))), f32x4.mul(dk, f32x4.splat(LN2_LO)));
  y = f32x4.add(f32x4.add(f32x4.sub(y, hfsq), f), f32x4.mul(dk, f32x4.splat(LN2_HI)));
  // x < 0 and NaN: NaN; 0: -Infinity; +Infinity: itself.
  y = v128.bitselect(f32x4.splat(-Infinity), y, f32x4.eq(x, f32x4.splat(0)));
  y = v128.bitselect(x, y, f32x4.eq(x, f32x4.splat(Infinity)));
  return v128.bitselect(f32x4.splat(NaN), y, v128.not(f32x4.ge(x, f32x4.splat(0))));
}

/**
 * ln(1 + x): u = 1 + x rounded, then ln u corrected by the rounding of u,
 * ln(1 + x) = ln u - ((u - 1) - x) / u (the error of u is tiny beside u). Where
 * u is exactly 1 the result is x itself. Below -1: NaN; -1: -Infinity.
 */
@inline export function log1pF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  const one = f32x4.splat(1);
  const u = f32x4.add(one, x);
  const lu = logF32x4(u);
  let y = f32x4.sub(lu, f32x4.div(f32x4.sub(f32x4.sub(u, one), x), u));
  // Where the correction is 0 / 0 or Infinity / Infinity: u = 0 (x = -1) and u = +Infinity, whose log is the answer.
  y = v128.bitselect(lu, y, v128.or(f32x4.eq(u, f32x4.splat(0)), f32x4.eq(u, f32x4.splat(Infinity))));
  // u = 1: x is below half an ulp of 1 (signed zeros included), and ln(1 + x) is x to float32 precision.
  return v128.bitselect(x, y, f32x4.eq(u, one));
}
