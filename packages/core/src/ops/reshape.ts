import { runView } from '../engine.js';
import { ShapeError, formatShape } from '../errors.js';
import { assertInteger, normalizeAxes, normalizeAxis, sizeOf, type Shape } from '../shape.js';
import type { Tensor } from '../tensor.js';
import { toTensor, type TensorLike } from './convert.js';
import { defineOp } from './define-op.js';

function inferReshape(x: Tensor, shape: Shape): number[] {
  const out = [...shape];
  const unknown = out.indexOf(-1);
  if (unknown !== out.lastIndexOf(-1)) {
    throw new ShapeError(`reshape: shape ${formatShape(shape)} has more than one -1 - at most one dimension can be inferred`);
  }
  for (const d of out) {
    if (d !== -1) assertInteger('reshape', 'every dimension', d, 0);
  }
  if (unknown >= 0) {
    const known = sizeOf(out.filter((d) => d !== -1));
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot infer the -1 in ${formatShape(shape)} for ${x.size} elements of ${formatShape(x.shape)} - the other dimensions must divide ${x.size}`,
      );
    }
    out[unknown] = x.size / known;
  }
  if (sizeOf(out) !== x.size) {
    throw new ShapeError(
      `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) to ${formatShape(out)} (${sizeOf(out)} elements) - sizes must match`,
    );
  }
  return out;
}

/** Same data, new shape (one dimension may be -1). Shares storage, copies nothing. */
export const reshape = defineOp((x: TensorLike, shape: Shape): Tensor => {
  const t = toTensor(x, 'x', 'reshape');
  const out = inferReshape(t, shape);
  return runView('reshape', t, out, (dy, [input]) => [reshape(dy, input.shape)]);
});

/** The same values as a new tensor handle (shares storage). */
export const identity = defineOp((x: TensorLike): Tensor => {
  const t = toTensor(x, 'x', 'identity');
  return runView('identity', t, t.shape, (dy) => [dy]);
});

export const clone = identity;

/** The same values, but gradients do not flow back through it. */
export const stopGradient = defineOp((x: TensorLike): Tensor => {
  const t = toTensor(x, 'x', 'stopGradient');
  return runView('stopGradient', t, t.shape, () => [null]);
});

/** Inserts a dimension of size 1 at `axis` (negative counts from the end of the result). */
export const expandDims = defineOp((x: TensorLike, axis = 0): Tensor => {
  const t = toTensor(x, 'x', 'expandDims');
  const a = normalizeAxis('expandDims', axis, t.rank + 1);
  const shape = [...t.shape];
  shape.splice(a, 0, 1);
  return reshape(t, shape);
});

/** Removes dimensions of size 1 (all of them, or the given axes, which must be 1). */
export const squeeze = defineOp((x: TensorLike, axes?: number | readonly number[]): Tensor => {
  const t = toTensor(x, 'x', 'squeeze');
  const drop = axes === undefined ? t.shape.flatMap((d, i) => (d === 1 ? [i] : [])) : normalizeAxes('squeeze', axes, t.rank);
  for (const a of drop) {
    if (t.shape[a] !== 1) {
      throw new ShapeError(`squeeze: axis ${a} of ${formatShape(t.shape)} has size ${t.shape[a]}, not 1 - only size-1 axes can be squeezed`);
    }
  }
  return reshape(t, t.shape.filter((_, i) => !drop.includes(i)));
});

/** Collapses everything after the first axis: [batch, ...] to [batch, features]. */
export const flatten = defineOp((x: TensorLike): Tensor => {
  const t = toTensor(x, 'x', 'flatten');
  return t.rank <= 1 ? reshape(t, [t.size]) : reshape(t, [t.shape[0], sizeOf(t.shape.slice(1))]);
});
