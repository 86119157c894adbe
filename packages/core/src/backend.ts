import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/**
 * Version of the kernel contract below. A backend states the version it was
 * written against; the registry refuses a mismatch instead of failing later
 * with an obscure kernel error.
 */
export const SPEC_VERSION = 2;

/** What a kernel sees of a tensor: the backend's own storage plus metadata. */
export interface TensorInfo<S> {
  readonly storage: S;
  readonly shape: Shape;
  readonly dtype: DType;
  readonly size: number;
}

/** Arity `'n'` takes a list of inputs (concat). Specs are phantom-typed for their attrs. */
interface KernelSpec<Arity extends number | 'n', Attrs> {
  readonly arity: Arity;
  readonly attrs?: Attrs;
}
function spec<Arity extends number | 'n', Attrs = Record<string, never>>(arity: Arity): KernelSpec<Arity, Attrs> {
  return { arity };
}

export interface MatMulAttrs {
  transposeA: boolean;
  transposeB: boolean;
}
/** Reductions see the input as [outer, reduceSize] (the engine moves reduced axes last). */
export interface ReduceAttrs {
  reduceSize: number;
}
export interface TransposeAttrs {
  perm: readonly number[];
}
export interface SliceAttrs {
  begin: readonly number[];
}
export interface AxisAttrs {
  axis: number;
}
export interface PadAttrs {
  paddings: readonly (readonly [number, number])[];
  value: number;
}
export interface TileAttrs {
  reps: readonly number[];
}
export interface ReverseAttrs {
  axes: readonly number[];
}
export interface OneHotAttrs {
  depth: number;
  onValue: number;
  offValue: number;
}
export interface LeakyReluAttrs {
  alpha: number;
}
/** Activations a fused kernel can apply, each with a derivative expressible through its output. */
export type FusedActivation = 'linear' | 'relu' | 'sigmoid' | 'tanh' | 'elu';
export interface FusedMatMulAttrs extends MatMulAttrs {
  activation: FusedActivation;
}
export interface ActivationAttrs {
  activation: FusedActivation;
}
/** SGD with momentum (PyTorch's form): b = mu*b + g + wd*w; w -= lr * (nesterov ? g + wd*w + mu*b : b). */
export interface SgdUpdateAttrs {
  lr: number;
  momentum: number;
  nesterov: boolean;
  weightDecay: number;
}
/**
 * Adam step t (1-based): g' = g + wd*w unless decoupled; m = b1*m + (1-b1)*g';
 * v = b2*v + (1-b2)*g'^2; w -= lr * (m/(1-b1^t)) / (sqrt(v/(1-b2^t)) + eps), and
 * with decoupled weight decay (AdamW) also w -= lr*wd*w (w before the step).
 */
export interface AdamUpdateAttrs {
  lr: number;
  beta1: number;
  beta2: number;
  epsilon: number;
  step: number;
  weightDecay: number;
  decoupled: boolean;
}
/**
 * Geometry of a 2-D convolution, NHWC, resolved in core: padding is explicit
 * (core turns 'same'/'valid' into top/left amounts; bottom/right follow from the
 * output shape). Filter size comes from the filter (or, for the filter
 * gradient, from `out.shape`).
 */
export interface Conv2DAttrs {
  strideH: number;
  strideW: number;
  dilationH: number;
  dilationW: number;
  padTop: number;
  padLeft: number;
}
/** Geometry of a 2-D pooling window, NHWC; padding explicit as for Conv2DAttrs. */
export interface Pool2DAttrs {
  windowH: number;
  windowW: number;
  strideH: number;
  strideW: number;
  padTop: number;
  padLeft: number;
}

/**
 * The primitive kernel set. Everything else in core is composed from these.
 * Kernels trust their inputs: shapes and dtypes are checked in core first, and
 * the engine allocates `out` with the inferred shape and dtype.
 *
 * Conventions:
 * - elementwise binary/compare/where kernels broadcast their inputs to `out.shape`
 *   with NumPy rules; compare kernels write int32 0/1.
 * - `matMul` takes rank-3 inputs whose batch dims are equal or 1.
 * - `gather`/`scatterAdd` take int32 indices, already validated in range.
 * - `cast` converts to `out.dtype` (float to int truncates toward zero).
 * - fused kernels: `fusedMatMul` is act(a @ b + bias) on rank-3 a, b (batch
 *   equal or 1) and bias [n]; `activationGrad` is dL/dz from dy and y = act(z);
 *   `softmaxCrossEntropy` takes rank-2 labels and logits (classes last) and
 *   writes one loss per row; `softmaxCrossEntropyGrad` takes labels, logits
 *   and the per-row dy and writes dL/dlogits = dy * (softmax * sum(labels) - labels).
 * - update kernels (`sgdUpdate`, `adamUpdate`) work in place: `out` is the
 *   variable (inputs[0]) and the optimizer slots after the gradient are
 *   overwritten too. They are not differentiable.
 * - convolution and pooling are NHWC, float only. `conv2d` takes x [N,H,W,Ci]
 *   and filter [KH,KW,Ci,Co] and writes [N,OH,OW,Co]; `conv2dBackpropInput`
 *   takes dy [N,OH,OW,Co] and the filter and writes dx with `out.shape`
 *   [N,H,W,Ci]; `conv2dBackpropFilter` takes x and dy and writes [KH,KW,Ci,Co].
 *   Padded positions read as zero. `maxPool`/`avgPool` take x [N,H,W,C] and
 *   write [N,OH,OW,C]; padded positions never win a max and are left out of an
 *   average's count (TensorFlow's rule). `maxPoolGrad` takes x and dy and sends
 *   each dy to the first maximum of its window in row-major order;
 *   `avgPoolGrad` takes dy and writes dx with `out.shape`.
 */
