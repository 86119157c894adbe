import type { MatMulAttrs, TensorInfo, TypedArray } from '@neurite/core';

type Info = TensorInfo<TypedArray>;

/**
 * Batched C = op(A) op(B) with rank-3 inputs whose batch is equal or 1.
 * Reference version: i-k-j order so the inner loop streams rows of B and C.
 */
export function matMul([a, b]: [Info, Info], out: Info, { transposeA, transposeB }: MatMulAttrs): void {
  const [batch, m, n] = out.shape;
  const k = transposeA ? a.shape[1] : a.shape[2];
  const A = a.storage;
  const B = b.storage;
  const C = out.storage;
  const aBatch = a.shape[0] === 1 ? 0 : m * k;
  const bBatch = b.shape[0] === 1 ? 0 : k * n;
  // Element (i, p) of op(A) is at i*ars + p*acs; element (p, j) of op(B) at p*brs + j*bcs.
  const [ars, acs] = transposeA ? [1, m] : [k, 1];
  const [brs, bcs] = transposeB ? [1, k] : [n, 1];
  for (let t = 0; t < batch; t++) {
    const ao = t * aBatch;
    const bo = t * bBatch;
    const co = t * m * n;
    for (let i = 0; i < m; i++) {
      const crow = co + i * n;
      for (let j = 0; j < n; j++) C[crow + j] = 0;
      for (let p = 0; p < k; p++) {
        const av = A[ao + i * ars + p * acs];
        const brow = bo + p * brs;
        for (let j = 0; j < n; j++) C[crow + j] += av * B[brow + j * bcs];
      }
    }
  }
}
