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

/** backend-js's max/min: NaN wins; of equal values (0 and -0) the first one seen. */
function referenceExtreme(row: Float32Array, isMax: boolean): number {
  let acc = isMax ? -Infinity : Infinity;
  for (const v of row) {
    if (Number.isNaN(v)) return NaN;
    if (isMax ? v > acc : v < acc) acc = v;
  }
  return acc;
}

describe('max and min', () => {
  /** Rows long enough for the SIMD build's vector loop (64+), with the values where it could part from the scalar loop. */
  function rows(): Float32Array[] {
    const n = 203; // 12 vector blocks and an 11-element tail
    const base = () => Float32Array.from({ length: n }, (_, i) => Math.sin(i * 0.37) * 5 - 6);
    const out: Float32Array[] = [base()];
    for (const at of [0, 5, 100, 191, 202]) {
      const withNaN = base();
      withNaN[at] = NaN;
      out.push(withNaN);
      const withMax = base();
      withMax[at] = 1e30;
      out.push(withMax);
    }
    // Zeros of both signs, in both orders, are the extreme: the first one seen wins.
    for (const [i, j] of [[3, 150], [150, 3], [200, 7]]) {
      const zeros = base();
      zeros[i] = -0;
      zeros[j] = 0;
      out.push(zeros);
      out.push(zeros.map((v) => -v));
    }
    out.push(new Float32Array(n).fill(-Infinity), new Float32Array(n).fill(Infinity));
    return out;
  }

  for (const op of ['max', 'min'] as const) {
    it(`${op}: SIMD and scalar builds agree bit for bit, NaN and signed zeros included`, async () => {
      const results: number[][] = [];
      for (const simd of [true, false]) {
        const backend = await createWasmBackend({ simd });
        const data = rows();
        const n = data[0].length;
        const x = backend.alloc('float32', data.length * n);
        const o = backend.alloc('float32', data.length);
        data.forEach((row, r) => backend.write(x + r * n * 4, 'float32', row));
        backend.kernels[op](
          [{ storage: x, shape: [data.length, n], dtype: 'float32', size: data.length * n }],
          { storage: o, shape: [data.length], dtype: 'float32', size: data.length },
          { reduceSize: n },
        );
        results.push(Array.from(backend.read(o, 'float32', data.length)));
        backend.free(x);
        backend.free(o);
      }
      expect(results[0]).toEqual(results[1]);
      expect(results[0]).toEqual(rows().map((row) => referenceExtreme(row, op === 'max')));
    });
  }
});
