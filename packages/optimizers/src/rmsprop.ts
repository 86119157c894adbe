import { add, assign, div, mul, sqrt, square, sub, type Tensor, type Variable } from '@neurite/core';
import { nonNegative, unitInterval } from './options.js';
import { Optimizer, type OptimizerOptions, type StepContext } from './optimizer.js';

export interface RMSPropOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of the mean square, in [0, 1). Default 0.9. */
  rho?: number;
  /** Momentum factor, default 0. */
  momentum?: number;
  /** Added under the square root. Default 1e-7. */
  epsilon?: number;
  /** Divide by an estimate of the variance instead of the raw second moment (Graves 2013). Default false. */
  centered?: boolean;
}

/**
 * RMSProp (Hinton, Lecture 6e), in TensorFlow's form (ApplyRMSProp /
 * ApplyCenteredRMSProp, which tfjs and Keras follow):
 *
 *     ms <- rho * ms + (1 - rho) * g^2
 *     mg <- rho * mg + (1 - rho) * g                     (centered only)
 *     d  = sqrt(ms + epsilon)  or  sqrt(ms - mg^2 + epsilon)   (centered)
 *     mom <- momentum * mom + lr * g / d;  w <- w - mom   (momentum > 0)
 *     w <- w - lr * g / d                                  (momentum = 0)
 *
 * Accumulators start at 0. Differences elsewhere: PyTorch adds epsilon
 * outside the root and keeps lr out of the momentum buffer; tfjs 4.22's
 * centered branch subtracts epsilon (sqrt(ms - (mg^2 + eps))), a sign slip
 * against TensorFlow that this class does not copy.
 */
export class RMSProp extends Optimizer {
  readonly name = 'rmsprop';
  readonly rho: number;
  readonly momentum: number;
  readonly epsilon: number;
  readonly centered: boolean;

  constructor(options: RMSPropOptions = {}) {
    super('rmsprop', options, 0.001);
    this.rho = unitInterval('rmsprop', 'rho', options.rho ?? 0.9);
    this.momentum = nonNegative('rmsprop', 'momentum', options.momentum ?? 0);
    this.epsilon = nonNegative('rmsprop', 'epsilon', options.epsilon ?? 1e-7);
    this.centered = options.centered ?? false;
  }

  protected slotSpec(): Record<string, number> {
    return { ms: 0, ...(this.centered ? { mg: 0 } : {}), ...(this.momentum > 0 ? { momentum: 0 } : {}) };
  }

  protected update(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr }: StepContext): Tensor {
    const ms = add(mul(slots.ms, this.rho), mul(square(g), 1 - this.rho));
    assign(slots.ms, ms);
    let meanSquare = ms;
    if (this.centered) {
      const mg = add(mul(slots.mg, this.rho), mul(g, 1 - this.rho));
      assign(slots.mg, mg);
      meanSquare = sub(ms, square(mg));
    }
    const step = div(mul(g, lr), sqrt(add(meanSquare, this.epsilon)));
    if (this.momentum === 0) return sub(w, step);
    const mom = add(mul(slots.momentum, this.momentum), step);
    assign(slots.momentum, mom);
    return sub(w, mom);
  }
}

/** `new RMSProp(options)`. */
export function rmsprop(options: RMSPropOptions = {}): RMSProp {
  return new RMSProp(options);
}
