/*
 * Tensors live in linear memory as raw blocks from AssemblyScript's TLSF
 * allocator (`--runtime minimal`): O(1) alloc and free, freed blocks are
 * reused and coalesced with their neighbours, and memory grows on demand. We
 * use its raw `heap.alloc/heap.free` rather than managed objects, so the
 * minimal runtime's collector never runs or moves anything, and we did not
 * write (and need not test) an allocator of our own. Blocks are 16-byte
 * aligned, which the SIMD kernels' v128 loads like.
 */

export function alloc(bytes: usize): usize {
  return heap.alloc(bytes);
}

export function free(ptr: usize): void {
  heap.free(ptr);
}

/** Bytes of linear memory (the heap's upper bound). */
export function heapSize(): usize {
  return <usize>memory.size() << 16;
}

export function simd(): bool {
  return ASC_FEATURE_SIMD;
}

/** True in the relaxed-SIMD build (its matMul multiply-adds are relaxed_madd: fused where the CPU has FMA). */
export function relaxed(): bool {
  return ASC_FEATURE_RELAXED_SIMD;
}

/** True in the threaded build (shared, imported memory; see packages/backend-wasm/src/threads.ts). */
export function threads(): bool {
  return ASC_FEATURE_THREADS;
}
