import { F64 } from './common';
import { ELU, RELU, SIGMOID, TANH } from './activation-lanes';
import { activationGradF32, adamF32, biasActivationF32, sgdF32, softmaxCrossEntropyF32, softmaxCrossEntropyGradF32 } from './fused-simd';

/*
 * Fused kernels: one pass where the composed ops would make several. Math is
 * in f64 and rounded once on store, like backend-js, so both agree closely.
 * The SIMD builds run float32 in f32x4 lanes instead (fused-simd.ts): the f64
 * forms of the optimizer steps were slower than the composed primitive ops,
 * and Math.exp per element was most of the cross-entropy's time.
 * Activation codes (activation-lanes.ts) match packages/backend-wasm/src/kernels/fused.ts.
 */
@inline function activate(z: f64, act: i32): f64 {
  switch (act) {
    case RELU: return z > 0 ? z : (z == z ? 0 : z);
    case SIGMOID: {
      if (z >= 0) return 1 / (1 + Math.exp(-z));
      const e = Math.exp(z);
      return e / (1 + e);
    }
    case TANH: return Math.tanh(z);
    case ELU: return z > 0 ? z : Math.expm1(z);
    default: return z;
  }
}

function biasActivationT<T>(o: usize, bias: usize, rows: i32, n: i32, act: i32): void {
  const es = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const row = o + <usize>r * <usize>n * es;
    for (let j = 0; j < n; j++) {
      const q = row + <usize>j * es;
      store<T>(q, <T>activate(<f64>load<T>(q) + <f64>load<T>(bias + <usize>j * es), act));
    }
  }
}

/** o[r, j] = act(o[r, j] + bias[j]): the epilogue of fusedMatMul, run right after matMul into o. */
export function biasActivation(dt: i32, o: usize, bias: usize, rows: i32, n: i32, act: i32): void {
  if (dt == F64) biasActivationT<f64>(o, bias, rows, n, act);
  else if (ASC_FEATURE_SIMD) biasActivationF32(o, bias, rows, n, act);
  else biasActivationT<f32>(o, bias, rows, n, act);
}

function activationGradT<T>(dy: usize, y: usize, o: usize, n: i32, act: i32): void {
  const es = sizeof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i * es;
    const d = <f64>load<T>(dy + off);
    const v = <f64>load<T>(y + off);
    let r: f64;
    switch (act) {
      case RELU: r = v > 0 ? d : 0; break;
      case SIGMOID: r = d * v * (1 - v); break;
      case TANH: r = d * (1 - v * v); break;
      case ELU: r = v > 0 ? d : d * (v + 1); break;
      default: r = d;
    }
    store<T>(o + off, <T>r);
  }
}

/** dz = dy * f'(z), written through y = f(z). */
export function activationGrad(dt: i32, dy: usize, y: usize, o: usize, n: i32, act: i32): void {
  if (dt == F64) activationGradT<f64>(dy, y, o, n, act);
  else if (ASC_FEATURE_SIMD) activationGradF32(dy, y, o, n, act);
  else activationGradT<f32>(dy, y, o, n, act);
}

@inline function rowMax<T>(z: usize, c: i32): f64 {
  let m: f64 = -Infinity;
  for (let j = 0; j < c; j++) {
    const v = <f64>load<T>(z + <usize>j * sizeof<T>());
    if (v > m) m = v;
  }
  return isFinite(m) ? m : 0;
}

function softmaxCrossEntropyT<T>(y: usize, z: usize, o: usize, rows: i32, c: i32): void {
  const es = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const zr = z + <usize>r * <usize>c * es;
    const yr = y + <usize>r * <usize>c * es;
    const m = rowMax<T>(zr, c);
    let total: f64 = 0, labelSum: f64 = 0, dot: f64 = 0;
    for (let j = 0; j < c; j++) {
      const zj = <f64>load<T>(zr + <usize>j * es) - m;
      const yj = <f64>load<T>(yr + <usize>j * es);
      total += Math.exp(zj);
      labelSum += yj;
      // A zero label adds nothing, even against a -Infinity logit (0 * -inf is NaN).
      if (yj != 0) dot += yj * zj;
    }
    store<T>(o + <usize>r * es, <T>(Math.log(total) * labelSum - dot));
  }
}

/** Per row: logSumExp(z) * sum(y) - sum(y * z) = -sum(y * logSoftmax(z)). */
export function softmaxCrossEntropy(dt: i32, y: usize, z: usize, o: usize, rows: i32, c: i32): void {
  if (dt == F64) softmaxCrossEntropyT<f64>(y, z, o, rows, c);
  else if (ASC_FEATURE_SIMD) softmaxCrossEntropyF32(y, z, o, rows, c);
  else softmaxCrossEntropyT<f32>(y, z, o, rows, c);
}

