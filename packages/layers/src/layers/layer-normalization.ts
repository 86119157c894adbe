import { ArgumentError, add, mean, mul, rsqrt, sub, variance, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { getInitializer } from '../initializers.js';
import { Layer, type LayerOptions, type WeightSpec } from '../layer.js';
import { expectRankAtLeast } from './common.js';

export interface LayerNormalizationOptions extends LayerOptions {
  epsilon?: number;
  center?: boolean;
  scale?: boolean;
}

/**
 * Normalizes each example over its last axis (Ba et al. 2016), then scales
 * and shifts per feature. The same in training and evaluation.
 */
export class LayerNormalization extends Layer {
  readonly epsilon: number;
  readonly center: boolean;
  readonly scale: boolean;

  constructor(options: LayerNormalizationOptions = {}) {
    super('LayerNormalization', options);
    this.epsilon = options.epsilon ?? 1e-3;
    this.center = options.center ?? true;
    this.scale = options.scale ?? true;
    if (!(this.epsilon > 0)) throw new ArgumentError(`${this.name}: epsilon must be > 0, got ${this.epsilon}`);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    expectRankAtLeast(this.name, inputShape, 1, 'LayerNormalization normalizes the last axis');
    return [...inputShape];
  }

  override weightSpecs(inputShape: readonly number[]): WeightSpec[] {
    const shape = [inputShape[inputShape.length - 1]];
    const specs: WeightSpec[] = [];
    if (this.scale) specs.push({ name: 'gamma', shape, initializer: getInitializer('ones'), trainable: true });
    if (this.center) specs.push({ name: 'beta', shape, initializer: getInitializer('zeros'), trainable: true });
    return specs;
  }

  call(x: Tensor): Tensor {
    const mu = mean(x, -1, true);
    const v = variance(x, -1, true);
    let y = mul(sub(x, mu), rsqrt(add(v, this.epsilon)));
    if (this.scale) y = mul(y, this.weight('gamma'));
    if (this.center) y = add(y, this.weight('beta'));
    return y;
  }

  getConfig(): Config {
    return { epsilon: this.epsilon, center: this.center, scale: this.scale };
  }

  static fromConfig(name: string, config: Config): LayerNormalization {
    const r = new ConfigReader(`LayerNormalization '${name}'`, config);
    const layer = new LayerNormalization({ name, epsilon: r.number('epsilon', 1e-3, { min: 1e-12, max: 1 }), center: r.boolean('center', true), scale: r.boolean('scale', true) });
    r.done();
    return layer;
  }
}

export const layerNormalization = (options: LayerNormalizationOptions = {}): LayerNormalization => new LayerNormalization(options);
