/** dtype codes shared with packages/backend-wasm/src/heap.ts. */
export const F32: i32 = 0;
export const I32: i32 = 1;
export const F64: i32 = 2;

/** Multi-index counter for row walks; ranks above 64 are refused in core long before this. */
export const counter: usize = memory.data(4 * 64);

@inline export function at(p: usize, i: i32): i32 {
  return load<i32>(p + (<usize>i << 2));
}

/** Product of the leading rank-1 dims of `shape`: the number of rows (last axis). */
export function rowCount(rank: i32, shape: usize): i32 {
  let rows = 1;
  for (let i = 0; i < rank - 1; i++) rows *= at(shape, i);
  return rows;
}

export function resetCounter(rank: i32): void {
  memory.fill(counter, 0, <usize>rank << 2);
}

/**
 * Advances the multi-index over the leading axes by one row and returns how the
 * element offset of an operand with strides `s` moves.
 */
export let step0: i32 = 0;
export let step1: i32 = 0;
export let step2: i32 = 0;
export function advance(rank: i32, shape: usize, s0: usize, s1: usize, s2: usize): void {
  let d0 = 0, d1 = 0, d2 = 0;
  for (let axis = rank - 2; axis >= 0; axis--) {
    const c = at(counter, axis) + 1;
    const dim = at(shape, axis);
    if (c < dim) {
      store<i32>(counter + (<usize>axis << 2), c);
      d0 += at(s0, axis);
      d1 += at(s1, axis);
      d2 += at(s2, axis);
      break;
    }
    store<i32>(counter + (<usize>axis << 2), 0);
    d0 -= at(s0, axis) * (dim - 1);
    d1 -= at(s1, axis) * (dim - 1);
    d2 -= at(s2, axis) * (dim - 1);
  }
  step0 = d0;
  step1 = d1;
  step2 = d2;
}

/** Reads element i of a tensor of dtype `dt` as f64. */
@inline export function get(dt: i32, p: usize, i: i32): f64 {
  if (dt == F32) return <f64>load<f32>(p + (<usize>i << 2));
  if (dt == I32) return <f64>load<i32>(p + (<usize>i << 2));
  return load<f64>(p + (<usize>i << 3));
}

/** Fills n elements of dtype `dt` with `value`. */
export function fill(dt: i32, p: usize, n: i32, value: f64): void {
  if (dt == F32) {
    const v = <f32>value;
    for (let i = 0; i < n; i++) store<f32>(p + (<usize>i << 2), v);
  } else if (dt == I32) {
    const v = <i32>value;
    for (let i = 0; i < n; i++) store<i32>(p + (<usize>i << 2), v);
  } else {
    for (let i = 0; i < n; i++) store<f64>(p + (<usize>i << 3), value);
  }
}

/** Lanes 0..count-1 of f32x4 from p (count 1 to 3), the others `fill`: never reads past p's last element. */
@inline export function loadPart(p: usize, count: i32, fill: f32): v128 {
  if (!ASC_FEATURE_SIMD) return v128.splat<i32>(0);
  let v = v128.load_lane<f32>(p, f32x4.splat(fill), 0);
  if (count > 1) v = v128.load_lane<f32>(p, v, 1, 4);
  if (count > 2) v = v128.load_lane<f32>(p, v, 2, 8);
  return v;
}

/** Stores lanes 0..count-1 (count 1 to 3) of an f32x4 at p, nothing past them. */
@inline export function storePart(p: usize, v: v128, count: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  v128.store_lane<f32>(p, v, 0);
  if (count > 1) v128.store_lane<f32>(p, v, 1, 4);
  if (count > 2) v128.store_lane<f32>(p, v, 2, 8);
}
