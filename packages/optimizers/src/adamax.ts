import { abs, add, assign, div, maximum, mul, sub, type Tensor, type Variable } from '@neurite/core';
import { nonNegative, unitInterval } from './options.js';
import { Optimizer, type OptimizerOptions, type StepContext } from './optimizer.js';

export interface AdamaxOptions extends OptimizerOptions {
  /** Default 0.002 (the paper's). */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the infinity norm, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to u. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adamax (Kingma & Ba 2015, Algorithm 2), Adam with the infinity norm:
 *
 *     m <- beta1 * m + (1 - beta1) * g
 *     u <- max(beta2 * u, |g|)
 *     w <- w - lr / (1 - beta1^t) * m / (u + epsilon)
 *
 * u needs no bias correction. epsilon (not in the paper) keeps a
 * parameter whose gradients have all been 0 from dividing 0 by 0; tfjs and
 * Keras add it to u the same way (PyTorch adds it to |g| inside the max).
 */
export class Adamax extends Optimizer {
  readonly name = 'adamax';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;

  constructor(options: AdamaxOptions = {}) {
    super('adamax', options, 0.002);
    this.beta1 = unitInterval('adamax', 'beta1', options.beta1 ?? 0.9);
    this.beta2 = unitInterval('adamax', 'beta2', options.beta2 ?? 0.999);
    this.epsilon = nonNegative('adamax', 'epsilon', options.epsilon ?? 1e-7);
  }

  protected slotSpec(): Record<string, number> {
    return { m: 0, u: 0 };
  }

  protected update(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr, t }: StepContext): Tensor {
    const m = add(mul(slots.m, this.beta1), mul(g, 1 - this.beta1));
    const u = maximum(mul(slots.u, this.beta2), abs(g));
    assign(slots.m, m);
    assign(slots.u, u);
    return sub(w, mul(div(m, add(u, this.epsilon)), lr / (1 - this.beta1 ** t)));
  }
}

/** `new Adamax(options)`. */
export function adamax(options: AdamaxOptions = {}): Adamax {
  return new Adamax(options);
}
