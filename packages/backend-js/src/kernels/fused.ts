import type {
  ActivationAttrs,
  AdamUpdateAttrs,
  FusedActivation,
  FusedMatMulAttrs,
  SgdUpdateAttrs,
  TensorInfo,
  TypedArray,
} from '@neurite/core';
import { matMul } from './matmul.js';

type Info = TensorInfo<TypedArray>;

/** act(a @ b + bias): the blocked matMul, then one pass over the output for bias and activation. */
export function fusedMatMul([a, b, bias]: [Info, Info, Info], out: Info, attrs: FusedMatMulAttrs): void {
  matMul([a, b], out, attrs);
  const o = out.storage;
  const bv = bias.storage;
  const n = out.shape[2];
  const rows = out.size / n;
  // One loop per activation, for the reason given in binary.ts.
  switch (attrs.activation) {
    case 'linear':
      for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) o[i] += bv[j];
      return;
    case 'relu':
      for (let r = 0, i = 0; r < rows; r++) {
        for (let j = 0; j < n; j++, i++) {
          const z = o[i] + bv[j];
          o[i] = z > 0 ? z : z === z ? 0 : z;
        }
      }
      return;
    case 'sigmoid':
      for (let r = 0, i = 0; r < rows; r++) {
        for (let j = 0; j < n; j++, i++) {
          const z = o[i] + bv[j];
          if (z >= 0) o[i] = 1 / (1 + Math.exp(-z));
          else {
            const e = Math.exp(z);
            o[i] = e / (1 + e);
          }
        }
      }
      return;
    case 'tanh':
      for (let r = 0, i = 0; r < rows; r++) for (let j = 0; j < n; j++, i++) o[i] = Math.tanh(o[i] + bv[j]);
      return;
    case 'elu':
      for (let r = 0, i = 0; r < rows; r++) {
        for (let j = 0; j < n; j++, i++) {
          const z = o[i] + bv[j];
          o[i] = z > 0 ? z : Math.expm1(z);
        }
      }
      return;
  }
}

/** dz = dy * f'(z) written through y = f(z). */
export function activationGrad([dy, y]: [Info, Info], out: Info, { activation }: ActivationAttrs): void {
  const d = dy.storage;
  const v = y.storage;
  const o = out.storage;
  const n = out.size;
  switch (activation as FusedActivation) {
    case 'linear':
      o.set(d);
      return;
    case 'relu':
      for (let i = 0; i < n; i++) o[i] = v[i] > 0 ? d[i] : 0;
      return;
    case 'sigmoid':
      for (let i = 0; i < n; i++) o[i] = d[i] * v[i] * (1 - v[i]);
      return;
    case 'tanh':
      for (let i = 0; i < n; i++) o[i] = d[i] * (1 - v[i] * v[i]);
      return;
    case 'elu':
      for (let i = 0; i < n; i++) o[i] = v[i] > 0 ? d[i] : d[i] * (v[i] + 1);
      return;
  }
}

/** The row's maximum, by which exp's argument is shifted; 0 when it is infinite (all -inf rows stay NaN-free). */
function shiftOf(z: TypedArray, base: number, c: number): number {
  let m = -Infinity;
  for (let j = 0; j < c; j++) if (z[base + j] > m) m = z[base + j];
  return Number.isFinite(m) ? m : 0;
}

/**
 * Per row: logSumExp(z) * sum(y) - sum(y * z), which equals -sum(y * logSoftmax(z))
 * without materialising logSoftmax. The max shift keeps exp finite.
 */
export function softmaxCrossEntropy([labels, logits]: [Info, Info], out: Info): void {
  const y = labels.storage;
  const z = logits.storage;
  const o = out.storage;
  const rows = out.size;
  const c = logits.shape[1];
  for (let r = 0, base = 0; r < rows; r++, base += c) {
    const m = shiftOf(z, base, c);
    let total = 0;
    let labelSum = 0;
    let dot = 0;
    for (let j = 0; j < c; j++) {
      const zj = z[base + j] - m;
      total += Math.exp(zj);
      labelSum += y[base + j];
      // A zero label contributes nothing, even against a -Infinity logit (0 * -inf would be NaN).
      if (y[base + j] !== 0) dot += y[base + j] * zj;
    }
    o[r] = Math.log(total) * labelSum - dot;
  }
}

/** dL/dz = dy * (softmax(z) * sum(y) - y), row by row. */
export function softmaxCrossEntropyGrad([labels, logits, dy]: [Info, Info, Info], out: Info): void {
  const y = labels.storage;
  const z = logits.storage;
  const d = dy.storage;
  const o = out.storage;
  const c = logits.shape[1];
  const rows = logits.shape[0];
  for (let r = 0, base = 0; r < rows; r++, base += c) {
    const m = shiftOf(z, base, c);
    let total = 0;
    let labelSum = 0;
    for (let j = 0; j < c; j++) {
      total += Math.exp(z[base + j] - m);
      labelSum += y[base + j];
    }
    const scale = (d[r] * labelSum) / total;
    for (let j = 0; j < c; j++) o[base + j] = scale * Math.exp(z[base + j] - m) - d[r] * y[base + j];
  }
}

/** In place: b = mu*b + g + wd*w; w -= lr * (nesterov ? g + wd*w + mu*b : b). */
export function sgdUpdate([w, grad, velocity]: [Info, Info, Info], _out: Info, attrs: SgdUpdateAttrs): void {
  const p = w.storage;
  const g = grad.storage;
  const b = velocity.storage;
  const { lr, momentum, nesterov, weightDecay } = attrs;
  for (let i = 0, n = w.size; i < n; i++) {
    const gi = g[i] + weightDecay * p[i];
    // Stored first and read back: the step uses the velocity as rounded to the dtype, as the composed ops would.
    b[i] = momentum * b[i] + gi;
    const bi = b[i];
    p[i] -= lr * (nesterov ? gi + momentum * bi : bi);
  }
}

/** In place: one Adam/AdamW step (see AdamUpdateAttrs for the rule). */
export function adamUpdate([w, grad, m1, m2]: [Info, Info, Info, Info], _out: Info, attrs: AdamUpdateAttrs): void {
  const p = w.storage;
  const g = grad.storage;
  const m = m1.storage;
  const v = m2.storage;
  const { lr, beta1, beta2, epsilon, step, weightDecay, decoupled } = attrs;
  const c1 = 1 - beta1 ** step;
  const c2 = 1 - beta2 ** step;
  const coupled = decoupled ? 0 : weightDecay;
  const shrink = decoupled ? lr * weightDecay : 0;
  for (let i = 0, n = w.size; i < n; i++) {
    const wi = p[i];
    const gi = g[i] + coupled * wi;
    // Moments are stored first and read back, rounded to the dtype, as the composed ops would use them.
    m[i] = beta1 * m[i] + (1 - beta1) * gi;
    v[i] = beta2 * v[i] + (1 - beta2) * gi * gi;
    const mi = m[i];
    const vi = v[i];
    p[i] = wi - (lr * (mi / c1)) / (Math.sqrt(vi / c2) + epsilon) - shrink * wi;
  }
}
