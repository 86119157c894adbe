/** Model presets and model-config files, each finished with the output layer the dataset's task needs. */
import { seed as seedGlobal } from '@neurite/core';
import { ACTIVATIONS, activation, avgPool2d, batchNormalization, conv2d, dense, dropout, flatten, globalAveragePooling2d, globalMaxPooling2d, layerNormalization, maxPool2d, reshape, sequential, type ActivationName, type Layer, type LossName, type Model } from '@neurite/layers';
import { adadelta, adagrad, adam, adamax, adamw, rmsprop, sgd, type Optimizer } from '@neurite/optimizers';
import type { PreparedData, Task } from './datasets.js';
import { UsageError } from './errors.js';

export const MODEL_PRESETS = ['xor', 'linear', 'mlp', 'cnn'] as const;

export const OPTIMIZERS: Record<string, (lr: number) => Optimizer> = {
  sgd: (learningRate) => sgd({ learningRate }),
  momentum: (learningRate) => sgd({ learningRate, momentum: 0.9 }),
  adam: (learningRate) => adam({ learningRate }),
  adamw: (learningRate) => adamw({ learningRate }),
  rmsprop: (learningRate) => rmsprop({ learningRate }),
  adagrad: (learningRate) => adagrad({ learningRate }),
  adadelta: (learningRate) => adadelta({ learningRate }),
  adamax: (learningRate) => adamax({ learningRate }),
};

export function makeOptimizer(name: string, lr: number): Optimizer {
  const make = OPTIMIZERS[name.toLowerCase()];
  if (!make) throw new UsageError(`unknown optimizer '${name}' - use one of: ${Object.keys(OPTIMIZERS).join(', ')}`);
  return make(lr);
}

/** Loss, metrics and output activation for a task. */
export function headFor(task: Task): { loss: LossName; metrics: ('accuracy' | 'mae')[]; activation: ActivationName } {
  if (task === 'binary') return { loss: 'binaryCrossentropy', metrics: ['accuracy'], activation: 'sigmoid' };
  if (task === 'multiclass') return { loss: 'sparseCategoricalCrossentropy', metrics: ['accuracy'], activation: 'softmax' };
  return { loss: 'meanSquaredError', metrics: ['mae'], activation: 'linear' };
}

const cnnNeedsImages = (dataset: string) => new UsageError(`model 'cnn' needs image data (--dataset mnist), not '${dataset}' - use --model mlp`);

/** What can be known before the data load: the cnn preset takes images only. */
export function checkPresetFitsDataset(preset: string, datasetKind: string, datasetSpec: string): void {
  if (preset === 'cnn' && datasetKind !== 'mnist') throw cnnNeedsImages(datasetSpec);
}

/** Hidden layers of a preset; the output layer is added for the task. */
function presetLayers(name: string, data: PreparedData): Layer[] {
  switch (name) {
    case 'xor':
      return [dense({ units: 8, activation: 'tanh' })];
    case 'linear':
      return [];
    case 'mlp':
      return [dense({ units: data.inputShape[0] >= 256 ? 128 : 32, activation: 'relu' })];
    case 'cnn': {
      // Two conv blocks, as packages/layers/examples/mnist-cnn.mjs; the rows of pixels become images first.
      if (!data.imageShape) throw cnnNeedsImages(data.name);
      return [
        reshape({ targetShape: [...data.imageShape] }),
        conv2d({ filters: 8, kernelSize: 3, activation: 'relu' }),
        maxPool2d({ poolSize: 2 }),
        conv2d({ filters: 16, kernelSize: 3, activation: 'relu' }),
        maxPool2d({ poolSize: 2 }),
        flatten(),
      ];
    }
    default:
      throw new UsageError(`unknown model '${name}' - use a preset (${MODEL_PRESETS.join(', ')}) or a model-config .json file`);
  }
}

/** Learning rates of presets that train best away from the dataset's default (the CNN's 8,000 MNIST digits: 3e-3, measured). */
export const PRESET_LEARNING_RATES: Readonly<Record<string, number>> = { cnn: 3e-3 };

/** A preset name, or a path to a model-config JSON file. */
export function isModelFile(spec: string): boolean {
  return /\.json$/i.test(spec) || spec.includes('/') || spec.includes('\\');
}

export interface ModelConfig {
  name?: string;
  layers: LayerConfig[];
}

type LayerConfig = { type: string } & Record<string, unknown>;

