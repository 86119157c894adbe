import type { ReduceAttrs, TensorInfo } from '@neurite/core';
import { DTYPE_CODE, type WasmHeap } from '../heap.js';

type Info = TensorInfo<number>;

/** Op codes of assembly/kernels/reduce.ts. */
const OPS = { sum: 0, prod: 1, max: 2, min: 3, argMax: 4, argMin: 5 } as const;
export type ReduceOp = keyof typeof OPS;

/** The input is [outer, reduceSize]; one output per row (argMax/argMin write int32). */
export function reduceKernel(h: WasmHeap, name: ReduceOp) {
  const op = OPS[name];
  return ([x]: [Info], out: Info, { reduceSize }: ReduceAttrs): void => {
    h.exports.reduce(op, DTYPE_CODE[x.dtype], x.storage, out.storage, out.size, reduceSize);
  };
}
