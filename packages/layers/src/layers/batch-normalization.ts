import { ArgumentError, add, mean, mul, rsqrt, stopGradient, sub, variance, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { getInitializer } from '../initializers.js';
import { Layer, type CallContext, type LayerOptions, type WeightSpec } from '../layer.js';
import { expectRankAtLeast } from './common.js';

export interface BatchNormalizationOptions extends LayerOptions {
  /** Weight of the old value in the running averages (Keras's default 0.99). */
  momentum?: number;
  epsilon?: number;
  /** Learn an offset beta (default true). */
  center?: boolean;
  /** Learn a scale gamma (default true). */
  scale?: boolean;
}

/**
 * Normalizes each feature (the last axis) over the batch and other axes. In
 * training it uses the batch's statistics and folds them into running
 * averages; in evaluation it uses the running averages, so a prediction does
 * not depend on the rest of its batch. The batch variance is the biased one
 * in both places, as Keras.
 */
export class BatchNormalization extends Layer {
  readonly momentum: number;
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  constructor(options: BatchNormalizationOptions = {}) {
    super('BatchNormalization', options);
    this.momentum = options.momentum ?? 0.99;
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    if (!(this.momentum >= 0 && this.momentum <= 1)) throw new ArgumentError(`${this.name}: momentum must be in [0, 1], got ${this.momentum}`);
    if (!(this.epsilon > 0)) throw new ArgumentError(`${this.name}: epsilon must be > 0, got ${this.epsilon}`);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    expectRankAtLeast(this.name, inputShape, 1, 'BatchNormalization normalizes the last axis');
    return [...inputShape];
  }

  override weightSpecs(inputShape: readonly number[]): WeightSpec[] {
    const shape = [inputShape[inputShape.length - 1]];
    const specs: WeightSpec[] = [];
    if (this.scale) specs.push({ name: 'gamma', shape, initializer: getInitializer('ones'), trainable: true });
    if (this.center) specs.push({ name: 'beta', shape, initializer: getInitializer('zeros'), trainable: true });
    specs.push({ name: 'movingMean', shape, initializer: getInitializer('zeros'), trainable: false });
    specs.push({ name: 'movingVariance', shape, initializer: getInitializer('ones'), trainable: false });
    return specs;
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    const axes = x.shape.slice(0, -1).map((_, i) => i);
    let mu: Tensor;
    let v: Tensor;
    if (ctx.training) {
      mu = mean(x, axes);
      v = variance(x, axes);
      const movingMean = this.weight('movingMean');
      const movingVariance = this.weight('movingVariance');
      // The running averages are bookkeeping, not part of the loss: no gradient flows through them.
      const m = this.momentum;
      ctx.update(movingMean, add(mul(movingMean, m), mul(stopGradient(mu), 1 - m)));
      ctx.update(movingVariance, add(mul(movingVariance, m), mul(stopGradient(v), 1 - m)));
    } else {
      mu = this.weight('movingMean');
      v = this.weight('movingVariance');
    }
    let y = mul(sub(x, mu), rsqrt(add(v, this.epsilon)));
    if (this.scale) y = mul(y, this.weight('gamma'));
    if (this.center) y = add(y, this.weight('beta'));
    return y;
  }

  getConfig(): Config {
    return { momentum: this.momentum, epsilon: this.epsilon, center: this.center, scale: this.scale };
  }

  static fromConfig(name: string, config: Config): BatchNormalization {
    const r = new ConfigReader(`BatchNormalization '${name}'`, config);
    const layer = new BatchNormalization({
      name,
      momentum: r.number('momentum', 0.99, { min: 0, max: 1 }),
      epsilon: r.number('epsilon', 1e-3, { min: 1e-12, max: 1 }),
      center: r.boolean('center', true),
      scale: r.boolean('scale', true),
    });
    r.done();
    return layer;
  }
}

export const batchNormalization = (options: BatchNormalizationOptions = {}): BatchNormalization => new BatchNormalization(options);
