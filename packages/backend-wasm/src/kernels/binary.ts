import type { TensorInfo } from '@neurite/core';
import { DTYPE_CODE, type WasmHeap } from '../heap.js';
import { broadcastStrides } from './strided.js';

type Info = TensorInfo<number>;

/** Op codes of assembly/kernels/binary.ts. */
const OPS = {
  add: 0, sub: 1, mul: 2, div: 3, pow: 4, maximum: 5, minimum: 6,
  equal: 7, notEqual: 8, less: 9, lessEqual: 10, greater: 11, greaterEqual: 12,
} as const;
export type BinaryOp = keyof typeof OPS;

/**
 * Shape and per-operand strides for the wasm row walk. Equal shapes and
 * scalar operands are one strided run; anything else walks output rows with
 * broadcast strides (0 on broadcast axes).
 */
function plan(out: Info, operands: readonly Info[]): { rank: number; shape: number[]; strides: number[][] } {
  const n = out.size;
  if (operands.every((x) => x.size === n || x.size === 1)) {
    return { rank: 1, shape: [n], strides: operands.map((x) => [x.size === n && n !== 1 ? 1 : 0]) };
  }
  return { rank: out.shape.length, shape: [...out.shape], strides: operands.map((x) => broadcastStrides(x.shape, out.shape)) };
}

export function binaryKernel(h: WasmHeap, name: BinaryOp) {
  const op = OPS[name];
  return ([a, b]: [Info, Info], out: Info): void => {
    const { rank, shape, strides } = plan(out, [a, b]);
    const [ps, pa, pb] = h.args(shape, strides[0], strides[1]);
    // Inputs share a dtype (core promotes); comparisons still write int32.
    h.exports.binary(op, DTYPE_CODE[a.dtype], a.storage, b.storage, out.storage, rank, ps, pa, pb);
  };
}

export function whereKernel(h: WasmHeap) {
  return ([c, a, b]: [Info, Info, Info], out: Info): void => {
    const { rank, shape, strides } = plan(out, [c, a, b]);
    const [ps, pc, pa, pb] = h.args(shape, strides[0], strides[1], strides[2]);
    h.exports.where(DTYPE_CODE[c.dtype], DTYPE_CODE[out.dtype], c.storage, a.storage, b.storage, out.storage, rank, ps, pc, pa, pb);
  };
}