export const KERNEL_SPECS = {
  // elementwise binary, broadcasting
  add: spec(2),
  sub: spec(2),
  mul: spec(2),
  div: spec(2),
  pow: spec(2),
  maximum: spec(2),
  minimum: spec(2),
  // comparisons, broadcasting, int32 output
  equal: spec(2),
  notEqual: spec(2),
  less: spec(2),
  lessEqual: spec(2),
  greater: spec(2),
  greaterEqual: spec(2),
  where: spec(3),
  // elementwise unary
  neg: spec(1),
  abs: spec(1),
  sign: spec(1),
  exp: spec(1),
  expm1: spec(1),
  log: spec(1),
  log1p: spec(1),
  sqrt: spec(1),
  rsqrt: spec(1),
  square: spec(1),
  reciprocal: spec(1),
  sin: spec(1),
  cos: spec(1),
  tanh: spec(1),
  sigmoid: spec(1),
  relu: spec(1),
  relu6: spec(1),
  leakyRelu: spec<1, LeakyReluAttrs>(1),
  elu: spec(1),
  selu: spec(1),
  gelu: spec(1),
  erf: spec(1),
  softplus: spec(1),
  floor: spec(1),
  ceil: spec(1),
  round: spec(1),
  cast: spec(1),
  // linear algebra
  matMul: spec<2, MatMulAttrs>(2),
  // reductions over the inner dimension
  sum: spec<1, ReduceAttrs>(1),
  prod: spec<1, ReduceAttrs>(1),
  max: spec<1, ReduceAttrs>(1),
  min: spec<1, ReduceAttrs>(1),
  argMax: spec<1, ReduceAttrs>(1),
  argMin: spec<1, ReduceAttrs>(1),
  // movement
  transpose: spec<1, TransposeAttrs>(1),
  slice: spec<1, SliceAttrs>(1),
  concat: spec<'n', AxisAttrs>('n'),
  gather: spec<2, AxisAttrs>(2),
  scatterAdd: spec<2, AxisAttrs>(2),
  pad: spec<1, PadAttrs>(1),
  broadcastTo: spec(1),
  tile: spec<1, TileAttrs>(1),
  reverse: spec<1, ReverseAttrs>(1),
  oneHot: spec<1, OneHotAttrs>(1),
  // fused kernels (see the conventions above)
  fusedMatMul: spec<3, FusedMatMulAttrs>(3),
  activationGrad: spec<2, ActivationAttrs>(2),
  softmaxCrossEntropy: spec(2),
  softmaxCrossEntropyGrad: spec(3),
  // convolution and pooling, NHWC (see the conventions above)
  conv2d: spec<2, Conv2DAttrs>(2),
  conv2dBackpropInput: spec<2, Conv2DAttrs>(2),
  conv2dBackpropFilter: spec<2, Conv2DAttrs>(2),
  maxPool: spec<1, Pool2DAttrs>(1),
  maxPoolGrad: spec<2, Pool2DAttrs>(2),
  avgPool: spec<1, Pool2DAttrs>(1),
  avgPoolGrad: spec<1, Pool2DAttrs>(1),
  // in-place optimizer updates
  sgdUpdate: spec<3, SgdUpdateAttrs>(3),
  adamUpdate: spec<4, AdamUpdateAttrs>(4),
} as const;

export type KernelName = keyof typeof KERNEL_SPECS;
export const KERNEL_NAMES = Object.keys(KERNEL_SPECS) as KernelName[];

type SpecOf<K extends KernelName> = (typeof KERNEL_SPECS)[K];
export type AttrsOf<K extends KernelName> =
  SpecOf<K> extends KernelSpec<number | 'n', infer A> ? A : never;

type Tuple<T, N extends number, Acc extends T[] = []> = Acc['length'] extends N ? Acc : Tuple<T, N, [...Acc, T]>;
type InputsOf<S, K extends KernelName> =
  SpecOf<K>['arity'] extends number ? Tuple<TensorInfo<S>, SpecOf<K>['arity']> : TensorInfo<S>[];

export type Kernel<S, K extends KernelName> = (
  inputs: InputsOf<S, K>,
  out: TensorInfo<S>,
  attrs: AttrsOf<K>,
) => void;

/** Derived from KERNEL_SPECS: a backend missing a kernel does not compile. */
export type KernelTable<S> = { [K in KernelName]: Kernel<S, K> };

/** Facts a backend reports about itself (`neurite info`, `listBackends()`). */
export interface BackendFeatures {
  readonly [key: string]: string | number | boolean | undefined;
}

/**
 * A backend owns storage (`S`: a typed array, a pointer into wasm memory...)
 * and the kernels that compute on it.
 */
export interface Backend<S = unknown> {
  readonly name: string;
  readonly specVersion: number;
  /** The dtypes this backend stores; float32 and int32 are required. */
  readonly dtypes: readonly DType[];
  alloc(dtype: DType, size: number): S;
  write(storage: S, dtype: DType, data: TypedArray): void;
  /** Returns a fresh copy the caller may keep. */
  read(storage: S, dtype: DType, size: number): TypedArray;
  free(storage: S): void;
  readonly kernels: KernelTable<S>;
  features?(): BackendFeatures;
  /** Bytes the backend holds beyond live tensors (a wasm heap, pools). */
  memoryInfo?(): { reservedBytes: number };
  dispose?(): void;
}
