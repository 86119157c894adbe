import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';

/** backend-js's sum: four f64 accumulators over j mod 4, the tail into the first, rounded once. */
function referenceSum(row: Float32Array): number {
  let s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  let j = 0;
  for (; j + 3 < row.length; j += 4) {
    s0 += row[j];
    s1 += row[j + 1];
    s2 += row[j + 2];
    s3 += row[j + 3];
  }
  for (; j < row.length; j++) s0 += row[j];
  return Math.fround(s0 + s1 + (s2 + s3));
}

describe('sum', () => {
  for (const simd of [true, false]) {
    it(`is bit-identical to backend-js's summation order (${simd ? 'SIMD' : 'scalar'} build)`, async () => {
      const backend = await createWasmBackend({ simd });
      for (let n = 1; n <= 41; n += 4) {
        const outer = 3;
        const data = Float32Array.from({ length: outer * n }, (_, i) => Math.sin(i * 1.7) * 10 ** ((i % 7) - 3));
        const x = backend.alloc('float32', data.length);
        const o = backend.alloc('float32', outer);
        backend.write(x, 'float32', data);
        backend.kernels.sum(
          [{ storage: x, shape: [outer, n], dtype: 'float32', size: data.length }],
          { storage: o, shape: [outer], dtype: 'float32', size: outer },
          { reduceSize: n },
        );
        const got = backend.read(o, 'float32', outer);
        for (let r = 0; r < outer; r++) expect(got[r]).toBe(referenceSum(data.subarray(r * n, (r + 1) * n)));
        backend.free(x);
        backend.free(o);
      }
    });
  }
});
