import type { TensorInfo, TransposeAttrs } from '@neurite/core';
import { BYTES, type WasmHeap } from '../heap.js';
import { stridesOf } from './strided.js';

type Info = TensorInfo<number>;

/** Output axis i is input axis perm[i]: the kernel follows the input stride of perm[i]. */
export function transposeKernel(h: WasmHeap) {
  return ([x]: [Info], out: Info, { perm }: TransposeAttrs): void => {
    if (perm.length === 0) {
      const [one, unit] = h.args([1], [1]);
      h.exports.transpose(BYTES[x.dtype], x.storage, out.storage, 1, one, unit, 1);
      return;
    }
    const inStrides = stridesOf(x.shape);
    const [shape, strides] = h.args(out.shape, perm.map((p) => inStrides[p]));
    h.exports.transpose(BYTES[x.dtype], x.storage, out.storage, perm.length, shape, strides, out.size);
  };
}
