import { createJsBackend } from '@neurite/backend-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTypedArray } from './dtype.js';
import {
  OutOfMemoryError,
  add,
  formatBytes,
  memory,
  ones,
  registerBackend,
  removeBackend,
  setBackend,
  tensor,
  type Backend,
  type TypedArray,
} from './index.js';

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
 * The js backend with a heap of `capacity` bytes that it accounts for itself,
 * so a test can run it out of memory and check what is still allocated.
 */
function boundedBackend(capacity: number, fail: 'typed' | 'range' | 'write') {
  const inner = createJsBackend();
  const held = new Set<TypedArray>();
  const bytesHeld = () => [...held].reduce((s, a) => s + a.byteLength, 0);
  const backend: Backend<TypedArray> = {
    ...inner,
    name: 'bounded',
    alloc(dtype, size) {
      const bytes = size * 4;
      if (bytesHeld() + bytes > capacity && fail === 'typed') {
        throw new OutOfMemoryError({ op: 'bounded', dtype, size, bytes, place: 'a test heap', reason: `${bytesHeld()} of ${capacity} bytes held` });
      }
      if (bytesHeld() + bytes > capacity && fail === 'range') throw new RangeError(`Invalid typed array length: ${size}`);
      const storage = inner.alloc(dtype, size);
      held.add(storage);
      return storage;
    },
    write(storage, dtype, data) {
      if (fail === 'write' && data.length > 4) throw new RangeError('offset is out of bounds');
      inner.write(storage, dtype, data);
    },
    free(storage) {
      held.delete(storage);
    },
  };
  return { backend, bytesHeld };
}

describe('OutOfMemoryError', () => {
  it('names the request, its bytes, where it had to fit, why not, and what to do', () => {
    const e = new OutOfMemoryError({ op: 'matMul', dtype: 'float32', shape: [3, 5], bytes: 60, place: 'the wasm heap', reason: 'the heap is full' });
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect(e.name).toBe('OutOfMemoryError');
    expect(e.message).toBe(
      'matMul: cannot allocate float32 [3,5], 60 bytes, in the wasm heap: the heap is full - ' +
        'dispose tensors you no longer need (tidy() frees what a step creates), use a smaller batch, or use the js backend',
    );
  });

  it('formats sizes exactly and rounded, 1 GiB less 64 bytes as 1 GiB', () => {
    expect(formatBytes(60)).toBe('60 bytes');
    expect(formatBytes(1536)).toBe('1536 bytes (1.5 KiB)');
    expect(formatBytes(2 ** 30 - 64)).toBe('1073741760 bytes (1 GiB)');
    expect(formatBytes(4e12)).toBe('4000000000000 bytes (3.64 TiB)');
  });

  it('is what a host array too long for the engine throws, with the size and bytes', () => {
    const e = thrown(() => makeTypedArray('float64', 1e12, 'zeros'));
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect(e.message).toMatch(/^zeros: cannot allocate float64 x 1000000000000, 8000000000000 bytes \(7.28 TiB\), in JavaScript memory: /);
    expect(e.cause).toBeInstanceOf(RangeError);
    // A negative size is a caller's bug, not a lack of memory.
    expect(() => makeTypedArray('float32', -1)).toThrow(RangeError);
  });
});

describe('the engine, when a backend cannot allocate', () => {
  let name = '';
  afterAll(() => removeBackend(name));
  const use = async (backend: Backend<TypedArray>, as: string) => {
    if (name !== '') removeBackend(name);
    name = as;
    registerBackend(as, () => backend);
    await setBackend(as);
  };
  beforeAll(() => use(createJsBackend(), 'js'));

  it("renames the backend's OutOfMemoryError after the op and the output's shape", async () => {
    const { backend, bytesHeld } = boundedBackend(48, 'typed');
    await use(backend, 'bounded-typed');
    const x = ones([2, 4]);
    const before = memory().numTensors;
    const e = thrown(() => add(x, x));
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect(e.message).toBe(
      'add: cannot allocate float32 [2,4], 32 bytes, in a test heap: 32 of 48 bytes held - ' +
        'dispose tensors you no longer need (tidy() frees what a step creates), use a smaller batch, or use the js backend',
    );
    expect(e.cause).toBeInstanceOf(OutOfMemoryError);
    expect(memory().numTensors).toBe(before);
    expect(bytesHeld()).toBe(32);
    x.dispose();
  });

  it("types a backend's RangeError from alloc as an OutOfMemoryError", async () => {
    const { backend } = boundedBackend(16, 'range');
    await use(backend, 'bounded-range');
    const e = thrown(() => ones([3, 3]));
    expect(e).toBeInstanceOf(OutOfMemoryError);
    expect(e.message).toMatch(/^tensor: cannot allocate float32 \[3,3\], 36 bytes, in backend 'bounded-range': Invalid typed array length: 9 - /);
  });

  it('frees the storage of a new tensor whose data could not be written', async () => {
    const { backend, bytesHeld } = boundedBackend(1024, 'write');
    await use(backend, 'bounded-write');
    const before = memory().numTensors;
    expect(() => tensor([1, 2, 3, 4, 5, 6, 7, 8])).toThrow(RangeError);
    expect(memory().numTensors).toBe(before);
    expect(bytesHeld()).toBe(0);
  });
});