const LAYER_KEYS: Record<string, string[]> = {
  dense: ['units', 'activation', 'useBias'],
  dropout: ['rate'],
  activation: ['activation'],
  batchNormalization: ['momentum', 'epsilon'],
  layerNormalization: ['epsilon'],
  flatten: [],
  reshape: ['targetShape'],
  conv2d: ['filters', 'kernelSize', 'strides', 'padding', 'dilationRate', 'activation', 'useBias'],
  maxPool2d: ['poolSize', 'strides', 'padding'],
  avgPool2d: ['poolSize', 'strides', 'padding'],
  globalAveragePooling2d: [],
  globalMaxPooling2d: [],
};

/**
 * Reads a model config: `{ "name"?: string, "layers": [{ "type": "dense", "units": 64, "activation": "relu" }, ...] }`,
 * the hidden layers only. Anything else is a UsageError naming the file and the field.
 */
export function parseModelConfig(text: string, file: string): ModelConfig {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`model config ${file} is not valid JSON (${(e as Error).message}) - expected { "layers": [{ "type": "dense", "units": 64, "activation": "relu" }] }`);
  }
  const bad = (what: string): never => {
    throw new UsageError(`model config ${file}: ${what} - expected { "layers": [{ "type": "dense", "units": 64, "activation": "relu" }, ...] } (types: ${Object.keys(LAYER_KEYS).join(', ')})`);
  };
  if (root === null || typeof root !== 'object' || Array.isArray(root)) return bad('the top level must be an object');
  const r = root as Record<string, unknown>;
  if (r.format === 'neurite-layers-model') return bad('this is a saved model.json, not a model config - pass its directory to evaluate or predict');
  for (const k of Object.keys(r)) if (k !== 'name' && k !== 'layers') bad(`unknown field '${k}'`);
  if (r.name !== undefined && typeof r.name !== 'string') bad(`'name' must be a string`);
  if (!Array.isArray(r.layers)) return bad(`'layers' must be a list`);
  r.layers.forEach((l, i) => {
    if (l === null || typeof l !== 'object' || Array.isArray(l)) bad(`layers[${i}] must be an object`);
    const type = (l as Record<string, unknown>).type;
    if (typeof type !== 'string' || !Object.hasOwn(LAYER_KEYS, type)) bad(`layers[${i}] has unknown type ${JSON.stringify(type)}`);
    for (const k of Object.keys(l as object)) if (k !== 'type' && k !== 'name' && !LAYER_KEYS[type as string].includes(k)) bad(`layers[${i}] (${type as string}) has unknown field '${k}'`);
    const act = (l as Record<string, unknown>).activation;
    if (act !== undefined && !(ACTIVATIONS as readonly unknown[]).includes(act)) bad(`layers[${i}] has unknown activation ${JSON.stringify(act)} (known: ${ACTIVATIONS.join(', ')})`);
  });
  return { name: r.name as string | undefined, layers: r.layers as LayerConfig[] };
}

function layerFrom(c: LayerConfig): Layer {
  const { type, ...o } = c;
  const opts = o as Record<string, any>;
  switch (type) {
    case 'dense':
      return dense(opts as Parameters<typeof dense>[0]);
    case 'dropout':
      return dropout(opts as Parameters<typeof dropout>[0]);
    case 'activation': {
      const { activation: name, ...rest } = opts;
      return activation(name as ActivationName, rest);
    }
    case 'batchNormalization':
      return batchNormalization(opts);
    case 'layerNormalization':
      return layerNormalization(opts);
    // Convolutions need images: MNIST rows become [28, 28, 1] with a reshape layer first.
    case 'reshape':
      return reshape(opts as Parameters<typeof reshape>[0]);
    case 'conv2d':
      return conv2d(opts as Parameters<typeof conv2d>[0]);
    case 'maxPool2d':
      return maxPool2d(opts as Parameters<typeof maxPool2d>[0]);
    case 'avgPool2d':
      return avgPool2d(opts as Parameters<typeof avgPool2d>[0]);
    case 'globalAveragePooling2d':
      return globalAveragePooling2d(opts);
    case 'globalMaxPooling2d':
      return globalMaxPooling2d(opts);
    default:
      return flatten(opts);
  }
}

/** Builds the model (weights drawn from `seed`) for the data's input shape and task. */
export function buildModel(spec: { preset?: string; config?: ModelConfig }, data: PreparedData, seed: number): Model {
  seedGlobal(seed);
  const hidden = spec.config ? spec.config.layers.map(layerFrom) : presetLayers(spec.preset!, data);
  const head = headFor(data.task);
  const output = dense({ units: data.outputUnits, activation: head.activation, name: 'output' });
  return sequential([...hidden, output], { inputShape: data.inputShape, name: spec.config?.name ?? spec.preset ?? 'model' });
}
