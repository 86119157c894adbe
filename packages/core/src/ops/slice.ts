import { runKernel } from '../engine.js';
import { ShapeError, formatShape } from '../errors.js';
import { assertInteger, normalizeAxis } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';
import { pad } from './pad.js';
import { identity } from './reshape.js';

/**
 * A contiguous block: `begin[i]` (negative counts from the end) and `size[i]`
 * (-1 means to the end) per axis; missing trailing axes are taken whole.
 */
export const slice = defineOp((x: TensorLike, begin: readonly number[], size?: readonly number[]): Tensor => {
  const t = toTensor(x, 'x', 'slice');
  if (begin.length > t.rank || (size && size.length > t.rank)) {
    throw new ShapeError(`slice: begin [${begin.join(',')}] or size has more entries than the rank ${t.rank} of ${formatShape(t.shape)}`);
  }
  const start = t.shape.map((d, i) => {
    const b = begin[i] ?? 0;
    assertInteger('slice', `begin[${i}]`, b);
    return b < 0 ? b + d : b;
  });
  const extent = t.shape.map((d, i) => {
    const s = size?.[i] ?? -1;
    assertInteger('slice', `size[${i}]`, s, -1);
    return s === -1 ? d - start[i] : s;
  });
  t.shape.forEach((d, i) => {
    if (start[i] < 0 || start[i] + extent[i] > d) {
      throw new ShapeError(
        `slice: axis ${i} of ${formatShape(t.shape)} has ${d} elements but the slice asks for [${start[i]}, ${start[i] + extent[i]}) - keep begin + size within the axis`,
      );
    }
  });
  if (extent.every((s, i) => s === t.shape[i])) return identity(t);
  return runKernel('slice', [t], { begin: start }, extent, t.dtype, (dy, [input]) => [
    pad(dy, input.shape.map((d, i) => [start[i], d - start[i] - extent[i]] as [number, number])),
  ]);
});

/**
 * Splits along `axis` into `sections` equal parts, or into parts of the given
 * sizes (one entry may be -1 to take the rest).
 */
export const split = defineOp((x: TensorLike, sections: number | readonly number[], axis = 0): Tensor[] => {
  const t = toTensor(x, 'x', 'split');
  const a = normalizeAxis('split', axis, t.rank);
  const dim = t.shape[a];
  let sizes: number[];
  if (typeof sections === 'number') {
    assertInteger('split', 'sections', sections, 1);
    if (dim % sections !== 0) {
      throw new ShapeError(`split: axis ${a} of ${formatShape(t.shape)} has ${dim} elements, not divisible into ${sections} equal parts - pass explicit sizes`);
    }
    sizes = new Array(sections).fill(dim / sections);
  } else {
    sizes = [...sections];
    const unknown = sizes.indexOf(-1);
    if (unknown >= 0) sizes[unknown] = dim - sizes.reduce((s, v, i) => (i === unknown ? s : s + v), 0);
    if (sizes.some((s) => !Number.isInteger(s) || s < 0) || sizes.reduce((s, v) => s + v, 0) !== dim) {
      throw new ShapeError(`split: sizes [${sections.join(',')}] do not add up to ${dim}, the length of axis ${a} of ${formatShape(t.shape)}`);
    }
  }
  const parts: Tensor[] = [];
  let offset = 0;
  for (const s of sizes) {
    const begin = t.shape.map((_, i) => (i === a ? offset : 0));
    const size = t.shape.map((d, i) => (i === a ? s : d));
    parts.push(slice(t, begin, size));
    offset += s;
  }
  return parts;
});
