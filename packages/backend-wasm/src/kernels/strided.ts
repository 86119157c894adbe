import type { Shape } from '@neurite/core';

/** Row-major element strides of `shape`. */
export function stridesOf(shape: Shape): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/** Element strides of `shape` read as if broadcast to `outShape`: 0 where it has size 1 or is missing. */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[rank - shape.length + i] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

export function product(dims: readonly number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}

/** Kernels walk rows of the last axis; a rank-0 tensor is one row of one element. */
export function atLeast1d(shape: Shape): readonly number[] {
  return shape.length === 0 ? [1] : shape;
}
