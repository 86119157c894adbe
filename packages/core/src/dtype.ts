import { OutOfMemoryError } from './errors.js';

/**
 * Element types. float64 exists so gradients can be checked against finite
 * differences without float32 rounding noise; models train in float32.
 */
export type DType = 'float32' | 'float64' | 'int32';

export interface DataTypeMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
}

export type TypedArray = Float32Array | Float64Array | Int32Array;
export type DataOf<D extends DType> = DataTypeMap[D];

export const DTYPES: readonly DType[] = ['float32', 'float64', 'int32'];

const constructors = {
  float32: Float32Array,
  float64: Float64Array,
  int32: Int32Array,
} as const;

export function isDType(value: unknown): value is DType {
  return typeof value === 'string' && (DTYPES as readonly string[]).includes(value);
}

export function bytesPerElement(dtype: DType): number {
  return constructors[dtype].BYTES_PER_ELEMENT;
}

/**
 * A zeroed array of `size` elements. Sizes the engine cannot hold in one
 * typed array (zeros([1e12])) are an OutOfMemoryError naming `op`, not the
 * engine's RangeError.
 */
export function makeTypedArray<D extends DType>(dtype: D, size: number, op = 'tensor data'): DataOf<D> {
  try {
    return new constructors[dtype](size) as DataOf<D>;
  } catch (e) {
    // A negative or fractional size is a caller's bug, not a lack of memory.
    if (!(e instanceof RangeError) || !Number.isInteger(size) || size < 0) throw e;
    const bytes = size * constructors[dtype].BYTES_PER_ELEMENT;
    throw new OutOfMemoryError(
      { op, dtype, size, bytes, place: 'JavaScript memory', reason: e.message, hint: 'use smaller tensors (a smaller batch) and dispose those you no longer need' },
      { cause: e },
    );
  }
}

/** Copies `values` into a fresh array of `dtype` (int32 truncates toward zero like a C cast). */
export function toTypedArray<D extends DType>(dtype: D, values: ArrayLike<number>): DataOf<D> {
  const out = makeTypedArray(dtype, values.length);
  out.set(values as ArrayLike<number>);
  return out;
}

export function isFloat(dtype: DType): boolean {
  return dtype !== 'int32';
}

/** The dtype both operands of a binary op are converted to. */
export function promoteTypes(a: DType, b: DType): DType {
  if (a === b) return a;
  if (a === 'float64' || b === 'float64') return 'float64';
  return 'float32';
}
