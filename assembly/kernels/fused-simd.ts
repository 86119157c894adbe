import { ELU, RELU, SIGMOID, TANH, activationF32x4 } from './activation-lanes';
import { loadPart, storePart } from './common';
import { expF32x4 } from './expf';

/*
 * float32 forms of the fused kernels for the SIMD builds: f32x4 lanes where
 * the f64 loops of fused.ts spent their time in Math.exp and in widening
 * every element. The same formulas in the same order, so results differ
 * from the f64 forms by float32 rounding only; a tail shorter than a vector
 * runs the same arithmetic (scalar f32, or a partly filled vector), so a
 * value does not depend on where in the array it sits.
 */

// ---------------------------------------------------------------- optimizers

/**
 * Adam in place: m and v rounded to float32 and stored before use, as in
 * fused.ts; lr / c1 and 1 / c2 folded once into float32 constants.
 */
export function adamF32(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, c1: f64, c2: f64, coupled: f64, shrink: f64): void {
  if (!ASC_FEATURE_SIMD) return;
  const b1 = <f32>beta1, r1 = <f32>(1 - beta1), b2 = <f32>beta2, r2 = <f32>(1 - beta2);
  const step = <f32>(lr / c1), inv2 = <f32>(1 / c2), e = <f32>eps, cw = <f32>coupled, sh = <f32>shrink;
  const B1 = f32x4.splat(b1), R1 = f32x4.splat(r1), B2 = f32x4.splat(b2), R2 = f32x4.splat(r2);
  const STEP = f32x4.splat(step), INV2 = f32x4.splat(inv2), E = f32x4.splat(e), CW = f32x4.splat(cw), SH = f32x4.splat(sh);
  const end = w + (<usize>(n & ~3) << 2);
  for (; w < end; w += 16, g += 16, m += 16, v += 16) {
    const wi = v128.load(w);
    const gi = f32x4.add(v128.load(g), f32x4.mul(CW, wi));
    const mi = f32x4.add(f32x4.mul(B1, v128.load(m)), f32x4.mul(R1, gi));
    const vi = f32x4.add(f32x4.mul(B2, v128.load(v)), f32x4.mul(f32x4.mul(R2, gi), gi));
    v128.store(m, mi);
    v128.store(v, vi);
    const delta = f32x4.div(f32x4.mul(STEP, mi), f32x4.add(f32x4.sqrt(f32x4.mul(vi, INV2)), E));
    v128.store(w, f32x4.sub(f32x4.sub(wi, delta), f32x4.mul(SH, wi)));
  }
  for (let i = 0; i < (n & 3); i++) {
    const off = <usize>i << 2;
    const wi = load<f32>(w + off);
    const gi = load<f32>(g + off) + cw * wi;
    const mi = b1 * load<f32>(m + off) + r1 * gi;
    const vi = b2 * load<f32>(v + off) + r2 * gi * gi;
    store<f32>(m + off, mi);
    store<f32>(v + off, vi);
    store<f32>(w + off, wi - (step * mi) / (Mathf.sqrt(vi * inv2) + e) - sh * wi);
  }
}

/** SGD with momentum in place, as in fused.ts, on float32 lanes. */
export function sgdF32(w: usize, g: usize, b: usize, n: i32, lr: f64, momentum: f64, nesterov: bool, wd: f64): void {
  if (!ASC_FEATURE_SIMD) return;
  const rate = <f32>lr, mu = <f32>momentum, decay = <f32>wd;
  const RATE = f32x4.splat(rate), MU = f32x4.splat(mu), DECAY = f32x4.splat(decay);
  const end = w + (<usize>(n & ~3) << 2);
  if (nesterov) {
    for (; w < end; w += 16, g += 16, b += 16) {
      const wi = v128.load(w);
      const gi = f32x4.add(v128.load(g), f32x4.mul(DECAY, wi));
      const bi = f32x4.add(f32x4.mul(MU, v128.load(b)), gi);
      v128.store(b, bi);
      v128.store(w, f32x4.sub(wi, f32x4.mul(RATE, f32x4.add(gi, f32x4.mul(MU, bi)))));
    }
  } else {
    for (; w < end; w += 16, g += 16, b += 16) {
      const wi = v128.load(w);
      const bi = f32x4.add(f32x4.mul(MU, v128.load(b)), f32x4.add(v128.load(g), f32x4.mul(DECAY, wi)));
      v128.store(b, bi);
      v128.store(w, f32x4.sub(wi, f32x4.mul(RATE, bi)));
    }
  }
  for (let i = 0; i < (n & 3); i++) {
    const off = <usize>i << 2;
    const wi = load<f32>(w + off);
    const gi = load<f32>(g + off) + decay * wi;
    const bi = mu * load<f32>(b + off) + gi;
    store<f32>(b + off, bi);
    store<f32>(w + off, wi - rate * (nesterov ? gi + mu * bi : bi));
  }
}

