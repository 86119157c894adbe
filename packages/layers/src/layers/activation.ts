import { type Tensor } from '@neurite/core';
import { activate, checkActivation, type ActivationName } from '../activations.js';
import { ConfigReader, type Config } from '../config.js';
import { Layer, type LayerOptions } from '../layer.js';

export interface ActivationOptions extends LayerOptions {
  /** leakyRelu's slope for negative inputs (default 0.2, as tfjs and Keras). */
  alpha?: number;
}

/** An activation function as a layer: relu, leakyRelu, elu, selu, gelu, sigmoid, tanh, softmax (last axis) or linear. */
export class Activation extends Layer {
  readonly activation: ActivationName;
  readonly alpha: number;

  constructor(activation: ActivationName, options: ActivationOptions = {}) {
    super('Activation', options);
    this.activation = checkActivation(this.name, activation);
    this.alpha = options.alpha ?? 0.2;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(x: Tensor): Tensor {
    return activate(this.activation, x, this.alpha);
  }

  getConfig(): Config {
    return this.activation === 'leakyRelu' ? { activation: this.activation, alpha: this.alpha } : { activation: this.activation };
  }

  static fromConfig(name: string, config: Config): Activation {
    const r = new ConfigReader(`Activation '${name}'`, config);
    const layer = new Activation(checkActivation(name, r.string('activation')), { name, alpha: r.number('alpha', 0.2, { min: -1e6, max: 1e6 }) });
    r.done();
    return layer;
  }
}

/** `activation('relu')`: an activation layer. */
export const activation = (name: ActivationName, options: ActivationOptions = {}): Activation => new Activation(name, options);
