import { OutOfMemoryError } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { createJsBackend } from './backend.js';

describe('js backend allocation', () => {
  it('refuses a tensor longer than a typed array with an OutOfMemoryError naming the size, not a RangeError', () => {
    const backend = createJsBackend();
    let error: unknown;
    try {
      backend.alloc('float32', 1e10); // a 1e5 x 1e5 matMul's output
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(OutOfMemoryError);
    expect((error as Error).message).toMatch(
      /^js: cannot allocate float32 x 10000000000, 40000000000 bytes \(37.25 GiB\), in the js backend: .* - each tensor is one JavaScript typed array/,
    );
    expect((error as Error).cause).toBeInstanceOf(RangeError);
    // Allocation still works, and nothing is shared with the failed request.
    expect(backend.alloc('float64', 3)).toEqual(new Float64Array(3));
  });
});
