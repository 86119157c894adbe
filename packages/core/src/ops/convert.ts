import { isDType, toTypedArray, type DType, type TypedArray } from '../dtype.js';
import { fromData } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { assertValidShape, sizeOf, type Shape } from '../shape.js';
import { Tensor, type NestedArray } from '../tensor.js';

/** What ops accept where a tensor is expected: a tensor, a number, nested arrays or a typed array. */
export type TensorLike = Tensor | number | boolean | NestedArray | boolean[] | TypedArray;

function inferShape(op: string, value: unknown): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const arr = v as ArrayLike<unknown>;
    shape.push(arr.length);
    if (arr.length === 0) break;
    v = (arr as unknown[])[0];
  }
  return shape;
}

function flatten(op: string, value: unknown, shape: number[], dim: number, out: number[]): void {
  if (dim === shape.length) {
    if (typeof value === 'number') out.push(value);
    else if (typeof value === 'boolean') out.push(value ? 1 : 0);
    else throw new ArgumentError(`${op}: expected a number but found ${describe(value)} - tensors hold numbers only`);
    return;
  }
  if (!Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new ShapeError(`${op}: ragged nested array - expected a list of length ${shape[dim]} at depth ${dim}, got ${describe(value)}`);
  }
  const arr = value as ArrayLike<unknown>;
  if (arr.length !== shape[dim]) {
    throw new ShapeError(
      `${op}: ragged nested array - a list at depth ${dim} has length ${arr.length} but its first sibling has ${shape[dim]}; every row must have the same length`,
    );
  }
  for (let i = 0; i < arr.length; i++) flatten(op, (arr as unknown[])[i], shape, dim + 1, out);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return `an array of length ${value.length}`;
  return typeof value === 'string' ? `the string ${JSON.stringify(value.slice(0, 20))}` : typeof value;
}

/**
 * Builds a tensor from JS values. The dtype defaults to float32, or to int32
 * for an Int32Array; `shape`, if given, must match the number of values.
 */
export function tensor(values: TensorLike, shape?: Shape, dtype?: DType): Tensor {
  const op = 'tensor';
  if (dtype !== undefined && !isDType(dtype)) {
    throw new DTypeError(`${op}: unknown dtype '${String(dtype)}' - use 'float32', 'float64' or 'int32'`);
  }
  if (values instanceof Tensor) {
    throw new ArgumentError(`${op}: got a Tensor - use clone(x) or cast(x, dtype) to copy one`);
  }
  let flat: ArrayLike<number>;
  let inferred: number[];
  if (ArrayBuffer.isView(values)) {
    flat = values as TypedArray;
    inferred = [flat.length];
    dtype ??= values instanceof Int32Array ? 'int32' : values instanceof Float64Array ? 'float64' : 'float32';
  } else {
    inferred = inferShape(op, values);
    const out: number[] = [];
    flatten(op, values, inferred, 0, out);
    flat = out;
  }
  dtype ??= 'float32';
  if (shape !== undefined) {
    assertValidShape(op, shape);
    if (sizeOf(shape) !== flat.length) {
      throw new ShapeError(
        `${op}: shape ${formatShape(shape)} holds ${sizeOf(shape)} values but ${flat.length} were given - fix the shape or the data`,
      );
    }
  }
  return fromData(toTypedArray(dtype, flat), shape ?? inferred, dtype);
}

export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  return tensor(value, [], dtype);
}

/**
 * Converts an op argument. Plain numbers take `like`'s dtype so that
 * `add(x, 1)` stays in x's dtype.
 */
export function toTensor(value: TensorLike, name: string, op: string, like?: DType): Tensor {
  if (value instanceof Tensor) {
    value.live(op);
    return value;
  }
  if (value === undefined || value === null || typeof value === 'string' || typeof value === 'object' && !Array.isArray(value) && !ArrayBuffer.isView(value)) {
    throw new ArgumentError(`${op}: argument '${name}' must be a Tensor, a number or an array, got ${describe(value)}`);
  }
  return tensor(value, undefined, typeof value === 'number' || typeof value === 'boolean' ? (like ?? 'float32') : undefined);
}

/**
 * Converts an index argument: tensors pass through (and must be int32, which
 * the op checks); plain numbers and arrays become int32, and must be integers.
 */
export function toIndexTensor(value: TensorLike, name: string, op: string): Tensor {
  if (value instanceof Tensor) return toTensor(value, name, op);
  const t = toTensor(value, name, op, 'int32');
  if (t.dtype === 'int32') return t;
  const data = t.dataSync();
  for (let i = 0; i < data.length; i++) {
    if (!Number.isInteger(data[i])) {
      t.dispose();
      throw new ArgumentError(`${op}: ${name} must be integers, but position ${i} holds ${data[i]}`);
    }
  }
  const converted = tensor(data, t.shape, 'int32');
  t.dispose();
  return converted;
}
