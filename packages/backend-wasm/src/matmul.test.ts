import type { DType, TypedArray } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend, type WasmBackendOptions } from './backend.js';
import { relaxedSimdSupported } from './loader.js';

/** Shapes that cross every blocking boundary of the kernels (KC=512 depth, MC=120 rows, 5-, 6-, 8- and 4-wide panels). */
const CASES = [
  { batch: [1, 1], m: 130, k: 300, n: 19 },
  { batch: [2, 1], m: 9, k: 513, n: 33 },
  { batch: [3, 3], m: 121, k: 7, n: 17 },
  { batch: [1, 2], m: 1, k: 260, n: 1 },
  { batch: [1, 1], m: 17, k: 1030, n: 9 },
];
const arrays = { float32: Float32Array, float64: Float64Array, int32: Int32Array };

function reference(a: TypedArray, b: TypedArray, c: (typeof CASES)[number], ta: boolean, tb: boolean): Float64Array {
  const { m, k, n } = c;
  const batch = Math.max(...c.batch);
  const out = new Float64Array(batch * m * n);
  for (let t = 0; t < batch; t++) {
    const ao = c.batch[0] === 1 ? 0 : t * m * k;
    const bo = c.batch[1] === 1 ? 0 : t * k * n;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let p = 0; p < k; p++) s += a[ao + (ta ? p * m + i : i * k + p)] * b[bo + (tb ? j * k + p : p * n + j)];
        out[t * m * n + i * n + j] = s;
      }
    }
  }
  return out;
}

function check(backend: WasmBackend, dtype: DType): void {
  for (const c of CASES) {
    for (const [ta, tb] of [[false, false], [true, false], [false, true], [true, true]]) {
      const { m, k, n } = c;
      const batch = Math.max(...c.batch);
      const a = arrays[dtype].from({ length: c.batch[0] * m * k }, (_, i) => ((i * 7919) % 13) - 6);
      const b = arrays[dtype].from({ length: c.batch[1] * k * n }, (_, i) => ((i * 104729) % 11) - 5);
      const pa = backend.alloc(dtype, a.length);
      const pb = backend.alloc(dtype, b.length);
      const po = backend.alloc(dtype, batch * m * n);
      backend.write(pa, dtype, a);
      backend.write(pb, dtype, b);
      const info = (storage: number, shape: number[]) => ({ storage, shape, dtype, size: shape.reduce((x, y) => x * y, 1) });
      backend.kernels.matMul(
        [info(pa, [c.batch[0], ta ? k : m, ta ? m : k]), info(pb, [c.batch[1], tb ? n : k, tb ? k : n])],
        info(po, [batch, m, n]),
        { transposeA: ta, transposeB: tb },
      );
      // Small integer inputs: every product and partial sum is exact in float32, so results must match exactly.
      expect(Array.from(backend.read(po, dtype, batch * m * n)), `${JSON.stringify(c)} ${ta} ${tb}`).toEqual(Array.from(reference(a, b, c, ta, tb)));
      for (const p of [pa, pb, po]) backend.free(p);
    }
  }
}

/** Every single-threaded build; the relaxed one (6x8 tile instead of 5x8) only where the engine has relaxed SIMD. */
const BUILDS: { name: string; options: WasmBackendOptions; missing?: string }[] = [
  { name: 'SIMD', options: { simd: true, relaxed: false } },
  {
    name: 'relaxed-SIMD',
    options: { simd: true, relaxed: true },
    ...(relaxedSimdSupported() ? {} : { missing: `this engine (Node ${process.versions.node}) does not validate relaxed SIMD` }),
  },
  { name: 'scalar', options: { simd: false } },
];

describe('matMul across blocking boundaries', () => {
  for (const build of BUILDS) {
    for (const dtype of ['float32', 'float64', 'int32'] as const) {
      it.skipIf(build.missing !== undefined)(`${build.name} build, ${dtype}${build.missing ? ` (skipped: ${build.missing})` : ''}`, async () => {
        check(await createWasmBackend(build.options), dtype);
      });
    }
  }
});
