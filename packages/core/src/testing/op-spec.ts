import type { DType, Tensor } from '../index.js';
import type { Tolerance } from './compare.js';
import type { InputSpec } from './inputs.js';
import type { Ref } from './reference.js';

/**
 * One op on one set of input shapes, with its float64 reference. It yields a
 * forward case (`<op> forward <variant>`) and, when differentiable, a
 * gradient case (`<op> gradient <variant>`).
 */
export interface OpSpec {
  readonly op: string;
  /** Distinguishes several specs of one op, e.g. the shapes: `[3,1]x[1,4]`. */
  readonly variant?: string;
  readonly inputs: readonly InputSpec[];
  /** Draw all values pairwise apart (max/min ties, maximum/minimum switches). */
  readonly distinct?: boolean;
  /**
   * Runs the op. It is called outside any tidy() so that an op leaking
   * intermediates fails the leak check; a fn composing several ops must
   * wrap them in tidy() itself.
   */
  readonly fn: (...xs: Tensor[]) => Tensor | Tensor[];
  readonly ref: (...xs: Ref[]) => Ref | Ref[];
  /** Forward tolerance; FLOAT32 by default. */
  readonly tol?: Tolerance;
  /** Magnitudes the forward error is measured against (sums of |terms| for reductions and matMul). */
  readonly scale?: (...xs: Ref[]) => Ref | Ref[];
  /** Result dtype; by default the first float input's dtype, or int32 when all inputs are int32. */
  readonly dtype?: DType;
  /** Set to false for ops without a gradient; forward only. */
  readonly grad?: boolean;
}

export function caseName(spec: OpSpec, kind: 'forward' | 'gradient'): string {
  return `${spec.op} ${kind}${spec.variant ? ` ${spec.variant}` : ''}`;
}

export function inputDType(spec: InputSpec): DType {
  return spec.dtype ?? 'float32';
}

export function resultDType(spec: OpSpec): DType {
  return spec.dtype ?? spec.inputs.map(inputDType).find((d) => d !== 'int32') ?? 'int32';
}

export const asList = <T>(x: T | T[]): T[] => (Array.isArray(x) ? x : [x]);
