export { tensor, scalar, type TensorLike } from './convert.js';
export {
  full,
  zeros,
  ones,
  zerosLike,
  onesLike,
  arange,
  linspace,
  eye,
  randomNormal,
  randomUniform,
  truncatedNormal,
  variable,
  assign,
  type RandomOptions,
} from './creation.js';
export { add, sub, mul, div, pow, maximum, minimum } from './binary.js';
export { equal, notEqual, less, lessEqual, greater, greaterEqual, where } from './compare.js';
export {
  neg,
  abs,
  sign,
  exp,
  expm1,
  log,
  log1p,
  sqrt,
  rsqrt,
  square,
  reciprocal,
  sin,
  cos,
  tanh,
  sigmoid,
  relu,
  relu6,
  leakyRelu,
  elu,
  selu,
  gelu,
  erf,
  softplus,
  floor,
  ceil,
  round,
  SELU_ALPHA,
  SELU_SCALE,
} from './unary.js';
export { cast } from './cast.js';
export { clip } from './clip.js';
export { matMul, type MatMulOptions } from './matmul.js';
export { sum, prod, max, min, argMax, argMin, mean, logSumExp, variance } from './reduce.js';
export { reshape, identity, clone, stopGradient, expandDims, squeeze, flatten } from './reshape.js';
export { transpose, permute } from './transpose.js';
export { slice, split } from './slice.js';
export { concat, stack, unstack } from './concat.js';
export { gather, scatterAdd } from './gather.js';
export { pad } from './pad.js';
export { broadcastTo } from './broadcast-to.js';
export { tile } from './tile.js';
export { reverse } from './reverse.js';
export { oneHot } from './one-hot.js';
export { softmax, logSoftmax } from './softmax.js';
export { softmaxCrossEntropyWithLogits, sigmoidCrossEntropyWithLogits } from './cross-entropy.js';
export { fusedMatMul, activationGrad, type FusedMatMulOptions } from './fused-matmul.js';
export { sgdUpdate, adamUpdate } from './updates.js';
export { conv2d, conv2dOutputShape, type Conv2DOptions, type Padding2D } from './conv.js';
export { maxPool2d, avgPool2d, pool2dOutputShape, globalAvgPool2d, globalMaxPool2d, type Pool2DOptions } from './pool.js';
