/**
 * The module backend-wasm instantiates: the heap plus every kernel. Kernels
 * take numbers only (pointers into linear memory, sizes, dtype codes).
 */
export { alloc, free, heapSize, simd } from './heap';
export { binary, where } from './kernels/binary';
export { unary, cast } from './kernels/unary';
export { matMul } from './kernels/matmul';
export { reduce } from './kernels/reduce';
export { transpose } from './kernels/transpose';
export { slice, pad, concatPart, gather, scatterAdd, broadcastTo, tile, reverse, oneHot } from './kernels/movement';
