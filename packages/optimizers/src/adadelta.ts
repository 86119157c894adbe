import { add, assign, div, mul, sqrt, square, sub, type Tensor, type Variable } from '@neurite/core';
import { nonNegative, unitInterval } from './options.js';
import { Optimizer, type OptimizerOptions, type StepContext } from './optimizer.js';

export interface AdadeltaOptions extends OptimizerOptions {
  /** Default 0.001 (Keras and tfjs; the paper has no learning rate, i.e. 1, which is PyTorch's default). */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of both accumulators, in [0, 1). Default 0.95. */
  rho?: number;
  /** Added under both roots. Default 1e-7. */
  epsilon?: number;
}

/**
 * Adadelta (Zeiler 2012, Algorithm 1), scaled by a learning rate:
 *
 *     Eg  <- rho * Eg + (1 - rho) * g^2
 *     d   = sqrt(Edx + epsilon) / sqrt(Eg + epsilon) * g
 *     Edx <- rho * Edx + (1 - rho) * d^2
 *     w   <- w - lr * d
 *
 * The denominator uses this step's Eg, as the paper, PyTorch and Keras do.
 * tfjs 4.22 divides by the previous step's Eg instead; see the peer test.
 */
export class Adadelta extends Optimizer {
  readonly name = 'adadelta';
  readonly rho: number;
  readonly epsilon: number;

  constructor(options: AdadeltaOptions = {}) {
    super('adadelta', options, 0.001);
    this.rho = unitInterval('adadelta', 'rho', options.rho ?? 0.95);
    this.epsilon = nonNegative('adadelta', 'epsilon', options.epsilon ?? 1e-7);
  }

  protected slotSpec(): Record<string, number> {
    return { accumulatedGrad: 0, accumulatedUpdate: 0 };
  }

  protected update(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr }: StepContext): Tensor {
    const eg = add(mul(slots.accumulatedGrad, this.rho), mul(square(g), 1 - this.rho));
    const d = mul(div(sqrt(add(slots.accumulatedUpdate, this.epsilon)), sqrt(add(eg, this.epsilon))), g);
    const edx = add(mul(slots.accumulatedUpdate, this.rho), mul(square(d), 1 - this.rho));
    assign(slots.accumulatedGrad, eg);
    assign(slots.accumulatedUpdate, edx);
    return sub(w, mul(d, lr));
  }
}

/** `new Adadelta(options)`. */
export function adadelta(options: AdadeltaOptions = {}): Adadelta {
  return new Adadelta(options);
}
