import { cast, gather, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { Layer, type LayerOptions, type WeightSpec } from '../layer.js';
import type { Regularizer } from '../regularizers.js';
import { initializerToJson, positiveInt, readInitializer, readRegularizer, regularizerToJson } from './common.js';

export interface EmbeddingOptions extends LayerOptions {
  /** Vocabulary size: indices are in [0, inputDim). */
  inputDim: number;
  outputDim: number;
  embeddingsInitializer?: InitializerLike;
  embeddingsRegularizer?: Regularizer;
}

/** Looks up a learned vector per integer index: [batch, ...] -> [batch, ..., outputDim]. */
export class Embedding extends Layer {
  readonly inputDim: number;
  readonly outputDim: number;
  private readonly initializer: Initializer;
  private readonly regularizer: Regularizer | undefined;

  constructor(options: EmbeddingOptions) {
    super('Embedding', options);
    this.inputDim = positiveInt(this.name, 'inputDim', options.inputDim, 2 ** 28);
    this.outputDim = positiveInt(this.name, 'outputDim', options.outputDim);
    this.initializer = getInitializer(options.embeddingsInitializer ?? 'glorotUniform');
    this.regularizer = options.embeddingsRegularizer;
  }

  computeOutputShape(inputShape: readonly number[]): number[] {
    return [...inputShape, this.outputDim];
  }

  override weightSpecs(): WeightSpec[] {
    return [{ name: 'embeddings', shape: [this.inputDim, this.outputDim], initializer: this.initializer, trainable: true, regularizer: this.regularizer }];
  }

  call(x: Tensor): Tensor {
    // Indices often arrive as float32 batches next to float features; gather wants int32 (out-of-range is its error).
    const idx = x.dtype === 'int32' ? x : cast(x, 'int32');
    return gather(this.weight('embeddings'), idx, 0);
  }

  getConfig(): Config {
    return { inputDim: this.inputDim, outputDim: this.outputDim, embeddingsInitializer: initializerToJson(this.initializer), embeddingsRegularizer: regularizerToJson(this.regularizer) };
  }

  static fromConfig(name: string, config: Config): Embedding {
    const r = new ConfigReader(`Embedding '${name}'`, config);
    const layer = new Embedding({
      name,
      inputDim: r.number('inputDim', undefined, { min: 1, max: 2 ** 28, integer: true }),
      outputDim: r.number('outputDim', undefined, { min: 1, max: 2 ** 24, integer: true }),
      embeddingsInitializer: readInitializer(r, 'embeddingsInitializer', 'glorotUniform'),
      embeddingsRegularizer: readRegularizer(r, 'embeddingsRegularizer'),
    });
    r.done();
    return layer;
  }
}

export const embedding = (options: EmbeddingOptions): Embedding => new Embedding(options);
