import { adamUpdate, add, assign, div, maximum, mul, sqrt, square, sub, type Tensor, type Variable } from '@neurite/core';
import { nonNegative, unitInterval } from './options.js';
import { Optimizer, type OptimizerOptions, type StepContext } from './optimizer.js';

export interface AdamOptions extends OptimizerOptions {
  /** Default 0.001. */
  learningRate?: OptimizerOptions['learningRate'];
  /** Decay of the first moment, in [0, 1). Default 0.9. */
  beta1?: number;
  /** Decay of the second moment, in [0, 1). Default 0.999. */
  beta2?: number;
  /** Added to sqrt(v_hat). Default 1e-7 (Keras and tfjs; PyTorch and the paper use 1e-8). */
  epsilon?: number;
  /** Use the running maximum of the second moment (Reddi et al. 2018). Default false. */
  amsgrad?: boolean;
}

/**
 * Adam (Kingma & Ba 2015, Algorithm 1), with t the 1-based step:
 *
 *     m <- beta1 * m + (1 - beta1) * g
 *     v <- beta2 * v + (1 - beta2) * g^2
 *     v_max <- max(v_max, v)                       (amsgrad only; then v_max replaces v below)
 *     w <- w - lr * (m / (1 - beta1^t)) / (sqrt(v / (1 - beta2^t)) + epsilon)
 *
 * epsilon goes after the bias correction, as in PyTorch and tfjs (Keras's
 * AMSGrad puts it before, the paper's "epsilon hat" form). `weightDecay` here is
 * the coupled L2 of PyTorch's Adam; use AdamW for decoupled decay.
 */
export class Adam extends Optimizer {
  readonly name: string = 'adam';
  readonly beta1: number;
  readonly beta2: number;
  readonly epsilon: number;
  readonly amsgrad: boolean;

  /** `owner` names the class in messages; AdamW passes its own. */
  constructor(options: AdamOptions = {}, owner = 'adam') {
    super(owner, options, 0.001);
    this.beta1 = unitInterval(owner, 'beta1', options.beta1 ?? 0.9);
    this.beta2 = unitInterval(owner, 'beta2', options.beta2 ?? 0.999);
    this.epsilon = nonNegative(owner, 'epsilon', options.epsilon ?? 1e-7);
    this.amsgrad = options.amsgrad ?? false;
  }

  protected slotSpec(): Record<string, number> {
    return this.amsgrad ? { m: 0, v: 0, vMax: 0 } : { m: 0, v: 0 };
  }

  /** Without AMSGrad, core's fused in-place kernel runs the step (and either weight decay) in one pass. */
  protected override fusedStep(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr, t }: StepContext): boolean {
    if (this.amsgrad) return false;
    adamUpdate(w, g, slots.m, slots.v, {
      lr, beta1: this.beta1, beta2: this.beta2, epsilon: this.epsilon, step: t,
      weightDecay: this.weightDecay, decoupled: this.decoupledWeightDecay,
    });
    return true;
  }

  protected update(w: Variable, g: Tensor, slots: Record<string, Variable>, { lr, t }: StepContext): Tensor {
    const m = add(mul(slots.m, this.beta1), mul(g, 1 - this.beta1));
    let v = add(mul(slots.v, this.beta2), mul(square(g), 1 - this.beta2));
    assign(slots.m, m);
    assign(slots.v, v);
    if (this.amsgrad) {
      v = maximum(slots.vMax, v);
      assign(slots.vMax, v);
    }
    // The bias corrections are plain numbers: computed once per step in float64, no tensors.
    const mHat = div(m, 1 - this.beta1 ** t);
    const vHat = div(v, 1 - this.beta2 ** t);
    return sub(w, mul(div(mHat, add(sqrt(vHat), this.epsilon)), lr));
  }
}

/** `new Adam(options)`. */
export function adam(options: AdamOptions = {}): Adam {
  return new Adam(options);
}
