import { Tape, popTape, pushTape, tidy } from './engine.js';
import { ArgumentError, ShapeError, formatShape } from './errors.js';
import { gradientOverrideFor } from './gradient-override.js';
import { add } from './ops/binary.js';
import { cast } from './ops/cast.js';
import { onesLike, zerosLike } from './ops/creation.js';
import { shapesEqual } from './shape.js';
import { identity } from './ops/reshape.js';
import { Tensor, tensorIdWatermark, type Variable } from './tensor.js';

/**
 * Walks the tape backwards from y (micrograd's reverse topological order;
 * the tape is already in execution order) and accumulates gradients where a
 * tensor fans out.
 */
function backward(tape: Tape, y: Tensor, dy: Tensor): Map<number, Tensor> {
  const grads = new Map<number, Tensor>([[y.id, dy]]);
  for (let i = tape.nodes.length - 1; i >= 0; i--) {
    const node = tape.nodes[i];
    const g = grads.get(node.output.id);
    if (g === undefined) continue;
    const override = gradientOverrideFor(node.name);
    const needs = node.inputs.map((input) => tape.watched.has(input.id));
    const own = (d: Tensor) => node.gradFn(d, node.inputs, node.output, needs);
    const inputGrads = override?.(g, { name: node.name, inputs: node.inputs, output: node.output, attrs: node.attrs, gradient: own }) ?? own(g);
    node.inputs.forEach((input, j) => {
      const gi = inputGrads[j];
      if (gi === null || gi === undefined || !tape.watched.has(input.id)) return;
      if (!shapesEqual(gi.shape, input.shape)) {
        throw new ShapeError(
          `gradient of ${node.name}: produced ${formatShape(gi.shape)} for an input of ${formatShape(input.shape)} - this is a bug in the op's gradient`,
        );
      }
      const typed = gi.dtype === input.dtype ? gi : cast(gi, input.dtype);
      const prev = grads.get(input.id);
      grads.set(input.id, prev === undefined ? typed : add(prev, typed));
    });
  }
  return grads;
}

function checkSources(op: string, xs: readonly Tensor[]): void {
  xs.forEach((x, i) => {
    if (!(x instanceof Tensor)) throw new ArgumentError(`${op}: argument ${i} is not a Tensor - gradients are taken with respect to tensors`);
    x.live(op);
  });
}

function checkOutput(op: string, y: unknown, dy: Tensor | undefined): Tensor {
  if (!(y instanceof Tensor)) {
    throw new ArgumentError(`${op}: the function must return a Tensor, got ${typeof y}`);
  }
  if (dy === undefined && y.size !== 1) {
    throw new ShapeError(
      `${op}: the function returned ${formatShape(y.shape)}, not a scalar - reduce it (sum, mean) or pass dy with its shape`,
    );
  }
  if (dy !== undefined && !shapesEqual(dy.shape, y.shape)) {
    throw new ShapeError(`${op}: dy ${formatShape(dy.shape)} must have the output's shape ${formatShape(y.shape)}`);
  }
  return y;
}

/**
 * Runs f on xs while recording, then differentiates. Everything made on the
 * way is freed; only the value (when asked for) and the gradients survive.
 * Results are always new handles: a gradient that is `dy` itself, a value
 * that is an input, or one tensor serving as two gradients would otherwise
 * let the caller dispose something it does not own.
 */
function differentiate(op: string, f: (...xs: Tensor[]) => Tensor, xs: readonly Tensor[], dy: Tensor | undefined, wantValue: boolean) {
  checkSources(op, xs);
  const madeHere = tensorIdWatermark();
  return tidy(() => {
    const tape = new Tape();
    for (const x of xs) tape.watch(x);
    pushTape(tape);
    let value: Tensor;
    try {
      value = checkOutput(op, f(...xs), dy);
    } finally {
      popTape(tape);
    }
    const seed = dy ?? onesLike(value);
    const gradients = backward(tape, value, seed);
    const handedOut = new Set<Tensor>();
    const own = (t: Tensor): Tensor => {
      const result = t.id >= madeHere && !handedOut.has(t) ? t : identity(t);
      handedOut.add(result);
      return result;
    };
    const grads = xs.map((x) => own(gradients.get(x.id) ?? zerosLike(x)));
    // An unwanted value is simply not returned: tidy() frees it unless an enclosing tape still needs it.
    return { value: wantValue ? own(value) : undefined, grads };
  });
}

/** The gradient of a scalar function of one tensor: `grad(f)(x)` is df/dx. */
export function grad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => Tensor {
  return (x, dy) => {
    return differentiate('grad', f as (...xs: Tensor[]) => Tensor, [x], dy, false).grads[0];
  };
}

/** Gradients of a scalar function of several tensors, one per argument. */
export function grads(f: (...xs: Tensor[]) => Tensor): (xs: readonly Tensor[], dy?: Tensor) => Tensor[] {
  return (xs, dy) => {
    return differentiate('grads', f, xs, dy, false).grads;
  };
}

/** The value and the gradient of a function of one tensor. */
export function valueAndGrad(f: (x: Tensor) => Tensor): (x: Tensor, dy?: Tensor) => { value: Tensor; grad: Tensor } {
  return (x, dy) => {
    const { value, grads } = differentiate('valueAndGrad', f as (...xs: Tensor[]) => Tensor, [x], dy, true);
    return { value: value!, grad: grads[0] };
  };
}

/** The value and the gradients of a function of several tensors. */
export function valueAndGrads(f: (...xs: Tensor[]) => Tensor): (xs: readonly Tensor[], dy?: Tensor) => { value: Tensor; grads: Tensor[] } {
  return (xs, dy) => {
    const { value, grads } = differentiate('valueAndGrads', f, xs, dy, true);
    return { value: value!, grads };
  };
}

/**
 * The value of a loss computed from variables it closes over, and its gradient
 * for each of `variables` (those marked trainable), keyed by variable name.
 */
export function variableGrads(f: () => Tensor, variables: readonly Variable[]): { value: Tensor; grads: Record<string, Tensor> } {
  const trainable = variables.filter((v) => v.trainable);
  const names = new Set<string>();
  for (const v of trainable) {
    if (names.has(v.name)) throw new ArgumentError(`variableGrads: two variables are named '${v.name}' - give each a unique name`);
    names.add(v.name);
  }
  const { value, grads } = differentiate('variableGrads', () => f(), trainable, undefined, true);
  return { value: value!, grads: Object.fromEntries(trainable.map((v, i) => [v.name, grads[i]])) };
}
