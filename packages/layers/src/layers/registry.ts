import type { Config } from '../config.js';
import type { Layer } from '../layer.js';
import { Activation } from './activation.js';
import { BatchNormalization } from './batch-normalization.js';
import { Conv2D } from './conv2d.js';
import { Dense } from './dense.js';
import { Dropout } from './dropout.js';
import { Embedding } from './embedding.js';
import { Flatten } from './flatten.js';
import { LayerNormalization } from './layer-normalization.js';
import { Add, Concatenate } from './merge.js';
import { AvgPool2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPool2D } from './pooling.js';
import { Reshape } from './reshape.js';

/**
 * Layer types a saved model may name. A plain map built here, not a global
 * registry filled by side effects: what loads is exactly what this file lists.
 */
const LAYER_TYPES = new Map<string, (name: string, config: Config) => Layer>([
  ['Dense', Dense.fromConfig],
  ['Flatten', Flatten.fromConfig],
  ['Reshape', Reshape.fromConfig],
  ['Dropout', Dropout.fromConfig],
  ['BatchNormalization', BatchNormalization.fromConfig],
  ['LayerNormalization', LayerNormalization.fromConfig],
  ['Embedding', Embedding.fromConfig],
  ['Activation', Activation.fromConfig],
  ['Add', Add.fromConfig],
  ['Concatenate', Concatenate.fromConfig],
  ['Conv2D', Conv2D.fromConfig],
  ['MaxPool2D', MaxPool2D.fromConfig],
  ['AvgPool2D', AvgPool2D.fromConfig],
  ['GlobalAveragePooling2D', GlobalAveragePooling2D.fromConfig],
  ['GlobalMaxPooling2D', GlobalMaxPooling2D.fromConfig],
]);

export function layerFromConfig(className: string): ((name: string, config: Config) => Layer) | undefined {
  return LAYER_TYPES.get(className);
}

export const LAYER_TYPE_NAMES: readonly string[] = [...LAYER_TYPES.keys()];
