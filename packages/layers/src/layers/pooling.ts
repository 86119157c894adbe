import { avgPool2d as avgPoolOp, globalAvgPool2d, globalMaxPool2d, maxPool2d as maxPoolOp, pool2dOutputShape, type Pool2DOptions as PoolOpOptions, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { Layer, type LayerOptions } from '../layer.js';
import { expectImage, expectImageBatch, featureShapeVia, pairOption, paddingOption, readPair, type WindowPadding } from './window.js';

export interface Pool2DOptions extends LayerOptions {
  /** Window [height, width]; one number for a square window. Default 2. */
  poolSize?: number | [number, number];
  /** Step between windows; default poolSize (windows side by side). */
  strides?: number | [number, number];
  /** 'valid' (default) or 'same' (padding never wins a max and is left out of an average). */
  padding?: WindowPadding;
}

/** Windowed pooling over images [height, width, channels], per channel; no weights. */
abstract class Pool2D extends Layer {
  readonly poolSize: [number, number];
  readonly strides: [number, number];
  readonly padding: WindowPadding;

  constructor(className: string, options: Pool2DOptions) {
    super(className, options);
    this.poolSize = pairOption(this.name, 'poolSize', options.poolSize, [2, 2]);
    this.strides = pairOption(this.name, 'strides', options.strides, this.poolSize);
    this.padding = paddingOption(this.name, options.padding);
  }

  protected get poolOptions(): PoolOpOptions {
    return { poolSize: this.poolSize, strides: this.strides, padding: this.padding };
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    expectImage(this.name, inputShape);
    return featureShapeVia(this.name, inputShape, (s) => pool2dOutputShape(s, this.poolOptions));
  }

  getConfig(): Config {
    return { poolSize: [...this.poolSize], strides: [...this.strides], padding: this.padding };
  }
}

/** Reads a windowed pooling layer's config; strides default to the pool size, as in the constructor. */
function readPoolConfig(className: string, name: string, config: Config): Pool2DOptions {
  const r = new ConfigReader(`${className} '${name}'`, config);
  const poolSize = r.has('poolSize') ? readPair(r, 'poolSize') : undefined;
  const options: Pool2DOptions = {
    name,
    poolSize,
    strides: r.has('strides') ? readPair(r, 'strides') : undefined,
    padding: paddingOption(`${className} '${name}'`, r.string('padding', 'valid')),
  };
  r.done();
  return options;
}

/** The maximum of each window (Keras's MaxPooling2D). */
export class MaxPool2D extends Pool2D {
  constructor(options: Pool2DOptions = {}) {
    super('MaxPool2D', options);
  }

  call(x: Tensor): Tensor {
    expectImageBatch(this.name, x.shape);
    return maxPoolOp(x, this.poolOptions);
  }

  static fromConfig(name: string, config: Config): MaxPool2D {
    return new MaxPool2D(readPoolConfig('MaxPool2D', name, config));
  }
}

/** The mean of each window (Keras's AveragePooling2D). */
export class AvgPool2D extends Pool2D {
  constructor(options: Pool2DOptions = {}) {
    super('AvgPool2D', options);
  }

  call(x: Tensor): Tensor {
    expectImageBatch(this.name, x.shape);
    return avgPoolOp(x, this.poolOptions);
  }

  static fromConfig(name: string, config: Config): AvgPool2D {
    return new AvgPool2D(readPoolConfig('AvgPool2D', name, config));
  }
}

/** Pooling over the whole image: [height, width, channels] to [channels]; no weights, no options. */
abstract class GlobalPool2D extends Layer {
  computeOutputShape(inputShape: readonly number[]): number[] {
    expectImage(this.name, inputShape);
    return [inputShape[2]];
  }

  getConfig(): Config {
    return {};
  }
}

/** The mean over height and width of each channel. */
export class GlobalAveragePooling2D extends GlobalPool2D {
  constructor(options: LayerOptions = {}) {
    super('GlobalAveragePooling2D', options);
  }

  call(x: Tensor): Tensor {
    expectImageBatch(this.name, x.shape);
    return globalAvgPool2d(x);
  }

  static fromConfig(name: string, config: Config): GlobalAveragePooling2D {
    new ConfigReader(`GlobalAveragePooling2D '${name}'`, config).done();
    return new GlobalAveragePooling2D({ name });
  }
}

/** The maximum over height and width of each channel. */
export class GlobalMaxPooling2D extends GlobalPool2D {
  constructor(options: LayerOptions = {}) {
    super('GlobalMaxPooling2D', options);
  }

  call(x: Tensor): Tensor {
    expectImageBatch(this.name, x.shape);
    return globalMaxPool2d(x);
  }

  static fromConfig(name: string, config: Config): GlobalMaxPooling2D {
    new ConfigReader(`GlobalMaxPooling2D '${name}'`, config).done();
    return new GlobalMaxPooling2D({ name });
  }
}

export const maxPool2d = (options: Pool2DOptions = {}): MaxPool2D => new MaxPool2D(options);
export const avgPool2d = (options: Pool2DOptions = {}): AvgPool2D => new AvgPool2D(options);
export const globalAveragePooling2d = (options: LayerOptions = {}): GlobalAveragePooling2D => new GlobalAveragePooling2D(options);
export const globalMaxPooling2d = (options: LayerOptions = {}): GlobalMaxPooling2D => new GlobalMaxPooling2D(options);
