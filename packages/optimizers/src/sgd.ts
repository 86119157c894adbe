import { add, assign, mul, sgdUpdate, sub, ArgumentError, type Tensor, type Variable } from '@neurite/core';
import { nonNegative } from './options.js';
import { Optimizer, type OptimizerOptions, type StepContext } from './optimizer.js';

export interface SGDOptions extends OptimizerOptions {
  /** Default 0.01. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Momentum factor mu, default 0 (plain SGD). */
  momentum?: number;
  /** Nesterov's look-ahead form; needs momentum > 0. Default false. */
  nesterov?: boolean;
}

/**
 * Stochastic gradient descent, with heavy-ball or Nesterov momentum
 * (Sutskever et al. 2013, in the form PyTorch and tfjs use):
 *
 *     b <- mu * b + g
 *     w <- w - lr * b                  (heavy ball)
 *     w <- w - lr * (g + mu * b)       (Nesterov)
 *
 * The velocity holds gradients, not lr-scaled steps, so changing the
 * learning rate takes effect at once (Keras's v <- mu*v - lr*g form matches
 * this only for a constant lr). `weightDecay` adds wd * w to g first.
 */
export class SGD extends Optimizer {
  readonly name = 'sgd';
  readonly momentum: number;
  readonly nesterov: boolean;

  constructor(options: SGDOptions = {}) {
    super('sgd', options, 0.01);
    this.momentum = nonNegative('sgd', 'momentum', options.momentum ?? 0);
    this.nesterov = options.nesterov ?? false;
    if (this.nesterov && this.momentum === 0) {
      throw new ArgumentError(`sgd: option 'nesterov' needs 'momentum' > 0 - set momentum (e.g. 0.9) or drop nesterov`);
    }
  }

  protected slotSpec(): Record<string, number> {
    return this.momentum > 0 ? { momentum: 0 } : {};
  }

  /** With momentum, core's fused in-place kernel runs the step (and the weight decay) in one pass. */
  protected override fusedStep(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr }: StepContext): boolean {
    if (this.momentum === 0) return false;
    sgdUpdate(w, g, slots.momentum, { lr, momentum: this.momentum, nesterov: this.nesterov, weightDecay: this.weightDecay });
    return true;
  }

  protected update(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr }: StepContext): Tensor {
    if (this.momentum === 0) return sub(w, mul(g, lr));
    const b = add(mul(slots.momentum, this.momentum), g);
    assign(slots.momentum, b);
    const direction = this.nesterov ? add(g, mul(b, this.momentum)) : b;
    return sub(w, mul(direction, lr));
  }
}

/** `new SGD(options)`. */
export function sgd(options: SGDOptions = {}): SGD {
  return new SGD(options);
}
