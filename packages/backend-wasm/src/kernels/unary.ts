import type { LeakyReluAttrs, TensorInfo } from '@neurite/core';
import { DTYPE_CODE, type WasmHeap } from '../heap.js';

type Info = TensorInfo<number>;

/** Op codes of assembly/kernels/unary.ts. */
const OPS = {
  neg: 0, abs: 1, sign: 2, exp: 3, expm1: 4, log: 5, log1p: 6, sqrt: 7, rsqrt: 8, square: 9,
  reciprocal: 10, sin: 11, cos: 12, tanh: 13, sigmoid: 14, relu: 15, relu6: 16, elu: 17, selu: 18,
  gelu: 19, erf: 20, softplus: 21, floor: 22, ceil: 23, round: 24,
} as const;
const LEAKY_RELU = 25;
export type UnaryOp = keyof typeof OPS;

export function unaryKernel(h: WasmHeap, name: UnaryOp) {
  const op = OPS[name];
  return ([x]: [Info], out: Info): void => {
    h.exports.unary(op, DTYPE_CODE[out.dtype], x.storage, out.storage, out.size, 0);
  };
}

export function leakyReluKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, { alpha }: LeakyReluAttrs): void => {
    h.exports.unary(LEAKY_RELU, DTYPE_CODE[out.dtype], x.storage, out.storage, out.size, alpha);
  };
}

/** Converts to out.dtype; float to int32 truncates toward zero. */
export function castKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info): void => {
    h.exports.cast(DTYPE_CODE[x.dtype], DTYPE_CODE[out.dtype], x.storage, out.storage, out.size);
  };
}
