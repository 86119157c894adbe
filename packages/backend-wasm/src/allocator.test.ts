import { BackendError, OutOfMemoryError } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend } from './backend.js';

describe('wasm heap', () => {
  it('stays bounded over 100,000 alloc/free cycles of mixed sizes', async () => {
    const backend = await createWasmBackend();
    // A deterministic mix from 1 element to 64K elements, with up to 32 blocks live at once.
    let state = 12345;
    const next = () => (state = (state * 1103515245 + 12345) >>> 0);
    const live: number[] = [];
    let heapAfterWarmup = 0;
    for (let i = 0; i < 100_000; i++) {
      if (live.length >= 32 || (live.length > 0 && next() % 2 === 0)) {
        backend.free(live.splice(next() % live.length, 1)[0]);
      } else {
        const size = 1 + (next() % (next() % 8 === 0 ? 65536 : 256));
        live.push(backend.alloc(next() % 3 === 0 ? 'float64' : 'float32', size));
      }
      if (i === 10_000) heapAfterWarmup = backend.memoryInfo().heapBytes;
    }
    for (const p of live) backend.free(p);
    const info = backend.memoryInfo();
    expect(info.liveBytes).toBe(0);
    // 32 live blocks of at most 512 KiB need well under 32 MiB; the heap must not creep after warm-up.
    expect(info.heapBytes).toBeLessThan(32 * 2 ** 20);
    expect(info.heapBytes).toBeLessThanOrEqual(heapAfterWarmup * 1.5);
  });

  it('reuses freed blocks', async () => {
    const backend = await createWasmBackend();
    const a = backend.alloc('float32', 1000);
    backend.free(a);
    const b = backend.alloc('float32', 1000);
    expect(b).toBe(a);
    backend.free(b);
  });

  it('keeps existing tensors readable when memory grows', async () => {
    const backend = await createWasmBackend();
    const data = Float32Array.from({ length: 1000 }, (_, i) => i * 0.5 - 7);
    const ptr = backend.alloc('float32', data.length);
    backend.write(ptr, 'float32', data);
    const before = backend.memoryInfo().heapBytes;
    // 64 MiB forces linear memory to grow, which detaches the old buffer.
    const big = backend.alloc('float32', 16 * 2 ** 20);
    expect(backend.memoryInfo().heapBytes).toBeGreaterThan(before);
    expect(backend.read(ptr, 'float32', data.length)).toEqual(data);
    const ints = Int32Array.from([1, -2, 3]);
    const q = backend.alloc('int32', 3);
    backend.write(q, 'int32', ints);
    expect(backend.read(q, 'int32', 3)).toEqual(ints);
    for (const p of [ptr, big, q]) backend.free(p);
  });

  it('refuses a block larger than the allocator gives with an OutOfMemoryError naming the size', async () => {
    const backend = await createWasmBackend();
    const tooBig = 2 ** 29; // float32 x 2^29 = 2 GiB, twice what one TLSF block holds
    expect(() => backend.alloc('float32', tooBig)).toThrow(OutOfMemoryError);
    expect(() => backend.alloc('float32', tooBig)).toThrow(
      /^wasm: cannot allocate float32 x 536870912, 2147483648 bytes \(2 GiB\), in the wasm heap: one block holds at most 1073741760 bytes \(1 GiB\); the heap is \d+ bytes .* of at most 4294967296 bytes \(4 GiB\) - split the tensor/,
    );
    // The heap still works afterwards.
    const p = backend.alloc('float32', 4);
    backend.free(p);
    expect(backend.memoryInfo().liveBytes).toBe(0);
  });

  it('catches a double free instead of corrupting the heap', async () => {
    const backend = await createWasmBackend();
    const p = backend.alloc('int32', 8);
    backend.free(p);
    expect(() => backend.free(p)).toThrow(BackendError);
  });
});