function softmaxCrossEntropyGradT<T>(y: usize, z: usize, dy: usize, o: usize, rows: i32, c: i32): void {
  const es = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const base = <usize>r * <usize>c * es;
    const m = rowMax<T>(z + base, c);
    let total: f64 = 0, labelSum: f64 = 0;
    for (let j = 0; j < c; j++) {
      total += Math.exp(<f64>load<T>(z + base + <usize>j * es) - m);
      labelSum += <f64>load<T>(y + base + <usize>j * es);
    }
    const d = <f64>load<T>(dy + <usize>r * es);
    const scale = (d * labelSum) / total;
    for (let j = 0; j < c; j++) {
      const q = base + <usize>j * es;
      store<T>(o + q, <T>(scale * Math.exp(<f64>load<T>(z + q) - m) - d * <f64>load<T>(y + q)));
    }
  }
}

/** dL/dz = dy * (softmax(z) * sum(y) - y), row by row. */
export function softmaxCrossEntropyGrad(dt: i32, y: usize, z: usize, dy: usize, o: usize, rows: i32, c: i32): void {
  if (dt == F64) softmaxCrossEntropyGradT<f64>(y, z, dy, o, rows, c);
  else if (ASC_FEATURE_SIMD) softmaxCrossEntropyGradF32(y, z, dy, o, rows, c);
  else softmaxCrossEntropyGradT<f32>(y, z, dy, o, rows, c);
}

function sgdUpdateT<T>(w: usize, g: usize, b: usize, n: i32, lr: f64, momentum: f64, nesterov: bool, wd: f64): void {
  const es = sizeof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i * es;
    const wi = <f64>load<T>(w + off);
    const gi = <f64>load<T>(g + off) + wd * wi;
    const bi = <f64>(<T>(momentum * <f64>load<T>(b + off) + gi));
    store<T>(b + off, <T>bi);
    store<T>(w + off, <T>(wi - lr * (nesterov ? gi + momentum * bi : bi)));
  }
}

/** In place: b = mu*b + g + wd*w; w -= lr * (nesterov ? g + wd*w + mu*b : b). */
export function sgdUpdate(dt: i32, w: usize, g: usize, b: usize, n: i32, lr: f64, momentum: f64, nesterov: i32, wd: f64): void {
  if (dt == F64) sgdUpdateT<f64>(w, g, b, n, lr, momentum, nesterov != 0, wd);
  else if (ASC_FEATURE_SIMD) sgdF32(w, g, b, n, lr, momentum, nesterov != 0, wd);
  else sgdUpdateT<f32>(w, g, b, n, lr, momentum, nesterov != 0, wd);
}

function adamUpdateT<T>(w: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, c1: f64, c2: f64, coupled: f64, shrink: f64): void {
  const es = sizeof<T>();
  for (let i = 0; i < n; i++) {
    const off = <usize>i * es;
    const wi = <f64>load<T>(w + off);
    const gi = <f64>load<T>(g + off) + coupled * wi;
    // The moments are stored (rounded to T) before use, as backend-js does, so both backends agree.
    const mi = <f64>(<T>(beta1 * <f64>load<T>(m + off) + (1 - beta1) * gi));
    const vi = <f64>(<T>(beta2 * <f64>load<T>(v + off) + (1 - beta2) * gi * gi));
    store<T>(m + off, <T>mi);
    store<T>(v + off, <T>vi);
    store<T>(w + off, <T>(wi - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + eps) - shrink * wi));
  }
}

/** In place: one Adam/AdamW step; c1, c2 are the bias corrections 1 - beta^t. */
export function adamUpdate(dt: i32, w: usize, g: usize, m: usize, v: usize, n: i32, lr: f64, beta1: f64, beta2: f64, eps: f64, c1: f64, c2: f64, coupled: f64, shrink: f64): void {
  if (dt == F64) adamUpdateT<f64>(w, g, m, v, n, lr, beta1, beta2, eps, c1, c2, coupled, shrink);
  else if (ASC_FEATURE_SIMD) adamF32(w, g, m, v, n, lr, beta1, beta2, eps, c1, c2, coupled, shrink);
  else adamUpdateT<f32>(w, g, m, v, n, lr, beta1, beta2, eps, c1, c2, coupled, shrink);
}
