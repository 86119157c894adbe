import { ArgumentError, ShapeError, reshape as reshapeOp, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { Layer, type LayerOptions } from '../layer.js';

export interface ReshapeOptions extends LayerOptions {
  /** Feature shape of each example (no batch axis); one entry may be -1 (inferred). */
  targetShape: number[];
}

/** Reshapes each example; the batch axis is kept. */
export class Reshape extends Layer {
  readonly targetShape: number[];

  constructor(options: ReshapeOptions) {
    super('Reshape', options);
    const t = options.targetShape;
    if (!Array.isArray(t) || t.length > 8 || !t.every((d) => Number.isInteger(d) && (d >= 1 || d === -1)) || t.filter((d) => d === -1).length > 1) {
      throw new ArgumentError(`${this.name}: targetShape must be up to 8 integers >= 1 with at most one -1, got ${JSON.stringify(t)}`);
    }
    this.targetShape = [...t];
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    const size = inputShape.reduce((a, b) => a * b, 1);
    const known = this.targetShape.filter((d) => d !== -1).reduce((a, b) => a * b, 1);
    const inferred = this.targetShape.includes(-1) ? size / known : known;
    if (!Number.isInteger(inferred) || (!this.targetShape.includes(-1) && known !== size)) {
      throw new ShapeError(`${this.name}: cannot reshape [${inputShape}] (${size} values per example) to [${this.targetShape}] - the sizes must match`);
    }
    return this.targetShape.map((d) => (d === -1 ? inferred : d));
  }

  call(x: Tensor): Tensor {
    return reshapeOp(x, [x.shape[0], ...this.computeOutputShape(x.shape.slice(1))]);
  }

  getConfig(): Config {
    return { targetShape: [...this.targetShape] };
  }

  static fromConfig(name: string, config: Config): Reshape {
    const r = new ConfigReader(`Reshape '${name}'`, config);
    const layer = new Reshape({ name, targetShape: r.ints('targetShape', { min: -1, max: 2 ** 31 - 1 }) });
    r.done();
    return layer;
  }
}

export const reshape = (options: ReshapeOptions): Reshape => new Reshape(options);
