import * as nt from '@neurite/core';
import { OutOfMemoryError } from '@neurite/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';

/** Catches what `body` throws (the test fails if it throws nothing). */
function thrown(body: () => unknown): Error {
  try {
    body();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error, got none');
}

/**
 * Fills the heap to its limit with blocks nobody writes (so they never become
 * resident): big blocks first, then smaller ones into what is left, until not
 * even 256 KiB fits. Returns the blocks, to free afterwards.
 */
function fill(backend: WasmBackend): number[] {
  const blocks: number[] = [];
  for (const size of [2 ** 28 - 16, 2 ** 24, 2 ** 20, 2 ** 16]) {
    for (;;) {
      try {
        blocks.push(backend.alloc('float32', size));
      } catch (e) {
        expect(e).toBeInstanceOf(OutOfMemoryError);
        break;
      }
    }
  }
  return blocks;
}

describe('a wasm heap at its 4 GiB limit', () => {
  let backend: WasmBackend;
  beforeAll(async () => {
    backend = await createWasmBackend({ relaxed: false });
    nt.registerBackend('wasm-full', () => backend);
    await nt.setBackend('wasm-full');
  });
  afterAll(() => nt.removeBackend('wasm-full'));

  it('refuses an op with an OutOfMemoryError naming the op, the heap and its limit, leaks nothing, and works once memory is freed', () => {
    const n = 2 ** 24;
    const x = nt.ones([n]);
    const tensors = nt.memory();
    const live = backend.memoryInfo().liveBytes;
    const ballast = fill(backend);
    const ballastBytes = backend.memoryInfo().liveBytes - live;
    expect(backend.memoryInfo().heapBytes).toBeGreaterThan(2 ** 32 - 2 ** 26);

    const error = thrown(() => nt.add(x, x));
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect(error.message).toMatch(
      /^add: cannot allocate float32 \[16777216\], 67108864 bytes \(64 MiB\), in the wasm heap: the heap is \d+ bytes \(4 GiB\) of at most 4294967296 bytes \(4 GiB\), \d+ bytes \([\d.]+ GiB\) of it held by live blocks, and cannot grow by that much - dispose tensors you no longer need/,
    );
    // A new tensor's upload fails the same way, before anything is written.
    expect(thrown(() => nt.tensor(new Float32Array(n), [n])).message).toMatch(/^tensor: cannot allocate float32 \[16777216\]/);
    // Nothing of the failed requests stays: no tensor, no byte of the heap.
    expect(nt.memory().numTensors).toBe(tensors.numTensors);
    expect(nt.memory().numBytes).toBe(tensors.numBytes);
    expect(backend.memoryInfo().liveBytes).toBe(live + ballastBytes);

    for (const p of ballast) backend.free(p);
    const y = nt.add(x, x);
    expect(y.dataSync().every((v) => v === 2)).toBe(true);
    nt.dispose([x, y]);
    expect(nt.memory().numTensors).toBe(tensors.numTensors - 1);
    expect(backend.memoryInfo().liveBytes).toBe(live - n * 4);
  });
});

describe('the threaded build', () => {
  it('names its 2 GiB limit', async () => {
    const backend = await createWasmBackend({ threads: 2 });
    try {
      expect(backend.threads, "the threaded build must start here for its limit to apply").toBe(2);
      const almostOneGiB = 2 ** 28 - 16;
      const first = backend.alloc('float32', almostOneGiB);
      // The second cannot fit beside the first under the shared memory's declared maximum.
      const error = thrown(() => backend.alloc('float32', almostOneGiB));
      expect(error).toBeInstanceOf(OutOfMemoryError);
      expect(error.message).toMatch(/^wasm: cannot allocate float32 x 268435440, .* of at most 2147483648 bytes \(2 GiB\), /);
      backend.free(first);
      // Still usable: the space is there again.
      backend.free(backend.alloc('float32', almostOneGiB));
      expect(backend.memoryInfo().liveBytes).toBe(0);
    } finally {
      backend.dispose?.();
    }
  });
});
