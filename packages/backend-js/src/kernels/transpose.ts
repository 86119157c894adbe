import type { TensorInfo, TransposeAttrs, TypedArray } from '@neurite/core';

type Info = TensorInfo<TypedArray>;

/** Output axis i is input axis perm[i]; 2-D transposes go through cache-sized tiles. */
export function transpose([x]: [Info], out: Info, { perm }: TransposeAttrs): void {
  const a = x.storage;
  const o = out.storage;
  const rank = perm.length;
  if (rank === 2) {
    transpose2d(a, o, x.shape[0], x.shape[1]);
    return;
  }
  const inStrides = new Array<number>(rank);
  for (let i = rank - 1, s = 1; i >= 0; i--) {
    inStrides[i] = s;
    s *= x.shape[i];
  }
  // Input stride to follow for each output axis.
  const strides = perm.map((p) => inStrides[p]);
  const shape = out.shape;
  const counter = new Array<number>(rank).fill(0);
  const last = rank - 1;
  const cols = shape[last];
  const colStride = strides[last];
  let src = 0;
  for (let dst = 0; dst < out.size; dst += cols) {
    for (let j = 0; j < cols; j++) o[dst + j] = a[src + j * colStride];
    for (let axis = last - 1; axis >= 0; axis--) {
      counter[axis]++;
      src += strides[axis];
      if (counter[axis] < shape[axis]) break;
      src -= strides[axis] * shape[axis];
      counter[axis] = 0;
    }
  }
}

const TILE = 32;

function transpose2d(a: TypedArray, o: TypedArray, rows: number, cols: number): void {
  for (let r0 = 0; r0 < rows; r0 += TILE) {
    const r1 = Math.min(r0 + TILE, rows);
    for (let c0 = 0; c0 < cols; c0 += TILE) {
      const c1 = Math.min(c0 + TILE, cols);
      for (let r = r0; r < r1; r++) {
        for (let c = c0; c < c1; c++) o[c * rows + r] = a[r * cols + c];
      }
    }
  }
}
