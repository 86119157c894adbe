import type { MatMulAttrs, TensorInfo } from '@neurite/core';
import { DTYPE_CODE, type WasmHeap } from '../heap.js';
import { Job, type ThreadPool } from '../threads.js';

type Info = TensorInfo<number>;

/** Float32 output of one thread: batches [t0, t1), rows [r0, r1). */
export interface RowRange {
  t0: number;
  t1: number;
  r0: number;
  r1: number;
}

/** Whole batches per thread, as even as they divide (for batch >= parts). */
export function splitBatches(batch: number, m: number, parts: number): RowRange[] {
  return Array.from({ length: parts }, (_, p) => ({ t0: Math.floor((batch * p) / parts), t1: Math.floor((batch * (p + 1)) / parts), r0: 0, r1: m }));
}

const align16 = (bytes: number) => Math.ceil(bytes / 16) * 16;

/**
 * Splits a float32 matMul over the pool: many batches go whole to each thread;
 * otherwise all threads share each product (assembly/kernels/matmul-threads.ts).
 * Workers cannot allocate, so every thread's scratch is allocated here.
 */
function matMulThreaded(h: WasmHeap, pool: ThreadPool, args: number[], batch: number, m: number, n: number): void {
  const [a, b, c, k, aBatch, bBatch, ta, tb] = args;
  if (batch >= pool.size) {
    const each = align16(h.exports.matMulScratch(n));
    const block = h.allocBytes(each * pool.size, 'matMul thread scratch');
    try {
      pool.run(splitBatches(batch, m, pool.size).map(({ t0, t1, r0, r1 }, i) => [Job.rows, a, b, c, m, n, k, aBatch, bBatch, ta, tb, t0, t1, r0, r1, block + i * each]));
    } finally {
      h.free(block);
    }
    return;
  }
  const packedB = align16(h.exports.matMulPackedB(n));
  const each = align16(h.exports.matMulSharedScratch());
  const block = h.allocBytes(16 + packedB + each * pool.size, 'matMul thread scratch');
  try {
    h.zero(block, 16); // the barrier and row counter
    const jobs = Array.from({ length: pool.size }, (_, i) => {
      const canWait = i === 0 ? (pool.canWait ? 1 : 0) : 1;
      return [Job.shared, a, b, c, batch, m, n, k, aBatch, bBatch, ta, tb, block, block + 16, block + 16 + packedB + i * each, i, pool.size, canWait];
    });
    pool.run(jobs);
  } finally {
    h.free(block);
  }
}

/** Batched C = op(A) op(B) on rank-3 inputs whose batch is equal or 1 (assembly/kernels/matmul.ts). */
export function matMulKernel(h: WasmHeap) {
  return ([a, b]: [Info, Info], out: Info, { transposeA, transposeB }: MatMulAttrs): void => {
    const [batch, m, n] = out.shape;
    const k = transposeA ? a.shape[1] : a.shape[2];
    const aBatch = a.shape[0] === 1 ? 0 : m * k;
    const bBatch = b.shape[0] === 1 ? 0 : k * n;
    const pool = h.threads;
    if (pool !== null && out.dtype === 'float32' && k > 0 && m > 0 && n > 0 && batch * m * n * k >= h.threadsMinWork) {
      matMulThreaded(h, pool, [a.storage, b.storage, out.storage, k, aBatch, bBatch, transposeA ? 1 : 0, transposeB ? 1 : 0], batch, m, n);
      return;
    }
    h.exports.matMul(DTYPE_CODE[out.dtype], a.storage, b.storage, out.storage, batch, m, n, k, aBatch, bBatch, transposeA ? 1 : 0, transposeB ? 1 : 0);
  };
}