// ---------------------------------------------------------------- dense layer

/**
 * o[r, j] = act(o[r, j] + bias[j]). Linear and relu give the f64 form's values
 * (float32 add is exactly rounded); sigmoid, tanh and elu come from
 * activation-lanes.ts, within 1-2 ulp of them. Rows whose length is not a
 * multiple of 4 end in a partial vector, so every element takes the same path.
 */
export function biasActivationF32(o: usize, bias: usize, rows: i32, n: i32, act: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const vec = <usize>(n & ~3) << 2;
  const rest = n & 3;
  for (let r = 0; r < rows; r++) {
    const row = o + <usize>r * (<usize>n << 2);
    let j: usize = 0;
    for (; j < vec; j += 16) v128.store(row + j, activationF32x4(act, f32x4.add(v128.load(row + j), v128.load(bias + j))));
    if (rest > 0) storePart(row + j, activationF32x4(act, f32x4.add(loadPart(row + j, rest, 0), loadPart(bias + j, rest, 0))), rest);
  }
}

/** One f32x4 of dz = act'(z) dy, from the activation's output y (the fused dense backward). */
@inline function activationGradLanes(act: i32, d: v128, y: v128): v128 {
  const one = f32x4.splat(1);
  switch (act) {
    // dy where y > 0, else +0 (NaN y included).
    case RELU: return v128.and(d, f32x4.gt(y, f32x4.splat(0)));
    case SIGMOID: return f32x4.mul(f32x4.mul(d, y), f32x4.sub(one, y));
    case TANH: return f32x4.mul(d, f32x4.sub(one, f32x4.mul(y, y)));
    // y + 1 = e^z where z <= 0; NaN y takes the second form (NaN).
    case ELU: return v128.bitselect(d, f32x4.mul(d, f32x4.add(y, one)), f32x4.gt(y, f32x4.splat(0)));
    default: return d;
  }
}

/**
 * dz = act'(z) dy through y = act(z), in float32 lanes: the f64 form's
 * formulas, two or three float32 roundings instead of one.
 */
export function activationGradF32(dy: usize, y: usize, o: usize, n: i32, act: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const vec = <usize>(n & ~3) << 2;
  let i: usize = 0;
  for (; i < vec; i += 16) v128.store(o + i, activationGradLanes(act, v128.load(dy + i), v128.load(y + i)));
  const rest = n & 3;
  if (rest > 0) storePart(o + i, activationGradLanes(act, loadPart(dy + i, rest, 0), loadPart(y + i, rest, 0)), rest);
}

// ---------------------------------------------------------------- softmax cross-entropy

/**
 * Adds the four lanes into two f64 lanes of `acc`. Sums run in float32 over
 * at most 16 terms, then in f64: the row total stays within a few float32
 * ulp however long the row, where a float32 running sum over 1000 classes
 * could drift by hundreds.
 */
@inline function widenAdd(acc: v128, v: v128): v128 {
  return f64x2.add(acc, f64x2.add(f64x2.promote_low_f32x4(v), f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3))));
}

@inline function laneSum(acc: v128): f64 {
  return f64x2.extract_lane(acc, 0) + f64x2.extract_lane(acc, 1);
}

/** The row maximum ignoring NaN (0 when it is not finite), as fused.ts's rowMax. */
function rowMaxF32(z: usize, c: i32): f32 {
  const vec = <usize>(c & ~3) << 2;
  // pmax(a, b) is a < b ? b : a: a NaN in b is passed over.
  let acc = f32x4.splat(-Infinity);
  let j: usize = 0;
  for (; j < vec; j += 16) acc = f32x4.pmax(acc, v128.load(z + j));
  let m = f32x4.extract_lane(acc, 0);
  const l1 = f32x4.extract_lane(acc, 1), l2 = f32x4.extract_lane(acc, 2), l3 = f32x4.extract_lane(acc, 3);
  if (l1 > m) m = l1;
  if (l2 > m) m = l2;
  if (l3 > m) m = l3;
  for (; j < <usize>c << 2; j += 4) {
    const v = load<f32>(z + j);
    if (v > m) m = v;
  }
  return isFinite(m) ? m : 0;
}

/** y * (z - m), 0 where y is 0 even against a -Infinity logit (0 * -inf is NaN). */
@inline function labelDot(y: v128, zm: v128): v128 {
  return v128.andnot(f32x4.mul(y, zm), f32x4.eq(y, f32x4.splat(0)));
}

