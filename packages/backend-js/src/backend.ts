import { SPEC_VERSION, type Backend, type DType, type TypedArray } from '@neurite/core';
import { kernels } from './kernels/index.js';

const arrays = { float32: Float32Array, float64: Float64Array, int32: Int32Array } as const;

/**
 * The reference backend: storage is a typed array per tensor, kernels are
 * plain TypeScript. It is the living spec other backends are tested against.
 */
export function createJsBackend(): Backend<TypedArray> {
  return {
    name: 'js',
    specVersion: SPEC_VERSION,
    dtypes: ['float32', 'float64', 'int32'],
    alloc: (dtype: DType, size: number) => new arrays[dtype](size),
    write: (storage, _dtype, data) => storage.set(data),
    read: (storage) => storage.slice(),
    // Typed arrays are garbage collected; dropping the reference is the free.
    free: () => {},
    kernels,
    features: () => ({ runtime: `node ${typeof process !== 'undefined' ? process.versions.node : 'browser'}`, float64: true }),
  };
}
