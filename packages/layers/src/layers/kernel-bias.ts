import type { Config, ConfigReader } from '../config.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import type { WeightSpec } from '../layer.js';
import type { Regularizer } from '../regularizers.js';
import { initializerToJson, readInitializer, readRegularizer, regularizerToJson } from './common.js';

/** How a layer with a kernel and an optional bias (Dense, Conv2D) draws and penalises them. */
export interface KernelBiasOptions {
  useBias?: boolean;
  kernelInitializer?: InitializerLike;
  biasInitializer?: InitializerLike;
  kernelRegularizer?: Regularizer;
  biasRegularizer?: Regularizer;
}

/** The resolved options, Keras's defaults (glorotUniform kernel, zero bias), as weight specs and as config JSON. */
export class KernelBias {
  readonly useBias: boolean;
  private readonly kernelInitializer: Initializer;
  private readonly biasInitializer: Initializer;
  private readonly kernelRegularizer: Regularizer | undefined;
  private readonly biasRegularizer: Regularizer | undefined;

  constructor(options: KernelBiasOptions) {
    this.useBias = options.useBias ?? true;
    this.kernelInitializer = getInitializer(options.kernelInitializer ?? 'glorotUniform');
    this.biasInitializer = getInitializer(options.biasInitializer ?? 'zeros');
    this.kernelRegularizer = options.kernelRegularizer;
    this.biasRegularizer = options.biasRegularizer;
  }

  /** The 'kernel' weight, then 'bias' when the layer has one. */
  specs(kernelShape: readonly number[], biasShape: readonly number[]): WeightSpec[] {
    const specs: WeightSpec[] = [{ name: 'kernel', shape: [...kernelShape], initializer: this.kernelInitializer, trainable: true, regularizer: this.kernelRegularizer }];
    if (this.useBias) specs.push({ name: 'bias', shape: [...biasShape], initializer: this.biasInitializer, trainable: true, regularizer: this.biasRegularizer });
    return specs;
  }

  toConfig(): Config {
    return {
      useBias: this.useBias,
      kernelInitializer: initializerToJson(this.kernelInitializer),
      biasInitializer: initializerToJson(this.biasInitializer),
      kernelRegularizer: regularizerToJson(this.kernelRegularizer),
      biasRegularizer: regularizerToJson(this.biasRegularizer),
    };
  }

  static read(r: ConfigReader): Required<Pick<KernelBiasOptions, 'useBias' | 'kernelInitializer' | 'biasInitializer'>> & KernelBiasOptions {
    return {
      useBias: r.boolean('useBias', true),
      kernelInitializer: readInitializer(r, 'kernelInitializer', 'glorotUniform'),
      biasInitializer: readInitializer(r, 'biasInitializer', 'zeros'),
      kernelRegularizer: readRegularizer(r, 'kernelRegularizer'),
      biasRegularizer: readRegularizer(r, 'biasRegularizer'),
    };
  }
}
