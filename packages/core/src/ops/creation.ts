import { isDType, makeTypedArray, type DType } from '../dtype.js';
import { fromData, makeVariable, swapVariable } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { randomFor, type Random } from '../random.js';
import { assertInteger, assertValidShape, shapesEqual, sizeOf, type Shape } from '../shape.js';
import { Tensor, type Variable } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';

function checkDType(op: string, dtype: DType): void {
  if (!isDType(dtype)) throw new DTypeError(`${op}: unknown dtype '${String(dtype)}' - use 'float32', 'float64' or 'int32'`);
}

/** A tensor of `shape` filled with `value`. */
export function full(shape: Shape, value: number, dtype: DType = 'float32'): Tensor {
  assertValidShape('full', shape);
  checkDType('full', dtype);
  const data = makeTypedArray(dtype, sizeOf(shape));
  if (value !== 0) data.fill(value);
  return fromData(data, shape, dtype);
}

export function zeros(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 0, dtype);
}

export function ones(shape: Shape, dtype: DType = 'float32'): Tensor {
  return full(shape, 1, dtype);
}

export function zerosLike(x: Tensor): Tensor {
  return full(x.shape, 0, x.dtype);
}

export function onesLike(x: Tensor): Tensor {
  return full(x.shape, 1, x.dtype);
}

/**
 * Evenly spaced values in [start, stop) with `step`; `arange(n)` is 0..n-1.
 * The dtype is int32 when every argument is an integer, float32 otherwise.
 */
export function arange(start: number, stop?: number, step = 1, dtype?: DType): Tensor {
  if (stop === undefined) [start, stop] = [0, start];
  if (step === 0 || !Number.isFinite(step) || !Number.isFinite(start) || !Number.isFinite(stop)) {
    throw new ArgumentError(`arange: start ${start}, stop ${stop} and step ${step} must be finite and step non-zero`);
  }
  const resolved = dtype ?? ([start, stop, step].every(Number.isInteger) ? 'int32' : 'float32');
  checkDType('arange', resolved);
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const data = makeTypedArray(resolved, n);
  for (let i = 0; i < n; i++) data[i] = start + i * step;
  return fromData(data, [n], resolved);
}

/** `num` evenly spaced values from start to stop, both included. */
export function linspace(start: number, stop: number, num: number, dtype: DType = 'float32'): Tensor {
  assertInteger('linspace', 'num', num, 0);
  checkDType('linspace', dtype);
  const data = makeTypedArray(dtype, num);
  const step = num > 1 ? (stop - start) / (num - 1) : 0;
  for (let i = 0; i < num; i++) data[i] = start + i * step;
  if (num > 1) data[num - 1] = stop;
  return fromData(data, [num], dtype);
}

/** An identity matrix, `rows` x `columns` (square by default). */
export function eye(rows: number, columns = rows, dtype: DType = 'float32'): Tensor {
  assertInteger('eye', 'rows', rows, 0);
  assertInteger('eye', 'columns', columns, 0);
  checkDType('eye', dtype);
  const data = makeTypedArray(dtype, rows * columns);
  for (let i = 0; i < Math.min(rows, columns); i++) data[i * columns + i] = 1;
  return fromData(data, [rows, columns], dtype);
}

export interface RandomOptions {
  /** Seed for this call alone; without it the global generator (`seed(n)`) is used. */
  seed?: number;
  dtype?: DType;
}

function random(op: string, shape: Shape, options: RandomOptions, sample: (rng: Random) => number): Tensor {
  assertValidShape(op, shape);
  const dtype = options.dtype ?? 'float32';
  checkDType(op, dtype);
  if (dtype === 'int32') throw new DTypeError(`${op}: random values need a float dtype, got int32 - use floor() on a float tensor`);
  const rng = randomFor(options.seed);
  const data = makeTypedArray(dtype, sizeOf(shape));
  for (let i = 0; i < data.length; i++) data[i] = sample(rng);
  return fromData(data, shape, dtype);
}

export function randomNormal(shape: Shape, mean = 0, stddev = 1, options: RandomOptions = {}): Tensor {
  return random('randomNormal', shape, options, (rng) => mean + stddev * rng.normal());
}

export function randomUniform(shape: Shape, min = 0, max = 1, options: RandomOptions = {}): Tensor {
  if (!(max >= min)) throw new ArgumentError(`randomUniform: max ${max} is below min ${min} - swap them`);
  return random('randomUniform', shape, options, (rng) => min + (max - min) * rng.next());
}

/** Normal samples redrawn until within two standard deviations of the mean. */
export function truncatedNormal(shape: Shape, mean = 0, stddev = 1, options: RandomOptions = {}): Tensor {
  return random('truncatedNormal', shape, options, (rng) => {
    let z: number;
    do z = rng.normal();
    while (Math.abs(z) > 2);
    return mean + stddev * z;
  });
}

let variableCount = 0;

/** A trainable, assignable tensor (model weights); never freed by tidy(). */
export function variable(initial: TensorLike, options: { name?: string; trainable?: boolean } = {}): Variable {
  const t = toTensor(initial, 'initial', 'variable');
  const v = makeVariable(t, options.name ?? `variable_${variableCount++}`, options.trainable ?? true);
  if (!(initial instanceof Tensor)) t.dispose();
  return v;
}

/** Replaces a variable's value in place; shape and dtype must match. */
export function assign(v: Variable, value: Tensor): void {
  value.live('assign');
  if (!shapesEqual(v.shape, value.shape) || v.dtype !== value.dtype) {
    throw new ShapeError(
      `assign: variable '${v.name}' is ${formatShape(v.shape)} ${v.dtype} but the value is ${formatShape(value.shape)} ${value.dtype} - reshape or cast the value`,
    );
  }
  swapVariable(v, value);
}
