import { add, getBackend, listBackends, matMul, memory, randomNormal, registerBackend, removeBackend, setBackend, tensor, tidy } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import { register, WASM_SIMD_PRIORITY } from './index.js';
import { simdSupported } from './loader.js';

describe('createWasmBackend', () => {
  it('picks the SIMD build when the engine has SIMD, and either build on request', async () => {
    expect((await createWasmBackend()).simd).toBe(simdSupported());
    const scalar = await createWasmBackend({ simd: false });
    expect(scalar.simd).toBe(false);
    expect(scalar.features?.()).toMatchObject({ simd: false, float64: true });
  });

  it('loads from bytes, a file URL and a path', async () => {
    const url = new URL('../dist/neurite-scalar.wasm', import.meta.url);
    const { readFile } = await import('node:fs/promises');
    const bytes = new Uint8Array(await readFile(url));
    for (const wasm of [bytes, url, url.pathname]) {
      expect((await createWasmBackend({ simd: false, wasm })).simd).toBe(false);
    }
    // A module that is not ours is refused with the exports it lacks.
    const empty = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
    await expect(createWasmBackend({ simd: false, wasm: empty })).rejects.toThrow(/lacks memory, alloc, free/);
    // The scalar module presented as the SIMD build is refused, not silently used.
    await expect(createWasmBackend({ simd: true, wasm: bytes })).rejects.toThrow(/scalar build but SIMD was selected/);
  });

  it('runs ops in wasm memory with the same results as plain arithmetic', async () => {
    registerBackend('wasm-test', () => createWasmBackend());
    await setBackend('wasm-test');
    try {
      expect(getBackend().name).toBe('wasm');
      const before = memory().numTensors;
      tidy(() => {
        const a = randomNormal([37, 53], 0, 1, { seed: 1 });
        const b = randomNormal([53, 29], 0, 1, { seed: 2 });
        const got = matMul(a, b).dataSync();
        const x = a.dataSync();
        const y = b.dataSync();
        for (const [i, j] of [[0, 0], [36, 28], [17, 5]]) {
          let s = 0;
          for (let p = 0; p < 53; p++) s += x[i * 53 + p] * y[p * 29 + j];
          expect(got[i * 29 + j]).toBeCloseTo(s, 4);
        }
        expect(Array.from(add(tensor([[1, 2], [3, 4]]), tensor([10, 20])).dataSync())).toEqual([11, 22, 13, 24]);
      });
      expect(memory().numTensors).toBe(before);
    } finally {
      removeBackend('wasm-test');
    }
  });

  it('registers as wasm above backend-js, complete (the registry refuses a backend missing kernels)', async () => {
    register();
    try {
      await setBackend('auto');
      const status = (await listBackends()).find((b) => b.name === 'wasm');
      expect(status).toMatchObject({ priority: WASM_SIMD_PRIORITY, available: true, active: true });
      expect(status?.features).toMatchObject({ simd: true });
    } finally {
      removeBackend('wasm');
    }
  });
});
