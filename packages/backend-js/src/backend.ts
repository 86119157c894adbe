import { OutOfMemoryError, SPEC_VERSION, type Backend, type DType, type TypedArray } from '@neurite/core';
import { kernels } from './kernels/index.js';

const arrays = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

/**
 * One typed array per tensor. A length the engine refuses (a 1e5 x 1e5
 * matMul's 1e10 elements) or memory it cannot get throws a RangeError, which
 * is the caller's request being too large: say so with the numbers.
 */
function alloc(dtype: DType, size: number): TypedArray {
  try {
    return new arrays[dtype](size);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new OutOfMemoryError(
      {
        op: 'js',
        dtype,
        size,
        bytes: size * arrays[dtype].BYTES_PER_ELEMENT,
        place: 'the js backend',
        reason: e.message,
        hint: 'each tensor is one JavaScript typed array: use smaller tensors (a smaller batch) and dispose those you no longer need',
      },
      { cause: e },
    );
  }
}

/**
 * The reference backend: storage is a typed array per tensor, kernels are
 * plain TypeScript. It is the living spec other backends are tested against.
 */
export function createJsBackend(): Backend<TypedArray> {
  return {
    name: 'js',
    specVersion: SPEC_VERSION,
    dtypes: ['float32', 'float64', 'int32'],
    alloc,
    write: (storage, _dtype, data) => storage.set(data),
    read: (storage) => storage.slice(),
    // Typed arrays are garbage collected; dropping the reference is the free.
    free: () => {},
    kernels,
    features: () => ({ runtime: `node ${typeof process !== 'undefined' ? process.versions.node : 'browser'}`, float64: true }),
  };
}
