import { BackendError, SPEC_VERSION, type Backend, type BackendFeatures, type DType } from '@neurite/core';
import { WASM32_MAX_BYTES, WasmHeap } from './heap.js';
import { createKernels } from './kernels/index.js';
import { THREADS_MEMORY_PAGES, instantiate, instantiateThreaded, relaxedSimdSupported, simdSupported, type WasmSource } from './loader.js';
import { THREADS_MIN_WORK, ThreadPool, threadsUnavailable } from './threads.js';

export interface WasmBackendOptions {
  /** 'auto' (default) picks the SIMD build when the engine validates SIMD; true/false force one build. */
  simd?: boolean | 'auto';
  /**
   * The relaxed-SIMD build (neurite-simd-relaxed.wasm): float32 matMul
   * multiply-adds are f32x4.relaxed_madd, fused (one rounding) where the CPU
   * has FMA, with a 6x8 register tile that plain SIMD cannot hold. 'auto'
   * (default) uses it when the SIMD build is selected, the engine validates
   * relaxed SIMD (Chrome 114+, Node 22+; Node 20 with
   * --experimental-wasm-relaxed-simd) and matMul is single-threaded; true
   * requires it, false keeps the plain SIMD build (bit-identical results on
   * every CPU).
   */
  relaxed?: boolean | 'auto';
  /**
   * The .wasm to load instead of the packaged one: bytes, a URL, or a file
   * path in Node. It must be the build `simd` selects; with `relaxed` left
   * 'auto', either SIMD build (plain or relaxed) is accepted.
   */
  wasm?: WasmSource;
  /**
   * Threads a large float32 matMul is split over (this thread plus workers
   * sharing the threaded build's memory). 1 (default) is single-threaded;
   * 'auto' is the number of cores. Where SharedArrayBuffer or workers are
   * unavailable it falls back to 1 and `features().threadsReason` says why.
   */
  threads?: number | 'auto';
  /** The threaded .wasm (neurite-simd-threads.wasm) to load instead of the packaged one, when threads > 1. */
  threadsWasm?: WasmSource;
  /**
   * Multiply-adds (batch*m*n*k) from which a float32 matMul is split across
   * threads. The default is measured; 0 splits every matMul (tests use it).
   */
  threadsMinWork?: number;
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
  /** Whether the relaxed-SIMD build runs (float32 matMul with relaxed_madd). */
  readonly relaxed: boolean;
  /** Threads matMul runs on (1 when threads were not asked for or are unavailable). */
  readonly threads: number;
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
  const wantedThreads = await resolveThreads(options.threads ?? 1);
  const why = wantedThreads > 1 ? (threadsUnavailable() ?? (useSimd ? null : 'the threaded build needs WebAssembly SIMD')) : null;
  const useThreads = wantedThreads > 1 && why === null;
  const useRelaxed = chooseRelaxed(options.relaxed ?? 'auto', useSimd, useThreads);
  const threaded = useThreads ? await instantiateThreaded(options.threadsWasm) : null;
  const exports = threaded?.exports ?? (await instantiate(useRelaxed ? 'relaxed' : useSimd ? 'simd' : 'scalar', options.wasm));
  const simd = exports.simd() !== 0;
  if (simd !== useSimd) {
    throw new BackendError(
      `wasm: the module passed as options.wasm is the ${simd ? 'SIMD' : 'scalar'} build but ${useSimd ? 'SIMD' : 'scalar'} was selected - pass the matching file or set simd`,
    );
  }
  const relaxed = exports.relaxed() !== 0;
  // With relaxed 'auto', a module passed as options.wasm decides; an explicit choice must match it.
  if (relaxed !== useRelaxed && options.relaxed !== undefined && options.relaxed !== 'auto') {
    throw new BackendError(
      `wasm: the module passed as options.wasm is the ${relaxed ? 'relaxed-SIMD' : 'plain SIMD'} build but relaxed: ${String(options.relaxed)} was set - pass the matching file or leave relaxed 'auto'`,
    );
  }
  // Only the threaded build declares a maximum (its shared memory must); the others may grow to all of wasm32's 4 GiB.
  const heap = new WasmHeap(exports, threaded ? THREADS_MEMORY_PAGES.maximum * 2 ** 16 : WASM32_MAX_BYTES);
  let threadsReason = why ?? undefined;
  if (threaded) {
    try {
      heap.threads = await ThreadPool.create(wantedThreads - 1, threaded.module, threaded.memory, exports);
    } catch (e) {
      // Still correct single-threaded on the threaded build's main instance.
      threadsReason = `workers failed to start: ${e instanceof Error ? e.message : String(e)}`;
    }
  }
  const threads = heap.threads?.size ?? 1;
  heap.threadsMinWork = options.threadsMinWork ?? THREADS_MIN_WORK;
  let disposed = false;
  const tensorBytes = () => heap.liveBytes - heap.scratchBytes;
  return {
    name: 'wasm',
    specVersion: SPEC_VERSION,
    dtypes: ['float32', 'int32', 'float64'] satisfies DType[],
    simd,
    relaxed,
    threads,
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
      build: threaded ? 'neurite-simd-threads.wasm' : relaxed ? 'neurite-simd-relaxed.wasm' : simd ? 'neurite-simd.wasm' : 'neurite-scalar.wasm',
      relaxedSimd: relaxed,
      threads,
      ...(threadsReason === undefined ? {} : { threadsReason }),
      heapBytes: heap.heapBytes,
      liveBytes: tensorBytes(),
      float64: true,
    }),
    memoryInfo: () => ({ reservedBytes: heap.heapBytes - tensorBytes(), heapBytes: heap.heapBytes, liveBytes: tensorBytes() }),
    dispose: () => {
      disposed = true;
      // Workers block in Atomics.wait; they must be ended for the process (or page) to let go of them.
      heap.threads?.dispose();
      heap.threads = null;
    },
  };
}

/** Whether to load the relaxed-SIMD build; throws when it is required but cannot be used. */
function chooseRelaxed(wanted: boolean | 'auto', simd: boolean, threaded: boolean): boolean {
  if (wanted === false) return false;
  const supported = relaxedSimdSupported();
  if (wanted === 'auto') return simd && !threaded && supported;
  if (!simd) throw new BackendError(`wasm: relaxed SIMD was requested with the scalar build - set simd to true or 'auto', or relaxed to 'auto'`);
  if (threaded) {
    throw new BackendError(`wasm: relaxed SIMD was requested with threads > 1, but the threaded build uses plain SIMD - set threads to 1 or relaxed to 'auto'`);
  }
  if (!supported) {
    throw new BackendError(
      `wasm: relaxed SIMD was requested but this engine does not support WebAssembly relaxed SIMD (Chrome 114+, Node 22+, or Node 20 with --experimental-wasm-relaxed-simd) - use { relaxed: 'auto' } or false`,
    );
  }
  return true;
}

async function resolveThreads(threads: number | 'auto'): Promise<number> {
  if (threads === 'auto') {
    if (typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0) return navigator.hardwareConcurrency;
    const os = await import('node:os');
    return os.availableParallelism();
  }
  if (!Number.isInteger(threads) || threads < 1) {
    throw new BackendError(`wasm: threads must be a positive integer or 'auto' (got ${String(threads)}) - use 1 for single-threaded`);
  }
  return threads;
}
