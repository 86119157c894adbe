import type { Shape } from '@neurite/core';

/**
 * Element strides of `shape` when read as if broadcast to `outShape`: 0 along
 * axes where the operand has size 1 (or is missing).
 */
export function broadcastStrides(shape: Shape, outShape: Shape): number[] {
  const rank = outShape.length;
  const strides = new Array<number>(rank).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = rank - shape.length + i;
    strides[o] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return strides;
}

/**
 * Visits every row (last axis) of `outShape` and reports, for each operand,
 * the offset where its row starts. Inner loops then run over the last axis
 * with a per-operand stride of 0 or 1, so broadcasting costs nothing per element.
 */
export function forEachRow(
  outShape: Shape,
  operandStrides: number[][],
  visit: (row: number, offsets: number[]) => void,
): void {
  const rank = outShape.length;
  const rows = rank === 0 ? 1 : outShape.slice(0, -1).reduce((a, b) => a * b, 1);
  const counter = new Array<number>(Math.max(rank - 1, 0)).fill(0);
  const offsets = operandStrides.map(() => 0);
  for (let row = 0; row < rows; row++) {
    visit(row, offsets);
    // Advance the multi-index over the leading axes, updating offsets incrementally.
    for (let axis = rank - 2; axis >= 0; axis--) {
      counter[axis]++;
      for (let k = 0; k < offsets.length; k++) offsets[k] += operandStrides[k][axis];
      if (counter[axis] < outShape[axis]) break;
      for (let k = 0; k < offsets.length; k++) offsets[k] -= operandStrides[k][axis] * outShape[axis];
      counter[axis] = 0;
    }
  }
}
