import type { MatMulAttrs, TensorInfo } from '@neurite/core';
import { DTYPE_CODE, type WasmHeap } from '../heap.js';

type Info = TensorInfo<number>;

/** Batched C = op(A) op(B) on rank-3 inputs whose batch is equal or 1 (assembly/kernels/matmul.ts). */
export function matMulKernel(h: WasmHeap) {
  return ([a, b]: [Info, Info], out: Info, { transposeA, transposeB }: MatMulAttrs): void => {
    const [batch, m, n] = out.shape;
    const k = transposeA ? a.shape[1] : a.shape[2];
    const aBatch = a.shape[0] === 1 ? 0 : m * k;
    const bBatch = b.shape[0] === 1 ? 0 : k * n;
    h.exports.matMul(DTYPE_CODE[out.dtype], a.storage, b.storage, out.storage, batch, m, n, k, aBatch, bBatch, transposeA ? 1 : 0, transposeB ? 1 : 0);
  };
}
