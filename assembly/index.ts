/**
 * The module backend-wasm instantiates: the heap plus every kernel. Kernels
 * take numbers only (pointers into linear memory, sizes, dtype codes).
 */
export { alloc, free, heapSize, simd, relaxed, threads } from './heap';
export { binary, where } from './kernels/binary';
export { unary, cast } from './kernels/unary';
export { matMul, matMulRows, matMulScratch } from './kernels/matmul';
export { matMulShared, matMulSharedScratch, matMulPackedB } from './kernels/matmul-threads';
export { reduce } from './kernels/reduce';
export { transpose } from './kernels/transpose';
export { slice, pad, concatPart, gather, scatterAdd, broadcastTo, tile, reverse, oneHot } from './kernels/movement';
export { biasActivation, activationGrad, softmaxCrossEntropy, softmaxCrossEntropyGrad, sgdUpdate, adamUpdate } from './kernels/fused';
export { im2col, col2im, accumulate, convPaddedBytes, conv2dImages, conv2dFilterGrad, flipFilter } from './kernels/conv';
export { maxPool, avgPool, maxPoolGrad, avgPoolGrad } from './kernels/pool';
