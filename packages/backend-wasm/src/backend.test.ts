import { add, getBackend, listBackends, matMul, memory, randomNormal, registerBackend, removeBackend, setBackend, tensor, tidy } from '@neurite/core';
import { describe, expect, it, vi } from 'vitest';
import { createWasmBackend } from './backend.js';
import { register, WASM_SIMD_PRIORITY } from './index.js';
import { RELAXED_SIMD_PROBE, relaxedSimdSupported, simdSupported } from './loader.js';

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

describe('relaxed-SIMD build', () => {
  const distBytes = async (name: string) => {
    const { readFile } = await import('node:fs/promises');
    return new Uint8Array(await readFile(new URL(`../dist/${name}`, import.meta.url)));
  };
  const noRelaxed = `skipped: this engine (Node ${process.versions.node}) does not validate relaxed SIMD`;

  it('is detected exactly when the engine validates the build, and auto uses it then', async () => {
    // The probe must say what the real module says, whichever way it goes on this engine.
    expect(relaxedSimdSupported()).toBe(WebAssembly.validate(await distBytes('neurite-simd-relaxed.wasm')));
    expect(WebAssembly.validate(await distBytes('neurite-simd.wasm'))).toBe(simdSupported());
    const auto = await createWasmBackend();
    expect(auto.relaxed).toBe(relaxedSimdSupported());
    expect(auto.features?.()).toMatchObject({
      relaxedSimd: relaxedSimdSupported(),
      build: relaxedSimdSupported() ? 'neurite-simd-relaxed.wasm' : 'neurite-simd.wasm',
    });
    const plain = await createWasmBackend({ relaxed: false });
    expect(plain.relaxed).toBe(false);
    expect(plain.features?.()).toMatchObject({ relaxedSimd: false, build: 'neurite-simd.wasm', simd: true });
  });

  it('falls back to the plain SIMD build on an engine without relaxed SIMD, and refuses relaxed: true there', async () => {
    const validate = WebAssembly.validate.bind(WebAssembly);
    const spy = vi.spyOn(WebAssembly, 'validate').mockImplementation((bytes) => bytes !== RELAXED_SIMD_PROBE && validate(bytes));
    try {
      expect(relaxedSimdSupported()).toBe(false);
      const auto = await createWasmBackend();
      expect(auto.relaxed).toBe(false);
      expect(auto.features?.()).toMatchObject({ build: 'neurite-simd.wasm', relaxedSimd: false });
      await expect(createWasmBackend({ relaxed: true })).rejects.toThrow(/does not support WebAssembly relaxed SIMD .* use \{ relaxed: 'auto' \} or false/);
    } finally {
      spy.mockRestore();
    }
  });

  it('refuses relaxed: true with the scalar build or with threads', async () => {
    await expect(createWasmBackend({ simd: false, relaxed: true })).rejects.toThrow(/relaxed SIMD was requested with the scalar build/);
    await expect(createWasmBackend({ relaxed: true, threads: 2 })).rejects.toThrow(/threaded build uses plain SIMD - set threads to 1/);
    // With relaxed left 'auto', threads win: the threaded build, reported as not relaxed.
    const threaded = await createWasmBackend({ threads: 2 });
    try {
      expect(threaded.relaxed).toBe(false);
      expect(threaded.features?.()).toMatchObject({ build: 'neurite-simd-threads.wasm', relaxedSimd: false });
    } finally {
      threaded.dispose?.();
    }
  });

  it.skipIf(!relaxedSimdSupported())(`checks a module passed as options.wasm against an explicit choice${relaxedSimdSupported() ? '' : ` (${noRelaxed})`}`, async () => {
    const plain = await distBytes('neurite-simd.wasm');
    const relaxed = await distBytes('neurite-simd-relaxed.wasm');
    // 'auto' takes either SIMD build as given.
    expect((await createWasmBackend({ wasm: plain })).relaxed).toBe(false);
    expect((await createWasmBackend({ wasm: relaxed })).relaxed).toBe(true);
    await expect(createWasmBackend({ relaxed: true, wasm: plain })).rejects.toThrow(/plain SIMD build but relaxed: true was set/);
    await expect(createWasmBackend({ relaxed: false, wasm: relaxed })).rejects.toThrow(/relaxed-SIMD build but relaxed: false was set/);
  });
});
