import { add, assign, div, mul, sqrt, square, sub, type Tensor, type Variable } from '@neurite/core';
import { nonNegative } from './options.js';
import { Optimizer, type OptimizerOptions, type StepContext } from './optimizer.js';

export interface AdagradOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Starting value of the accumulator. Default 0.1 (Keras and tfjs; PyTorch uses 0). */
  initialAccumulatorValue?: number;
  /** Added under the square root. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adagrad (Duchi, Hazan & Singer 2011), diagonal form:
 *
 *     acc <- acc + g^2
 *     w   <- w - lr * g / sqrt(acc + epsilon)
 *
 * epsilon sits under the root as in tfjs and Keras (PyTorch adds it after
 * the root). A positive initial accumulator bounds the first steps, which
 * would otherwise all have length lr whatever the gradient's size.
 */
export class Adagrad extends Optimizer {
  readonly name = 'adagrad';
  readonly initialAccumulatorValue: number;
  readonly epsilon: number;

  constructor(options: AdagradOptions = {}) {
    super('adagrad', options, 0.001);
    this.initialAccumulatorValue = nonNegative('adagrad', 'initialAccumulatorValue', options.initialAccumulatorValue ?? 0.1);
    this.epsilon = nonNegative('adagrad', 'epsilon', options.epsilon ?? 1e-7);
  }

  protected slotSpec(): Record<string, number> {
    return { accumulator: this.initialAccumulatorValue };
  }

  protected update(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr }: StepContext): Tensor {
    const acc = add(slots.accumulator, square(g));
    assign(slots.accumulator, acc);
    return sub(w, mul(div(g, sqrt(add(acc, this.epsilon))), lr));
  }
}

/** `new Adagrad(options)`. */
export function adagrad(options: AdagradOptions = {}): Adagrad {
  return new Adagrad(options);
}
