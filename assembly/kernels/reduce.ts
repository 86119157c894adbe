import { F32, I32 } from './common';

const SUM = 0, PROD = 1, MAX = 2, MIN = 3, ARG_MAX = 4, ARG_MIN = 5;

/*
 * Every reduction sees its input as [outer, reduceSize] rows (core moved the
 * reduced axes last) and writes one value per row. Accumulators are f64, as
 * in backend-js, so float32 sums lose nothing to the accumulator.
 */

function sumRow<T>(p: usize, n: i32): f64 {
  if (ASC_FEATURE_SIMD) {
    if (sizeof<T>() == 4 && !isInteger<T>()) return sumRowF32x4(p, n);
  }
  let s0: f64 = 0, s1: f64 = 0, s2: f64 = 0, s3: f64 = 0;
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const q = p + <usize>j * sizeof<T>();
    s0 += <f64>load<T>(q);
    s1 += <f64>load<T>(q + sizeof<T>());
    s2 += <f64>load<T>(q + 2 * sizeof<T>());
    s3 += <f64>load<T>(q + 3 * sizeof<T>());
  }
  for (; j < n; j++) s0 += <f64>load<T>(p + <usize>j * sizeof<T>());
  return s0 + s1 + (s2 + s3);
}

/**
 * The same four accumulators as the scalar loop, held as two f64x2 (lanes
 * s0 s1 and s2 s3), so the result is bit-identical to it and to backend-js.
 */
function sumRowF32x4(p: usize, n: i32): f64 {
  if (!ASC_FEATURE_SIMD) return 0;
  let lo = f64x2.splat(0), hi = f64x2.splat(0);
  let j = 0;
  for (; j + 3 < n; j += 4) {
    const v = v128.load(p + (<usize>j << 2));
    lo = f64x2.add(lo, f64x2.promote_low_f32x4(v));
    hi = f64x2.add(hi, f64x2.promote_low_f32x4(i32x4.shuffle(v, v, 2, 3, 0, 1)));
  }
  let s0 = f64x2.extract_lane(lo, 0);
  for (; j < n; j++) s0 += <f64>load<f32>(p + (<usize>j << 2));
  return s0 + f64x2.extract_lane(lo, 1) + (f64x2.extract_lane(hi, 0) + f64x2.extract_lane(hi, 1));
}

/** NaN wins, as in NumPy; of equal values (0 and -0) the first one seen. */
function extremeRow<T>(p: usize, n: i32, isMax: bool): f64 {
  if (ASC_FEATURE_SIMD) {
    if (sizeof<T>() == 4 && !isInteger<T>() && n >= 64) {
      const v = isMax ? maxRowF32x4(p, n) : minRowF32x4(p, n);
      // NaN (which one is the scalar loop's to say) and a zero (0 or -0, the
      // first seen) come from the scalar loop; both are rare.
      if (v == v && v != 0) return v;
    }
  }
  let acc: f64 = isMax ? -Infinity : Infinity;
  for (let j = 0; j < n; j++) {
    const v = <f64>load<T>(p + <usize>j * sizeof<T>());
    if (isMax ? v > acc : v < acc) acc = v;
    else if (v != v) return v;
  }
  return acc;
}

/*
 * max and min over f32x4 with four independent accumulators per 16 floats.
 * f32x4.pmax/pmin (a < b ? b : a) are single maxps/minps on x64 but let a NaN
 * in `v` lose; a separate mask of v != v records that a NaN was seen, and the
 * caller then rescans with the scalar loop. The tail (< 16) is folded in
 * lane 0 of the same accumulators.
 */
