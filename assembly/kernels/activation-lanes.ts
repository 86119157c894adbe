import { expF32x4, expm1F32x4 } from './expf';
import { log1pF32x4 } from './logf';

/*
 * Activations on four float32 lanes, from expf.ts's exp and expm1 and
 * logf.ts's log1p: within 1-2 ulp of the f64 forms backend-js and the scalar
 * build compute (transcendental.test.ts), where Math.exp per element in f64
 * made sigmoid on 1M floats 11x slower than tfjs-backend-wasm. NaN stays NaN
 * in each.
 */

/** Activation codes of the fused dense kernels, shared with packages/backend-wasm/src/kernels/fused.ts. */
export const LINEAR = 0, RELU = 1, SIGMOID = 2, TANH = 3, ELU = 4;

/** SELU constants from Klambauer et al. 2017 (as in core and unary.ts). */
const SELU_SCALE: f32 = 1.0507009873554805;
const SELU_SCALE_ALPHA: f32 = 1.0507009873554805 * 1.6732632423543772;

/** The sign bit of each lane. */
const SIGN_BIT = 0x80000000;

/**
 * 1 / (1 + e^-x) for x >= 0 and e^x / (1 + e^x) below: one exp of -|x|,
 * which never overflows, then the numerator picked by the sign.
 */
@inline export function sigmoidF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  // -|x| in one instruction: the sign bit set.
  const e = expF32x4(v128.or(x, i32x4.splat(SIGN_BIT)));
  const one = f32x4.splat(1);
  return f32x4.div(v128.bitselect(one, e, f32x4.ge(x, f32x4.splat(0))), f32x4.add(one, e));
}

/**
 * tanh x = m / (m + 2) with m = e^(2|x|) - 1, then x's sign: expm1 keeps small
 * x exact (no 1 - 2/(e^2x + 1) cancellation). |x| is capped at 9, where
 * tanh is 1 in float32, so m stays finite; pmin keeps a NaN lane NaN.
 */
@inline export function tanhF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  const a = f32x4.pmin(f32x4.abs(x), f32x4.splat(9));
  const m = expm1F32x4(f32x4.add(a, a));
  const t = f32x4.div(m, f32x4.add(m, f32x4.splat(2)));
  const sign = i32x4.splat(SIGN_BIT);
  return v128.or(v128.andnot(t, sign), v128.and(x, sign));
}

/** x where x > 0, else e^x - 1 (NaN lanes take the second form, which is NaN). */
@inline export function eluF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  return v128.bitselect(x, expm1F32x4(x), f32x4.gt(x, f32x4.splat(0)));
}

/** scale * x where x > 0, else scale * alpha * (e^x - 1). */
@inline export function seluF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  const pos = f32x4.mul(x, f32x4.splat(SELU_SCALE));
  const neg = f32x4.mul(expm1F32x4(x), f32x4.splat(SELU_SCALE_ALPHA));
  return v128.bitselect(pos, neg, f32x4.gt(x, f32x4.splat(0)));
}

/** ln(1 + e^x) = max(x, 0) + ln(1 + e^-|x|): no overflow, and e^x itself to float32 precision for very negative x. */
@inline export function softplusF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  // pmax keeps a NaN x (x < 0 is false).
  return f32x4.add(f32x4.pmax(x, f32x4.splat(0)), log1pF32x4(expF32x4(v128.or(x, i32x4.splat(SIGN_BIT)))));
}

/** relu keeping NaN: lanes <= 0 become +0, positive and NaN lanes stay. */
@inline export function reluF32x4(x: v128): v128 {
  if (!ASC_FEATURE_SIMD) return x;
  return v128.andnot(x, f32x4.le(x, f32x4.splat(0)));
}

/** One f32x4 of a fused dense activation (code `act`; linear returns x). */
@inline export function activationF32x4(act: i32, x: v128): v128 {
  switch (act) {
    case RELU: return reluF32x4(x);
    case SIGMOID: return sigmoidF32x4(x);
    case TANH: return tanhF32x4(x);
    case ELU: return eluF32x4(x);
    default: return x;
  }
}
