import {
  ArgumentError,
  ShapeError,
  abs,
  add,
  cast,
  clip,
  log,
  mean,
  minimum,
  mul,
  neg,
  oneHot,
  reshape,
  sigmoidCrossEntropyWithLogits,
  softmaxCrossEntropyWithLogits,
  square,
  sub,
  sum,
  type Tensor,
} from '@neurite/core';
import { logitsOf } from './activations.js';

/** A training objective: the mean over the batch of a per-example loss. */
export interface Loss {
  readonly name: string;
  /** True when the model outputs logits and the loss applies sigmoid/softmax itself (the stable form). */
  readonly fromLogits: boolean;
  compute(yTrue: Tensor, yPred: Tensor): Tensor;
}

/** Keras's clipping of probabilities before log, so a confident wrong answer costs ~16, not Infinity. */
const EPSILON = 1e-7;

/** Labels of shape [n] against predictions [n, 1] (or the reverse) are the same data; make them agree. */
function matchShape(op: string, yTrue: Tensor, yPred: Tensor): Tensor {
  const t = yTrue.dtype === yPred.dtype ? yTrue : cast(yTrue, yPred.dtype);
  if (t.shape.join(',') === yPred.shape.join(',')) return t;
  if (t.size === yPred.size && t.shape[0] === yPred.shape[0]) return reshape(t, yPred.shape);
  throw new ShapeError(`${op}: labels [${yTrue.shape}] do not match predictions [${yPred.shape}] - for integer class labels use sparseCategoricalCrossentropy`);
}

function loss(name: string, fromLogits: boolean, f: (yTrue: Tensor, yPred: Tensor) => Tensor): Loss {
  return { name, fromLogits, compute: (yTrue, yPred) => f(matchShape(name, yTrue, yPred), yPred) };
}

export const meanSquaredError = (): Loss => loss('meanSquaredError', false, (t, p) => mean(square(sub(p, t))));
export const meanAbsoluteError = (): Loss => loss('meanAbsoluteError', false, (t, p) => mean(abs(sub(p, t))));

/** Quadratic within `delta` of the target, linear beyond: 0.5 q^2 + delta (|e| - q) with q = min(|e|, delta). */
export function huber(options: { delta?: number } = {}): Loss {
  const delta = options.delta ?? 1;
  if (!(delta > 0)) throw new ArgumentError(`huber: delta must be > 0, got ${delta}`);
  return loss('huber', false, (t, p) => {
    const e = abs(sub(p, t));
    const q = minimum(e, delta);
    return mean(add(mul(square(q), 0.5), mul(sub(e, q), delta)));
  });
}

/** Labels in [0, 1] against probabilities, or logits with `fromLogits` (then sigmoid is applied inside, overflow-free). */
export function binaryCrossentropy(options: { fromLogits?: boolean } = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  return loss('binaryCrossentropy', fromLogits, (t, p) => {
    if (fromLogits) return mean(sigmoidCrossEntropyWithLogits(t, p));
    const q = clip(p, EPSILON, 1 - EPSILON);
    return neg(mean(add(mul(t, log(q)), mul(sub(1, t), log(sub(1, q))))));
  });
}

/** One-hot (or soft) labels against class probabilities over the last axis, or logits with `fromLogits`. */
export function categoricalCrossentropy(options: { fromLogits?: boolean } = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  return loss('categoricalCrossentropy', fromLogits, (t, p) => crossEntropy(t, p, fromLogits));
}

function crossEntropy(t: Tensor, p: Tensor, fromLogits: boolean): Tensor {
  if (fromLogits) return mean(softmaxCrossEntropyWithLogits(t, p));
  // Probabilities from a softmax activation: the same loss from their logits, fused and without the clipping.
  const logits = logitsOf(p);
  if (logits) return mean(softmaxCrossEntropyWithLogits(t, logits));
  return neg(mean(sum(mul(t, log(clip(p, EPSILON, 1 - EPSILON))), -1)));
}

/** Integer class labels [n] (or [n, 1]) against probabilities or logits [n, classes]. */
export function sparseCategoricalCrossentropy(options: { fromLogits?: boolean } = {}): Loss {
  const fromLogits = options.fromLogits ?? false;
  const name = 'sparseCategoricalCrossentropy';
  return {
    name,
    fromLogits,
    compute(yTrue, yPred) {
      const classes = yPred.shape[yPred.rank - 1];
      const lead = yPred.shape.slice(0, -1);
      if (yTrue.size !== lead.reduce((a, b) => a * b, 1)) {
        throw new ShapeError(`${name}: labels [${yTrue.shape}] need one class index per prediction row of [${yPred.shape}] - for one-hot labels use categoricalCrossentropy`);
      }
      const idx = reshape(yTrue.dtype === 'int32' ? yTrue : cast(yTrue, 'int32'), lead);
      return crossEntropy(oneHot(idx, classes, 1, 0, yPred.dtype), yPred, fromLogits);
    },
  };
}

export type LossName = 'mse' | 'meanSquaredError' | 'mae' | 'meanAbsoluteError' | 'huber' | 'binaryCrossentropy' | 'categoricalCrossentropy' | 'sparseCategoricalCrossentropy';
export type LossLike = Loss | LossName;

const byName: Record<LossName, () => Loss> = {
  mse: meanSquaredError,
  meanSquaredError,
  mae: meanAbsoluteError,
  meanAbsoluteError,
  huber: () => huber(),
  binaryCrossentropy: () => binaryCrossentropy(),
  categoricalCrossentropy: () => categoricalCrossentropy(),
  sparseCategoricalCrossentropy: () => sparseCategoricalCrossentropy(),
};

export function getLoss(spec: LossLike): Loss {
  if (typeof spec === 'string') {
    if (!Object.hasOwn(byName, spec)) throw new ArgumentError(`loss: unknown loss '${spec}' - one of ${Object.keys(byName).join(', ')}, or a Loss object`);
    return byName[spec]();
  }
  if (spec === null || typeof spec !== 'object' || typeof spec.compute !== 'function') throw new ArgumentError('loss: expected a loss name or a Loss object');
  return spec;
}
