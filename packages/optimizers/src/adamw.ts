import { Adam, type AdamOptions } from './adam.js';

export interface AdamWOptions extends AdamOptions {
  /** Decoupled decay rate lambda. Default 0.01 (PyTorch's default). */
  weightDecay?: number;
}

/**
 * AdamW (Loshchilov & Hutter 2019): Adam whose weight decay shrinks the
 * weights directly instead of entering the gradient, so the adaptive
 * denominator does not weaken it for parameters with large gradients:
 *
 *     w <- w - lr * wd * w - lr * adam_step
 *
 * The decay is multiplied by the scheduled learning rate, as PyTorch and
 * Keras do (the paper scales it by the schedule multiplier only).
 */
export class AdamW extends Adam {
  override readonly name: string = 'adamw';
  protected override readonly decoupledWeightDecay = true;

  constructor(options: AdamWOptions = {}) {
    super({ ...options, weightDecay: options.weightDecay ?? 0.01 }, 'adamw');
  }
}

/** `new AdamW(options)`. */
export function adamw(options: AdamWOptions = {}): AdamW {
  return new AdamW(options);
}
