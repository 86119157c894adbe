export type { DType, TypedArray, DataTypeMap } from './dtype.js';
export { DTYPES, isDType } from './dtype.js';
export {
  NeuriteError,
  ShapeError,
  DTypeError,
  BackendError,
  DisposedError,
  ModelFormatError,
  ArgumentError,
  OutOfMemoryError,
  formatBytes,
  type MemoryRequest,
} from './errors.js';
export type { Shape } from './shape.js';
export { broadcastShapes, sizeOf } from './shape.js';
export { Tensor, Variable, type NestedArray } from './tensor.js';
export {
  SPEC_VERSION,
  KERNEL_NAMES,
  KERNEL_SPECS,
  type Backend,
  type BackendFeatures,
  type Kernel,
  type KernelName,
  type KernelTable,
  type TensorInfo,
  type AttrsOf,
  type MatMulAttrs,
  type ReduceAttrs,
  type TransposeAttrs,
  type SliceAttrs,
  type AxisAttrs,
  type PadAttrs,
  type TileAttrs,
  type ReverseAttrs,
  type OneHotAttrs,
  type LeakyReluAttrs,
  type FusedActivation,
  type FusedMatMulAttrs,
  type ActivationAttrs,
  type SgdUpdateAttrs,
  type AdamUpdateAttrs,
  type Conv2DAttrs,
  type Pool2DAttrs,
} from './backend.js';
export {
  registerBackend,
  removeBackend,
  setBackend,
  getBackend,
  listBackends,
  type BackendFactory,
  type BackendStatus,
  type RegisterOptions,
} from './registry.js';
export { tidy, keep, dispose, memory, type MemoryInfo, type TensorContainer } from './engine.js';
export { grad, grads, valueAndGrad, valueAndGrads, variableGrads } from './grad.js';
export { withGradientOverrides, type GradientOverride, type GradientOverrideNode } from './gradient-override.js';
export { toBackend } from './move.js';
export { Random, seed } from './random.js';
export * from './ops/index.js';