function maxRowF32x4(p: usize, n: i32): f64 {
  if (!ASC_FEATURE_SIMD) return 0;
  let a0 = f32x4.splat(-Infinity), a1 = a0, a2 = a0, a3 = a0;
  let nan = i32x4.splat(0);
  const end = p + (<usize>(n & ~15) << 2);
  for (let q = p; q < end; q += 64) {
    const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
    a0 = f32x4.pmax(a0, v0);
    a1 = f32x4.pmax(a1, v1);
    a2 = f32x4.pmax(a2, v2);
    a3 = f32x4.pmax(a3, v3);
    nan = v128.or(nan, v128.or(v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)), v128.or(f32x4.ne(v2, v2), f32x4.ne(v3, v3))));
  }
  for (let q = end; q < p + (<usize>n << 2); q += 4) {
    const v = v128.load32_splat(q);
    a0 = f32x4.pmax(a0, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (v128.any_true(nan)) return NaN;
  const a = f32x4.pmax(f32x4.pmax(a0, a1), f32x4.pmax(a2, a3));
  return <f64>Mathf.max(Mathf.max(f32x4.extract_lane(a, 0), f32x4.extract_lane(a, 1)), Mathf.max(f32x4.extract_lane(a, 2), f32x4.extract_lane(a, 3)));
}

function minRowF32x4(p: usize, n: i32): f64 {
  if (!ASC_FEATURE_SIMD) return 0;
  let a0 = f32x4.splat(Infinity), a1 = a0, a2 = a0, a3 = a0;
  let nan = i32x4.splat(0);
  const end = p + (<usize>(n & ~15) << 2);
  for (let q = p; q < end; q += 64) {
    const v0 = v128.load(q), v1 = v128.load(q, 16), v2 = v128.load(q, 32), v3 = v128.load(q, 48);
    a0 = f32x4.pmin(a0, v0);
    a1 = f32x4.pmin(a1, v1);
    a2 = f32x4.pmin(a2, v2);
    a3 = f32x4.pmin(a3, v3);
    nan = v128.or(nan, v128.or(v128.or(f32x4.ne(v0, v0), f32x4.ne(v1, v1)), v128.or(f32x4.ne(v2, v2), f32x4.ne(v3, v3))));
  }
  for (let q = end; q < p + (<usize>n << 2); q += 4) {
    const v = v128.load32_splat(q);
    a0 = f32x4.pmin(a0, v);
    nan = v128.or(nan, f32x4.ne(v, v));
  }
  if (v128.any_true(nan)) return NaN;
  const a = f32x4.pmin(f32x4.pmin(a0, a1), f32x4.pmin(a2, a3));
  return <f64>Mathf.min(Mathf.min(f32x4.extract_lane(a, 0), f32x4.extract_lane(a, 1)), Mathf.min(f32x4.extract_lane(a, 2), f32x4.extract_lane(a, 3)));
}

/** First index of the extreme; a NaN counts as the extreme. */
function argRow<T>(p: usize, n: i32, isMax: bool): i32 {
  let best = <f64>load<T>(p);
  let index = 0;
  for (let j = 1; j < n; j++) {
    if (best != best) break;
    const v = <f64>load<T>(p + <usize>j * sizeof<T>());
    if ((isMax ? v > best : v < best) || v != v) {
      best = v;
      index = j;
    }
  }
  return index;
}

function reduceT<T>(op: i32, x: usize, o: usize, outer: i32, n: i32): void {
  const row = <usize>n * sizeof<T>();
  for (let r = 0; r < outer; r++) {
    const p = x + <usize>r * row;
    if (op >= ARG_MAX) {
      store<i32>(o + (<usize>r << 2), argRow<T>(p, n, op == ARG_MAX));
      continue;
    }
    let v: f64;
    if (op == SUM) v = sumRow<T>(p, n);
    else if (op == PROD) {
      v = 1;
      for (let j = 0; j < n; j++) v *= <f64>load<T>(p + <usize>j * sizeof<T>());
    } else v = extremeRow<T>(p, n, op == MAX);
    store<T>(o + <usize>r * sizeof<T>(), isInteger<T>() && !isFinite(v) ? <T>0 : <T>v);
  }
}

export function reduce(op: i32, dt: i32, x: usize, o: usize, outer: i32, reduceSize: i32): void {
  if (dt == F32) reduceT<f32>(op, x, o, outer, reduceSize);
  else if (dt == I32) reduceT<i32>(op, x, o, outer, reduceSize);
  else reduceT<f64>(op, x, o, outer, reduceSize);
}
