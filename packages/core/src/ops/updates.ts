import type { AdamUpdateAttrs, SgdUpdateAttrs } from '../backend.js';
import { runInPlace } from '../engine.js';
import { ArgumentError, DTypeError, ShapeError, formatShape } from '../errors.js';
import { shapesEqual } from '../shape.js';
import { Variable, type Tensor } from '../tensor.js';

function checkSlots(op: string, w: Variable, grad: Tensor, slots: readonly Variable[]): void {
  if (!(w instanceof Variable) || slots.some((s) => !(s instanceof Variable))) {
    throw new ArgumentError(`${op}: the weights and the optimizer slots must be Variables (they are updated in place)`);
  }
  if (w.dtype === 'int32') throw new DTypeError(`${op}: variable '${w.name}' is int32 - only float weights train`);
  for (const [name, t] of [['gradient', grad], ...slots.map((s) => [`slot '${s.name}'`, s] as const)] as const) {
    if (!shapesEqual(t.shape, w.shape) || t.dtype !== w.dtype) {
      throw new ShapeError(`${op}: ${name} is ${formatShape(t.shape)} ${t.dtype} but variable '${w.name}' is ${formatShape(w.shape)} ${w.dtype} - they must match`);
    }
  }
  if (slots.includes(w) || new Set(slots).size !== slots.length) {
    throw new ArgumentError(`${op}: the weights and each slot must be different variables`);
  }
}

function finite(op: string, attrs: object): void {
  for (const [k, v] of Object.entries(attrs)) {
    if (typeof v === 'number' && !Number.isFinite(v)) throw new ArgumentError(`${op}: ${k} must be a finite number, got ${v}`);
  }
}

/**
 * One SGD-with-momentum step, in place and in one pass (PyTorch's form):
 * b = mu*b + g + wd*w; w -= lr * (nesterov ? g + wd*w + mu*b : b).
 * Not differentiable.
 */
export function sgdUpdate(w: Variable, grad: Tensor, velocity: Variable, attrs: SgdUpdateAttrs): void {
  checkSlots('sgdUpdate', w, grad, [velocity]);
  finite('sgdUpdate', attrs);
  runInPlace('sgdUpdate', [w, grad, velocity], { ...attrs }, [w, velocity]);
}

/**
 * One Adam (or, with `decoupled`, AdamW) step at 1-based `step`, in place and
 * in one pass over w, g, m and v. Not differentiable.
 */
export function adamUpdate(w: Variable, grad: Tensor, m: Variable, v: Variable, attrs: AdamUpdateAttrs): void {
  checkSlots('adamUpdate', w, grad, [m, v]);
  finite('adamUpdate', attrs);
  if (!Number.isInteger(attrs.step) || attrs.step < 1) throw new ArgumentError(`adamUpdate: step must be an integer >= 1, got ${attrs.step}`);
  runInPlace('adamUpdate', [w, grad, m, v], { ...attrs }, [w, m, v]);
}
