import { reshape, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { Layer, type LayerOptions } from '../layer.js';

/** Collapses each example to one axis: [batch, ...] -> [batch, prod(...)]. */
export class Flatten extends Layer {
  constructor(options: LayerOptions = {}) {
    super('Flatten', options);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [inputShape.reduce((a, b) => a * b, 1)];
  }

  call(x: Tensor): Tensor {
    return reshape(x, [x.shape[0], ...this.computeOutputShape(x.shape.slice(1))]);
  }

  getConfig(): Config {
    return {};
  }

  static fromConfig(name: string, config: Config): Flatten {
    new ConfigReader(`Flatten '${name}'`, config).done();
    return new Flatten({ name });
  }
}

export const flatten = (options: LayerOptions = {}): Flatten => new Flatten(options);
