import type { AxisAttrs, OneHotAttrs, PadAttrs, ReverseAttrs, SliceAttrs, TensorInfo, TileAttrs } from '@neurite/core';
import { BYTES, DTYPE_CODE, type WasmHeap } from '../heap.js';
import { atLeast1d, broadcastStrides, product, stridesOf } from './strided.js';

type Info = TensorInfo<number>;

/*
 * Movement kernels: the shape logic that is per call (strides, outer/inner
 * sizes) is computed here, the copying runs in assembly/kernels/movement.ts.
 * Rank-0 tensors are passed as [1] so the wasm side always walks rows.
 */

export function sliceKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, { begin }: SliceAttrs): void => {
    const inShape = atLeast1d(x.shape);
    const [shape, strides, start] = h.args(atLeast1d(out.shape), stridesOf(inShape), begin.length === 0 ? [0] : begin);
    h.exports.slice(BYTES[x.dtype], x.storage, out.storage, inShape.length, shape, strides, start);
  };
}

export function padKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, { paddings, value }: PadAttrs): void => {
    const inShape = atLeast1d(x.shape);
    const before = paddings.length === 0 ? [0] : paddings.map((p) => p[0]);
    // With an empty input only the fill runs (zero rows to copy).
    const [shape, strides, start] = h.args(x.size === 0 ? inShape.map(() => 0) : inShape, stridesOf(atLeast1d(out.shape)), before);
    h.exports.pad(DTYPE_CODE[out.dtype], x.storage, out.storage, out.size, inShape.length, shape, strides, start, value);
  };
}

export function concatKernel(h: WasmHeap) {
  return (inputs: Info[], out: Info, { axis }: AxisAttrs): void => {
    // Each input contributes a block of (its axis length x inner size) per outer index.
    const outer = product(out.shape.slice(0, axis));
    const inner = product(out.shape.slice(axis + 1));
    const outBlock = out.shape[axis] * inner;
    const es = BYTES[out.dtype];
    let offset = 0;
    for (const x of inputs) {
      const block = x.shape[axis] * inner;
      if (x.size > 0) h.exports.concatPart(es, x.storage, out.storage, outer, block, outBlock, offset);
      offset += block;
    }
  };
}

export function gatherKernel(h: WasmHeap) {
  return ([x, indices]: [Info, Info], out: Info, { axis }: AxisAttrs): void => {
    const outer = product(x.shape.slice(0, axis));
    const inner = product(x.shape.slice(axis + 1));
    h.exports.gather(BYTES[x.dtype], x.storage, indices.storage, out.storage, outer, x.shape[axis], inner, indices.size);
  };
}

export function scatterAddKernel(h: WasmHeap) {
  return ([updates, indices]: [Info, Info], out: Info, { axis }: AxisAttrs): void => {
    const outer = product(out.shape.slice(0, axis));
    const inner = product(out.shape.slice(axis + 1));
    h.exports.scatterAdd(DTYPE_CODE[out.dtype], updates.storage, indices.storage, out.storage, out.size, outer, out.shape[axis], inner, indices.size);
  };
}

export function broadcastToKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info): void => {
    const outShape = atLeast1d(out.shape);
    const [shape, strides] = h.args(outShape, broadcastStrides(x.shape, outShape));
    h.exports.broadcastTo(BYTES[x.dtype], x.storage, out.storage, outShape.length, shape, strides);
  };
}

export function tileKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, { reps }: TileAttrs): void => {
    const inShape = atLeast1d(x.shape);
    const [xs, os, strides] = h.args(inShape, atLeast1d(out.shape), stridesOf(inShape));
    h.exports.tile(BYTES[x.dtype], x.storage, out.storage, inShape.length, xs, os, strides, reps.length === 0 ? 1 : reps[reps.length - 1]);
  };
}

export function reverseKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, { axes }: ReverseAttrs): void => {
    const shape = atLeast1d(x.shape);
    const flip = shape.map((_, i) => (x.shape.length > 0 && axes.includes(i) ? 1 : 0));
    const [ps, strides, pf] = h.args(shape, stridesOf(shape), flip);
    h.exports.reverse(BYTES[x.dtype], x.storage, out.storage, shape.length, ps, strides, pf);
  };
}

export function oneHotKernel(h: WasmHeap) {
  return ([indices]: [Info], out: Info, { depth, onValue, offValue }: OneHotAttrs): void => {
    h.exports.oneHot(DTYPE_CODE[out.dtype], indices.storage, out.storage, indices.size, depth, onValue, offValue);
  };
}
