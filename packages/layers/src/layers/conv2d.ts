import { add, conv2d as conv2dOp, conv2dOutputShape, type Conv2DOptions as ConvOpOptions, type Tensor } from '@neurite/core';
import { activate, checkActivation, type ActivationName } from '../activations.js';
import { ConfigReader, type Config } from '../config.js';
import { Layer, type LayerOptions, type WeightSpec } from '../layer.js';
import { positiveInt } from './common.js';
import { KernelBias, type KernelBiasOptions } from './kernel-bias.js';
import { expectImage, expectImageBatch, featureShapeVia, pairOption, paddingOption, readPair, type WindowPadding } from './window.js';

export interface Conv2DOptions extends LayerOptions, KernelBiasOptions {
  /** Output channels. */
  filters: number;
  /** Window [height, width]; one number for a square window. */
  kernelSize: number | [number, number];
  /** Step between windows; default 1. */
  strides?: number | [number, number];
  /** 'valid' (default: no padding) or 'same' (output = ceil(input / stride), TensorFlow's rule). */
  padding?: WindowPadding;
  /** Spacing between the taps of the window (atrous convolution); default 1. */
  dilationRate?: number | [number, number];
  activation?: ActivationName;
}

/**
 * 2-D convolution over images [height, width, channels] (channels last):
 * activation(conv2d(x, kernel) + bias). The kernel is [kernelHeight,
 * kernelWidth, inChannels, filters] and the bias [filters], the layout and
 * order of Keras and TensorFlow.js, so their weights map one to one.
 */
export class Conv2D extends Layer {
  readonly filters: number;
  readonly kernelSize: [number, number];
  readonly strides: [number, number];
  readonly padding: WindowPadding;
  readonly dilationRate: [number, number];
  readonly activation: ActivationName;
  private readonly kernelBias: KernelBias;

  constructor(options: Conv2DOptions) {
    super('Conv2D', options);
    this.filters = positiveInt(this.name, 'filters', options.filters);
    this.kernelSize = pairOption(this.name, 'kernelSize', options.kernelSize);
    this.strides = pairOption(this.name, 'strides', options.strides, [1, 1]);
    this.padding = paddingOption(this.name, options.padding);
    this.dilationRate = pairOption(this.name, 'dilationRate', options.dilationRate, [1, 1]);
    this.activation = checkActivation(this.name, options.activation ?? 'linear');
    this.kernelBias = new KernelBias(options);
  }

  get useBias(): boolean {
    return this.kernelBias.useBias;
  }

  private get convOptions(): ConvOpOptions {
    return { strides: this.strides, padding: this.padding, dilations: this.dilationRate };
  }

  private kernelShape(inChannels: number): [number, number, number, number] {
    return [this.kernelSize[0], this.kernelSize[1], inChannels, this.filters];
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    expectImage(this.name, inputShape);
    return featureShapeVia(this.name, inputShape, (s) => conv2dOutputShape(s, this.kernelShape(inputShape[2]), this.convOptions));
  }

  override weightSpecs(inputShape: readonly number[]): WeightSpec[] {
    // fans() multiplies the receptive field in: fanIn = kh*kw*inChannels, fanOut = kh*kw*filters, as Keras.
    return this.kernelBias.specs(this.kernelShape(inputShape[2]), [this.filters]);
  }

  call(x: Tensor): Tensor {
    expectImageBatch(this.name, x.shape);
    const y = conv2dOp(x, this.weight('kernel'), this.convOptions);
    // The bias [filters] broadcasts over the last (channel) axis.
    const z = this.useBias ? add(y, this.weight('bias')) : y;
    return this.activation === 'linear' ? z : activate(this.activation, z);
  }

  getConfig(): Config {
    return {
      filters: this.filters,
      kernelSize: [...this.kernelSize],
      strides: [...this.strides],
      padding: this.padding,
      dilationRate: [...this.dilationRate],
      activation: this.activation,
      ...this.kernelBias.toConfig(),
    };
  }

  static fromConfig(name: string, config: Config): Conv2D {
    const r = new ConfigReader(`Conv2D '${name}'`, config);
    const layer = new Conv2D({
      name,
      filters: r.number('filters', undefined, { min: 1, max: 2 ** 24, integer: true }),
      kernelSize: readPair(r, 'kernelSize'),
      strides: r.has('strides') ? readPair(r, 'strides') : [1, 1],
      padding: paddingOption(`Conv2D '${name}'`, r.string('padding', 'valid')),
      dilationRate: r.has('dilationRate') ? readPair(r, 'dilationRate') : [1, 1],
      activation: checkActivation(name, r.string('activation', 'linear')),
      ...KernelBias.read(r),
    });
    r.done();
    return layer;
  }
}

export const conv2d = (options: Conv2DOptions): Conv2D => new Conv2D(options);
