import type { ActivationAttrs, AdamUpdateAttrs, FusedActivation, FusedMatMulAttrs, SgdUpdateAttrs, TensorInfo } from '@neurite/core';
import { DTYPE_CODE, type WasmHeap } from '../heap.js';
import { matMulKernel } from './matmul.js';

type Info = TensorInfo<number>;

/** Activation codes of assembly/kernels/fused.ts. */
const ACTIVATION_CODE: Record<FusedActivation, number> = { linear: 0, relu: 1, sigmoid: 2, tanh: 3, elu: 4 };

/** act(a @ b + bias): the SIMD matMul, then a bias-and-activation pass over the output in wasm. */
export function fusedMatMulKernel(h: WasmHeap) {
  const matMul = matMulKernel(h);
  return ([a, b, bias]: [Info, Info, Info], out: Info, attrs: FusedMatMulAttrs): void => {
    matMul([a, b], out, attrs);
    const n = out.shape[2];
    h.exports.biasActivation(DTYPE_CODE[out.dtype], out.storage, bias.storage, out.size / n, n, ACTIVATION_CODE[attrs.activation]);
  };
}

export function activationGradKernel(h: WasmHeap) {
  return ([dy, y]: [Info, Info], out: Info, { activation }: ActivationAttrs): void => {
    h.exports.activationGrad(DTYPE_CODE[out.dtype], dy.storage, y.storage, out.storage, out.size, ACTIVATION_CODE[activation]);
  };
}

export function softmaxCrossEntropyKernel(h: WasmHeap) {
  return ([labels, logits]: [Info, Info], out: Info): void => {
    h.exports.softmaxCrossEntropy(DTYPE_CODE[out.dtype], labels.storage, logits.storage, out.storage, logits.shape[0], logits.shape[1]);
  };
}

export function softmaxCrossEntropyGradKernel(h: WasmHeap) {
  return ([labels, logits, dy]: [Info, Info, Info], out: Info): void => {
    h.exports.softmaxCrossEntropyGrad(DTYPE_CODE[out.dtype], labels.storage, logits.storage, dy.storage, out.storage, logits.shape[0], logits.shape[1]);
  };
}

/** In place on w and the velocity. */
export function sgdUpdateKernel(h: WasmHeap) {
  return ([w, g, b]: [Info, Info, Info], _out: Info, { lr, momentum, nesterov, weightDecay }: SgdUpdateAttrs): void => {
    h.exports.sgdUpdate(DTYPE_CODE[w.dtype], w.storage, g.storage, b.storage, w.size, lr, momentum, nesterov ? 1 : 0, weightDecay);
  };
}

/** In place on w and both moments; the bias corrections are computed once here in float64. */
export function adamUpdateKernel(h: WasmHeap) {
  return ([w, g, m, v]: [Info, Info, Info, Info], _out: Info, attrs: AdamUpdateAttrs): void => {
    const { lr, beta1, beta2, epsilon, step, weightDecay, decoupled } = attrs;
    h.exports.adamUpdate(
      DTYPE_CODE[w.dtype], w.storage, g.storage, m.storage, v.storage, w.size,
      lr, beta1, beta2, epsilon, 1 - beta1 ** step, 1 - beta2 ** step,
      decoupled ? 0 : weightDecay, decoupled ? lr * weightDecay : 0,
    );
  };
}
