import type {
  AxisAttrs,
  OneHotAttrs,
  PadAttrs,
  ReverseAttrs,
  SliceAttrs,
  TensorInfo,
  TileAttrs,
  TypedArray,
} from '@neurite/core';
import { broadcastStrides, forEachRow } from './strided.js';

type Info = TensorInfo<TypedArray>;

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length);
  for (let i = shape.length - 1, acc = 1; i >= 0; i--) {
    s[i] = acc;
    acc *= shape[i];
  }
  return s;
}

/**
 * Copies row by row: for each row of the output (last axis), `source` maps the
 * output multi-index prefix to an input offset, and `copyRow` moves the row.
 */
function mapRows(outShape: readonly number[], onRow: (dst: number, index: number[]) => void): void {
  const rank = outShape.length;
  const cols = rank === 0 ? 1 : outShape[rank - 1];
  const rows = rank === 0 ? 1 : outShape.slice(0, -1).reduce((p, d) => p * d, 1);
  const index = new Array<number>(rank).fill(0);
  for (let r = 0; r < rows; r++) {
    onRow(r * cols, index);
    for (let axis = rank - 2; axis >= 0; axis--) {
      if (++index[axis] < outShape[axis]) break;
      index[axis] = 0;
    }
  }
}

export function slice([x]: [Info], out: Info, { begin }: SliceAttrs): void {
  const a = x.storage;
  const o = out.storage;
  const strides = stridesOf(x.shape);
  const rank = x.shape.length;
  const cols = out.shape[rank - 1];
  const colStart = begin[rank - 1];
  mapRows(out.shape, (dst, index) => {
    let src = colStart;
    for (let i = 0; i < rank - 1; i++) src += (index[i] + begin[i]) * strides[i];
    o.set(a.subarray(src, src + cols), dst);
  });
}

export function pad([x]: [Info], out: Info, { paddings, value }: PadAttrs): void {
  const a = x.storage;
  const o = out.storage;
  o.fill(value);
  if (x.size === 0) return;
  const rank = x.shape.length;
  const outStrides = stridesOf(out.shape);
  const cols = x.shape[rank - 1];
  mapRows(x.shape, (src, index) => {
    let dst = paddings[rank - 1][0];
    for (let i = 0; i < rank - 1; i++) dst += (index[i] + paddings[i][0]) * outStrides[i];
    o.set(a.subarray(src, src + cols), dst);
  });
}

export function concat(inputs: Info[], out: Info, { axis }: AxisAttrs): void {
  const o = out.storage;
  // Each input contributes a block of (its axis length x inner size) per outer index.
  const outer = out.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = out.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const outBlock = out.shape[axis] * inner;
  let offset = 0;
  for (const x of inputs) {
    const block = x.shape[axis] * inner;
    const a = x.storage;
    for (let i = 0; i < outer; i++) o.set(a.subarray(i * block, (i + 1) * block), i * outBlock + offset);
    offset += block;
  }
}

export function gather([x, indices]: [Info, Info], out: Info, { axis }: AxisAttrs): void {
  const a = x.storage;
  const idx = indices.storage;
  const o = out.storage;
  const outer = x.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = x.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const dim = x.shape[axis];
  const count = indices.size;
  let dst = 0;
  for (let i = 0; i < outer; i++) {
    for (let k = 0; k < count; k++) {
      const src = (i * dim + idx[k]) * inner;
      o.set(a.subarray(src, src + inner), dst);
      dst += inner;
    }
  }
}

export function scatterAdd([updates, indices]: [Info, Info], out: Info, { axis }: AxisAttrs): void {
  const u = updates.storage;
  const idx = indices.storage;
  const o = out.storage;
  o.fill(0);
  const outer = out.shape.slice(0, axis).reduce((p, d) => p * d, 1);
  const inner = out.shape.slice(axis + 1).reduce((p, d) => p * d, 1);
  const dim = out.shape[axis];
  const count = indices.size;
  let src = 0;
  for (let i = 0; i < outer; i++) {
    for (let k = 0; k < count; k++) {
      const dst = (i * dim + idx[k]) * inner;
      for (let j = 0; j < inner; j++) o[dst + j] += u[src + j];
      src += inner;
    }
  }
}

export function broadcastTo([x]: [Info], out: Info): void {
  const a = x.storage;
  const o = out.storage;
  const strides = broadcastStrides(x.shape, out.shape);
  const last = out.shape.length - 1;
  const cols = out.shape[last];
  const step = strides[last];
  forEachRow(out.shape, [strides], (row, [src]) => {
    const base = row * cols;
    if (step === 0) o.fill(a[src], base, base + cols);
    else o.set(a.subarray(src, src + cols), base);
  });
}

export function tile([x]: [Info], out: Info, { reps }: TileAttrs): void {
  const a = x.storage;
  const o = out.storage;
  const rank = x.shape.length;
  const strides = stridesOf(x.shape);
  const cols = x.shape[rank - 1];
  mapRows(out.shape, (dst, index) => {
    let src = 0;
    for (let i = 0; i < rank - 1; i++) src += (index[i] % x.shape[i]) * strides[i];
    for (let r = 0; r < reps[rank - 1]; r++) o.set(a.subarray(src, src + cols), dst + r * cols);
  });
}

export function reverse([x]: [Info], out: Info, { axes }: ReverseAttrs): void {
  const a = x.storage;
  const o = out.storage;
  const rank = x.shape.length;
  const strides = stridesOf(x.shape);
  const flipped = x.shape.map((_, i) => axes.includes(i));
  const cols = x.shape[rank - 1];
  const flipLast = flipped[rank - 1];
  mapRows(out.shape, (dst, index) => {
    let src = 0;
    for (let i = 0; i < rank - 1; i++) src += (flipped[i] ? x.shape[i] - 1 - index[i] : index[i]) * strides[i];
    if (flipLast) for (let j = 0; j < cols; j++) o[dst + j] = a[src + cols - 1 - j];
    else o.set(a.subarray(src, src + cols), dst);
  });
}

export function oneHot([indices]: [Info], out: Info, { depth, onValue, offValue }: OneHotAttrs): void {
  const idx = indices.storage;
  const o = out.storage;
  o.fill(offValue);
  for (let i = 0; i < indices.size; i++) {
    const k = idx[i];
    if (k >= 0 && k < depth) o[i * depth + k] = onValue;
  }
}
