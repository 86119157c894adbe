import { ArgumentError, ShapeError } from '@neurite/core';

/**
 * One model weight as plain numbers: what travels between server and
 * clients and what strategies compute on. Plain typed arrays keep the
 * strategies pure array math (no backend, no tensors) and let a transport
 * move the values as transferable ArrayBuffers.
 */
export interface NamedArray {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array;
}

/** A whole model's weights, in the model's `parameters()` order. */
export type Weights = readonly NamedArray[];

/** The number of scalars in all the weights together. */
export function sizeOfWeights(w: Weights): number {
  return w.reduce((n, a) => n + a.values.length, 0);
}

/** Weights with the same names and shapes and fresh values from `values` (one array per weight). */
export function withValues(like: Weights, values: readonly Float32Array[]): NamedArray[] {
  return like.map((a, i) => ({ name: a.name, shape: [...a.shape], values: values[i] }));
}

export function cloneWeights(w: Weights): NamedArray[] {
  return w.map((a) => ({ name: a.name, shape: [...a.shape], values: a.values.slice() }));
}

/** Whether two weight lists have the same names, shapes and bit-identical values. */
export function sameWeights(a: Weights, b: Weights): boolean {
  if (a === b) return true;
  if (layoutMismatch(a, b)) return false;
  for (let k = 0; k < a.length; k++) {
    const x = a[k].values;
    const y = b[k].values;
    // Bits, not numbers: NaN equals itself here and -0 differs from 0, as a copy would.
    const xb = new Uint32Array(x.buffer, x.byteOffset, x.length);
    const yb = new Uint32Array(y.buffer, y.byteOffset, y.length);
    for (let i = 0; i < xb.length; i++) if (xb[i] !== yb[i]) return false;
  }
  return true;
}

/** All the values end to end in float64: strategies accumulate in double precision and round once. */
export function flatten(w: Weights): Float64Array {
  const out = new Float64Array(sizeOfWeights(w));
  let at = 0;
  for (const a of w) {
    out.set(a.values, at);
    at += a.values.length;
  }
  return out;
}

/** The inverse of flatten: values rounded to float32 and cut to the shapes of `like`. */
export function unflatten(like: Weights, flat: ArrayLike<number>): NamedArray[] {
  if (flat.length !== sizeOfWeights(like)) throw new ShapeError(`unflatten: ${flat.length} values for weights of ${sizeOfWeights(like)} - the vector does not belong to this model`);
  let at = 0;
  return like.map((a) => {
    const values = new Float32Array(a.values.length);
    for (let i = 0; i < values.length; i++) values[i] = flat[at + i];
    at += values.length;
    return { name: a.name, shape: [...a.shape], values };
  });
}

/** Why `w` does not fit the layout of `like`, or null when names, shapes and sizes all match. */
export function layoutMismatch(like: Weights, w: Weights): string | null {
  if (!Array.isArray(w)) return 'not a list of weights';
  if (w.length !== like.length) return `${w.length} weights, expected ${like.length}`;
  for (let i = 0; i < like.length; i++) {
    const a = w[i];
    const e = like[i];
    if (!a || !(a.values instanceof Float32Array)) return `weight ${i} has no Float32Array of values`;
    if (a.name !== e.name) return `weight ${i} is named '${a.name}', expected '${e.name}'`;
    if (!Array.isArray(a.shape) || a.shape.join(',') !== e.shape.join(',')) return `weight '${e.name}' has shape [${String(a.shape)}], expected [${e.shape.join(',')}]`;
    if (a.values.length !== e.values.length) return `weight '${e.name}' has ${a.values.length} values, expected ${e.values.length}`;
  }
  return null;
}

export function checkLayout(where: string, like: Weights, w: Weights): void {
  const why = layoutMismatch(like, w);
  if (why) throw new ShapeError(`${where}: ${why} - every client must train the server's model`);
}

/** Euclidean norm of a flat vector. */
export function l2(v: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  return Math.sqrt(s);
}

/** a - b, element by element, in float64. */
export function subtract(a: ArrayLike<number>, b: ArrayLike<number>): Float64Array {
  if (a.length !== b.length) throw new ArgumentError(`subtract: lengths differ (${a.length} vs ${b.length})`);
  const out = new Float64Array(a.length);
  for (let i = 0; i < a.length; i++) out[i] = a[i] - b[i];
  return out;
}
