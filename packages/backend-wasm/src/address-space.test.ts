import * as nt from '@neurite/core';
import { describeConformance } from '@neurite/core/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';

/*
 * Offsets from 2 GiB up have the sign bit of a wasm i32 set: JavaScript sees
 * them negative unless they are made unsigned. These tests put tensors there.
 * The heap grows to about 2.3 GiB of address space, but blocks nobody writes
 * are never touched, so the process holds only what the tensors use.
 */

const TWO_GIB = 2 ** 31;

/**
 * A backend whose every tensor lies above 2 GiB. Two blocks of almost 1 GiB
 * (never written) push the heap's end past 2 GiB; a third, freed at once,
 * leaves free space up there. Blocks the allocator still places lower (the
 * small holes below) are kept as ballast and the request is retried.
 */
async function aboveTwoGiB(options: Parameters<typeof createWasmBackend>[0] = {}): Promise<WasmBackend> {
  const inner = await createWasmBackend(options);
  const nearlyOneGiB = 2 ** 28 - 16;
  inner.alloc('float32', nearlyOneGiB);
  inner.alloc('float32', nearlyOneGiB);
  inner.free(inner.alloc('float32', 2 ** 26));
  return Object.assign(Object.create(inner) as WasmBackend, {
    name: `${inner.name} above 2 GiB`,
    alloc(dtype: nt.DType, size: number): number {
      for (;;) {
        const p = inner.alloc(dtype, size);
        // A negative offset is the bug these tests look for: hand it on rather than retry forever.
        if (p >= TWO_GIB || p < 0) return p;
      }
    },
  });
}

describe('tensors above 2 GiB', () => {
  let backend: WasmBackend;
  beforeAll(async () => {
    backend = await aboveTwoGiB({ relaxed: false });
    nt.registerBackend('wasm-high', () => backend);
    await nt.setBackend('wasm-high');
  });
  afterAll(() => nt.removeBackend('wasm-high'));

  it('adds and sums 16M ones placed there (the heap once read back zeros)', () => {
    const n = 16 * 2 ** 20;
    const base = nt.memory();
    nt.tidy(() => {
      const a = nt.ones([n]);
      const b = nt.add(a, a);
      for (const t of [a, b]) expect(t.live('test').storage as number).toBeGreaterThanOrEqual(TWO_GIB);
      const values = b.dataSync();
      expect(values.length).toBe(n);
      // Every element, not a sample: a wrong offset reads a whole run of zeros or of another tensor.
      expect(values.every((v) => v === 2)).toBe(true);
      // Exact in any summation order: every partial sum is an even integer up to 2^25, which float32 holds exactly.
      expect(nt.sum(b).dataSync()[0]).toBe(2 * n);
      expect(nt.sum(a).dataSync()[0]).toBe(n);
    });
    expect(nt.memory().numTensors).toBe(base.numTensors);
  });

  it('writes, reads and frees at offsets with the sign bit set', () => {
    const data = Float64Array.from({ length: 1000 }, (_, i) => i - 500.25);
    const p = backend.alloc('float64', data.length);
    expect(p).toBeGreaterThanOrEqual(TWO_GIB);
    backend.write(p, 'float64', data);
    expect(backend.read(p, 'float64', data.length)).toEqual(data);
    const live = backend.memoryInfo().liveBytes;
    backend.free(p);
    expect(backend.memoryInfo().liveBytes).toBe(live - data.length * 8);
  });

  it('runs a matMul there with the same values as below 2 GiB', async () => {
    const a = Array.from({ length: 37 * 29 }, (_, i) => ((i * 7) % 13) - 6);
    const b = Array.from({ length: 29 * 41 }, (_, i) => ((i * 5) % 11) - 5);
    // Small integers: every product and sum is exact in float32, so the expected values are exact too.
    const expected = new Float32Array(37 * 41);
    for (let i = 0; i < 37; i++) for (let j = 0; j < 41; j++) for (let k = 0; k < 29; k++) expected[i * 41 + j] += a[i * 29 + k] * b[k * 41 + j];
    const c = nt.tidy(() => nt.matMul(nt.tensor(a, [37, 29]), nt.tensor(b, [29, 41])));
    expect(c.live('test').storage as number).toBeGreaterThanOrEqual(TWO_GIB);
    expect(c.dataSync()).toEqual(expected);
    c.dispose();
  });
});

// Every kernel of the op set, forward and backward, on tensors above 2 GiB. The SIMD build only, to keep the run short:
// the scalar and relaxed builds share this host code, and their kernels take the same usize offsets.
describeConformance({ backend: 'wasm-above-2gib', factory: () => aboveTwoGiB({ relaxed: false }) });
