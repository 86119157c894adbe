import { BackendError, SPEC_VERSION, type Backend, type BackendFeatures, type DType } from '@neurite/core';
import { WasmHeap } from './heap.js';
import { createKernels } from './kernels/index.js';
import { instantiate, simdSupported, type WasmSource } from './loader.js';

export interface WasmBackendOptions {
  /** 'auto' (default) picks the SIMD build when the engine validates SIMD; true/false force one build. */
  simd?: boolean | 'auto';
  /**
   * The .wasm to load instead of the packaged one: bytes, a URL, or a file
   * path in Node. It must be the build `simd` selects.
   */
  wasm?: WasmSource;
}

export interface WasmMemoryInfo {
  /** Heap bytes not held by live tensors (what core's memory() adds as reserved). */
  reservedBytes: number;
  /** Size of wasm linear memory. */
  heapBytes: number;
  /** Bytes of live tensors. */
  liveBytes: number;
}

export interface WasmBackend extends Backend<number> {
  readonly simd: boolean;
  memoryInfo(): WasmMemoryInfo;
}

/**
 * The WebAssembly backend: tensors live in the module's linear memory and
 * storage is a byte offset into it; every kernel runs in wasm.
 */
export async function createWasmBackend(options: WasmBackendOptions = {}): Promise<WasmBackend> {
  const wanted = options.simd ?? 'auto';
  const supported = simdSupported();
  if (wanted === true && !supported) {
    throw new BackendError(`wasm: SIMD was requested but this engine does not support WebAssembly SIMD - use { simd: 'auto' } or false`);
  }
  const useSimd = wanted === 'auto' ? supported : wanted;
  const exports = await instantiate(useSimd, options.wasm);
  const simd = exports.simd() !== 0;
  if (simd !== useSimd) {
    throw new BackendError(
      `wasm: the module passed as options.wasm is the ${simd ? 'SIMD' : 'scalar'} build but ${useSimd ? 'SIMD' : 'scalar'} was selected - pass the matching file or set simd`,
    );
  }
  const heap = new WasmHeap(exports);
  let disposed = false;
  const tensorBytes = () => heap.liveBytes - heap.scratchBytes;
  return {
    name: 'wasm',
    specVersion: SPEC_VERSION,
    dtypes: ['float32', 'int32', 'float64'] satisfies DType[],
    simd,
    alloc: (dtype, size) => {
      if (disposed) throw new BackendError(`wasm: alloc of ${dtype} x ${size} after dispose() - create a new backend`);
      return heap.alloc(dtype, size);
    },
    write: (ptr, dtype, data) => heap.write(ptr, dtype, data),
    read: (ptr, dtype, size) => heap.read(ptr, dtype, size),
    free: (ptr) => {
      // After dispose() the whole memory is gone; freeing into it would be meaningless.
      if (!disposed) heap.free(ptr);
    },
    kernels: createKernels(heap),
    features: (): BackendFeatures => ({
      simd,
      build: simd ? 'neurite-simd.wasm' : 'neurite-scalar.wasm',
      heapBytes: heap.heapBytes,
      liveBytes: tensorBytes(),
      float64: true,
    }),
    memoryInfo: () => ({ reservedBytes: heap.heapBytes - tensorBytes(), heapBytes: heap.heapBytes, liveBytes: tensorBytes() }),
    dispose: () => {
      disposed = true;
    },
  };
}
