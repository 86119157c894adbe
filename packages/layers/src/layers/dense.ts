import { fusedMatMul, reshape, type FusedActivation, type Tensor } from '@neurite/core';
import { activate, checkActivation, type ActivationName } from '../activations.js';
import { ConfigReader, type Config } from '../config.js';
import { Layer, type LayerOptions, type WeightSpec } from '../layer.js';
import { expectRankAtLeast, positiveInt } from './common.js';
import { KernelBias, type KernelBiasOptions } from './kernel-bias.js';

export interface DenseOptions extends LayerOptions, KernelBiasOptions {
  units: number;
  activation?: ActivationName;
}

/** Activations core's fusedMatMul applies in the same kernel. */
const FUSED: ReadonlySet<string> = new Set<FusedActivation>(['linear', 'relu', 'sigmoid', 'tanh', 'elu']);

/** Fully connected: activation(x @ kernel + bias) over the last axis. */
export class Dense extends Layer {
  readonly units: number;
  readonly activation: ActivationName;
  private readonly kernelBias: KernelBias;

  constructor(options: DenseOptions) {
    super('Dense', options);
    this.units = positiveInt(this.name, 'units', options.units);
    this.activation = checkActivation(this.name, options.activation ?? 'linear');
    this.kernelBias = new KernelBias(options);
  }

  get useBias(): boolean {
    return this.kernelBias.useBias;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    expectRankAtLeast(this.name, inputShape, 1, 'Dense needs features on the last axis');
    return [...inputShape.slice(0, -1), this.units];
  }

  override weightSpecs(inputShape: readonly number[]): WeightSpec[] {
    const inDim = inputShape[inputShape.length - 1];
    return this.kernelBias.specs([inDim, this.units], [this.units]);
  }

  call(x: Tensor): Tensor {
    // matMul is 2-D: fold extra leading axes into the batch and unfold after.
    const lead = x.shape.slice(0, -1);
    const x2 = x.rank === 2 ? x : reshape(x, [-1, x.shape[x.rank - 1]]);
    // One fused kernel (matMul + bias + activation, and one pass back) where the activation allows it.
    const fused = FUSED.has(this.activation);
    const bias = this.useBias ? this.weight('bias') : undefined;
    let y = fusedMatMul(x2, this.weight('kernel'), { bias, activation: fused ? (this.activation as FusedActivation) : 'linear' });
    if (x.rank !== 2) y = reshape(y, [...lead, this.units]);
    return fused ? y : activate(this.activation, y);
  }

  getConfig(): Config {
    return {
      units: this.units,
      activation: this.activation,
      ...this.kernelBias.toConfig(),
    };
  }

  static fromConfig(name: string, config: Config): Dense {
    const r = new ConfigReader(`Dense '${name}'`, config);
    const layer = new Dense({
      name,
      units: r.number('units', undefined, { min: 1, max: 2 ** 24, integer: true }),
      activation: checkActivation(name, r.string('activation', 'linear')),
      ...KernelBias.read(r),
    });
    r.done();
    return layer;
  }
}

export const dense = (options: DenseOptions): Dense => new Dense(options);
