import { ArgumentError, Random, cast, div, greaterEqual, identity, mul, randomUniform, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { Layer, type CallContext, type LayerOptions } from '../layer.js';

export interface DropoutOptions extends LayerOptions {
  /** Fraction of inputs set to 0 in training, in [0, 1). */
  rate: number;
  /** Seed of this layer's masks; without it the masks come from fit's seed. */
  seed?: number;
}

/**
 * Inverted dropout: in training, zeroes each input with probability `rate`
 * and scales the rest by 1 / (1 - rate), so evaluation is the identity.
 */
export class Dropout extends Layer {
  readonly rate: number;
  readonly seed: number | undefined;
  private random: Random | undefined;

  constructor(options: DropoutOptions) {
    super('Dropout', options);
    if (typeof options.rate !== 'number' || !(options.rate >= 0 && options.rate < 1)) {
      throw new ArgumentError(`${this.name}: rate must be in [0, 1), got ${String(options.rate)}`);
    }
    this.rate = options.rate;
    this.seed = options.seed;
    if (options.seed !== undefined) this.random = new Random(options.seed);
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape];
  }

  call(x: Tensor, ctx: CallContext): Tensor {
    if (!ctx.training || this.rate === 0) return identity(x);
    const seed = this.random ? this.random.nextUint32() : ctx.nextSeed();
    const keepMask = cast(greaterEqual(randomUniform(x.shape, 0, 1, { seed }), this.rate), x.dtype);
    return div(mul(x, keepMask), 1 - this.rate);
  }

  getConfig(): Config {
    return this.seed === undefined ? { rate: this.rate } : { rate: this.rate, seed: this.seed };
  }

  static fromConfig(name: string, config: Config): Dropout {
    const r = new ConfigReader(`Dropout '${name}'`, config);
    const layer = new Dropout({ name, rate: r.number('rate', undefined, { min: 0, max: 0.999999 }), seed: r.optionalNumber('seed', { integer: true, min: 0, max: 2 ** 32 - 1 }) });
    r.done();
    return layer;
  }
}

export const dropout = (options: DropoutOptions): Dropout => new Dropout(options);
