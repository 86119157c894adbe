import { ArgumentError, ShapeError, formatShape } from './errors.js';

export type Shape = readonly number[];

export function sizeOf(shape: Shape): number {
  let size = 1;
  for (const d of shape) size *= d;
  return size;
}

/** Row-major strides in elements. */
export function stridesOf(shape: Shape): number[] {
  const strides = new Array<number>(shape.length);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = stride;
    stride *= shape[i];
  }
  return strides;
}

export function assertValidShape(op: string, shape: Shape): void {
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new ShapeError(
        `${op}: shape ${formatShape(shape)} has a dimension that is not a non-negative integer - check the shape you passed`,
      );
    }
  }
}

export function shapesEqual(a: Shape, b: Shape): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** NumPy broadcasting: align trailing dims; each pair must match or contain a 1. */
export function broadcastShapes(op: string, ...shapes: Shape[]): number[] {
  const rank = Math.max(...shapes.map((s) => s.length));
  const out = new Array<number>(rank).fill(1);
  for (const shape of shapes) {
    for (let i = 0; i < shape.length; i++) {
      const o = rank - shape.length + i;
      const d = shape[i];
      if (d === out[o] || d === 1) continue;
      if (out[o] === 1) {
        out[o] = d;
        continue;
      }
      throw new ShapeError(
        `${op}: shapes ${shapes.map(formatShape).join(' and ')} cannot be broadcast together ` +
          `(dimension ${o} from the left of the output is ${out[o]} vs ${d}) - reshape or expandDims one operand?`,
      );
    }
  }
  return out;
}

/**
 * Axes of `outShape` along which `inShape` was broadcast; summing a gradient
 * over them (then reshaping) brings it back to `inShape`.
 */
export function broadcastedAxes(inShape: Shape, outShape: Shape): number[] {
  const axes: number[] = [];
  const lead = outShape.length - inShape.length;
  for (let i = 0; i < outShape.length; i++) {
    if (i < lead || (inShape[i - lead] === 1 && outShape[i] !== 1)) axes.push(i);
  }
  return axes;
}

export function normalizeAxis(op: string, axis: number, rank: number): number {
  if (!Number.isInteger(axis) || axis < -rank || axis >= Math.max(rank, 1)) {
    throw new ShapeError(
      `${op}: axis ${axis} is out of range for a tensor of rank ${rank} - use an axis in [${-rank}, ${rank - 1}]`,
    );
  }
  return axis < 0 ? axis + rank : axis;
}

/** Sorted, de-duplicated, non-negative axes; `undefined` means all axes. */
export function normalizeAxes(op: string, axes: number | readonly number[] | undefined, rank: number): number[] {
  if (axes === undefined) return Array.from({ length: rank }, (_, i) => i);
  const list = typeof axes === 'number' ? [axes] : axes;
  const out = [...new Set(list.map((a) => normalizeAxis(op, a, rank)))].sort((a, b) => a - b);
  if (out.length !== list.length) {
    throw new ShapeError(`${op}: axes [${list.join(',')}] repeat an axis - list each axis once`);
  }
  return out;
}

export function assertPermutation(op: string, perm: readonly number[], rank: number): void {
  const seen = new Set<number>();
  for (const p of perm) {
    if (!Number.isInteger(p) || p < 0 || p >= rank || seen.has(p)) {
      throw new ShapeError(
        `${op}: perm [${perm.join(',')}] is not a permutation of the ${rank} axes - list each of 0..${rank - 1} once`,
      );
    }
    seen.add(p);
  }
  if (perm.length !== rank) {
    throw new ShapeError(
      `${op}: perm [${perm.join(',')}] has ${perm.length} entries for a tensor of rank ${rank} - list every axis once`,
    );
  }
}

export function assertInteger(op: string, name: string, value: number, min = -Infinity): void {
  if (!Number.isInteger(value) || value < min) {
    throw new ArgumentError(
      `${op}: ${name} must be an integer${min > -Infinity ? ` >= ${min}` : ''}, got ${value}`,
    );
  }
}