/** Per row: log(sum e^(z - m)) * sum(y) - sum(y (z - m)), the last two in float32 lanes widened to f64. */
export function softmaxCrossEntropyF32(y: usize, z: usize, o: usize, rows: i32, c: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowBytes = <usize>c << 2;
  const blocks = <usize>(c & ~15) << 2;
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * rowBytes, yr = y + <usize>r * rowBytes;
    const mv = f32x4.splat(rowMaxF32(zr, c));
    let total = f64x2.splat(0), labels = f64x2.splat(0), dot = f64x2.splat(0);
    let j: usize = 0;
    for (; j < blocks; j += 64) {
      const z0 = f32x4.sub(v128.load(zr + j), mv), z1 = f32x4.sub(v128.load(zr + j, 16), mv);
      const z2 = f32x4.sub(v128.load(zr + j, 32), mv), z3 = f32x4.sub(v128.load(zr + j, 48), mv);
      const y0 = v128.load(yr + j), y1 = v128.load(yr + j, 16), y2 = v128.load(yr + j, 32), y3 = v128.load(yr + j, 48);
      const e = f32x4.add(f32x4.add(expF32x4(z0), expF32x4(z1)), f32x4.add(expF32x4(z2), expF32x4(z3)));
      total = widenAdd(total, e);
      labels = widenAdd(labels, f32x4.add(f32x4.add(y0, y1), f32x4.add(y2, y3)));
      dot = widenAdd(dot, f32x4.add(f32x4.add(labelDot(y0, z0), labelDot(y1, z1)), f32x4.add(labelDot(y2, z2), labelDot(y3, z3))));
    }
    // The last 0-15 classes a vector at a time; the final partial vector is padded
    // with logit -Infinity (e^-inf = 0) and label 0, which add nothing.
    for (; j < rowBytes; j += 16) {
      const left = <i32>((rowBytes - j) >> 2);
      const zj = f32x4.sub(left >= 4 ? v128.load(zr + j) : loadPart(zr + j, left, -Infinity), mv);
      const yj = left >= 4 ? v128.load(yr + j) : loadPart(yr + j, left, 0);
      total = widenAdd(total, expF32x4(zj));
      labels = widenAdd(labels, yj);
      dot = widenAdd(dot, labelDot(yj, zj));
    }
    store<f32>(o + (<usize>r << 2), <f32>(Math.log(laneSum(total)) * laneSum(labels) - laneSum(dot)));
  }
}

/**
 * dL/dz = dy * (softmax(z) * sum(y) - y) per row: e^(z - m) is written to o
 * on the first pass (with the sums), then scaled there, so exp runs once.
 * o is the kernel's own freshly allocated output, never y or z.
 */
export function softmaxCrossEntropyGradF32(y: usize, z: usize, dy: usize, o: usize, rows: i32, c: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const rowBytes = <usize>c << 2;
  const blocks = <usize>(c & ~15) << 2;
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * rowBytes;
    const zr = z + base, yr = y + base, or = o + base;
    const mv = f32x4.splat(rowMaxF32(zr, c));
    let total = f64x2.splat(0), labels = f64x2.splat(0);
    let j: usize = 0;
    for (; j < blocks; j += 64) {
      const e0 = expF32x4(f32x4.sub(v128.load(zr + j), mv)), e1 = expF32x4(f32x4.sub(v128.load(zr + j, 16), mv));
      const e2 = expF32x4(f32x4.sub(v128.load(zr + j, 32), mv)), e3 = expF32x4(f32x4.sub(v128.load(zr + j, 48), mv));
      v128.store(or + j, e0);
      v128.store(or + j, e1, 16);
      v128.store(or + j, e2, 32);
      v128.store(or + j, e3, 48);
      total = widenAdd(total, f32x4.add(f32x4.add(e0, e1), f32x4.add(e2, e3)));
      labels = widenAdd(labels, f32x4.add(f32x4.add(v128.load(yr + j), v128.load(yr + j, 16)), f32x4.add(v128.load(yr + j, 32), v128.load(yr + j, 48))));
    }
    for (; j < rowBytes; j += 16) {
      const left = <i32>((rowBytes - j) >> 2);
      if (left >= 4) {
        const e = expF32x4(f32x4.sub(v128.load(zr + j), mv));
        v128.store(or + j, e);
        total = widenAdd(total, e);
        labels = widenAdd(labels, v128.load(yr + j));
      } else {
        const e = expF32x4(f32x4.sub(loadPart(zr + j, left, -Infinity), mv));
        storePart(or + j, e, left);
        total = widenAdd(total, e);
        labels = widenAdd(labels, loadPart(yr + j, left, 0));
      }
    }
    const d = <f64>load<f32>(dy + (<usize>r << 2));
    const sv = f32x4.splat(<f32>((d * laneSum(labels)) / laneSum(total)));
    const dv = f32x4.splat(<f32>d);
    j = 0;
    for (; j + 16 <= rowBytes; j += 16) v128.store(or + j, f32x4.sub(f32x4.mul(sv, v128.load(or + j)), f32x4.mul(dv, v128.load(yr + j))));
    if (j < rowBytes) {
      const left = <i32>((rowBytes - j) >> 2);
      storePart(or + j, f32x4.sub(f32x4.mul(sv, loadPart(or + j, left, 0)), f32x4.mul(dv, loadPart(yr + j, left, 0))), left);
    }
  }
}
