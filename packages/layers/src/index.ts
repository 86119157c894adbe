export { Layer, type CallContext, type LayerOptions, type WeightSpec } from './layer.js';
export { SymbolicTensor, input } from './symbolic.js';
export { Model, model, type ModelNode, type CompileOptions } from './model.js';
export { sequential } from './sequential.js';
export { Dense, dense, type DenseOptions } from './layers/dense.js';
export { Conv2D, conv2d, type Conv2DOptions } from './layers/conv2d.js';
export {
  MaxPool2D,
  AvgPool2D,
  GlobalAveragePooling2D,
  GlobalMaxPooling2D,
  maxPool2d,
  avgPool2d,
  globalAveragePooling2d,
  globalMaxPooling2d,
  type Pool2DOptions,
} from './layers/pooling.js';
export { Flatten, flatten } from './layers/flatten.js';
export { Reshape, reshape, type ReshapeOptions } from './layers/reshape.js';
export { Dropout, dropout, type DropoutOptions } from './layers/dropout.js';
export { BatchNormalization, batchNormalization, type BatchNormalizationOptions } from './layers/batch-normalization.js';
export { LayerNormalization, layerNormalization, type LayerNormalizationOptions } from './layers/layer-normalization.js';
export { Embedding, embedding, type EmbeddingOptions } from './layers/embedding.js';
export { Activation, activation, type ActivationOptions } from './layers/activation.js';
export { MergeLayer, Add, Concatenate, addLayer, concatenate, type ConcatenateOptions } from './layers/merge.js';
export { LAYER_TYPE_NAMES } from './layers/registry.js';
export { ACTIVATIONS, type ActivationName } from './activations.js';
export {
  glorotUniform,
  glorotNormal,
  heNormal,
  heUniform,
  lecunNormal,
  lecunUniform,
  zeros,
  ones,
  constant,
  getInitializer,
  fans,
  type Initializer,
  type InitializerName,
  type InitializerLike,
} from './initializers.js';
export { l1, l2, l1l2, type Regularizer } from './regularizers.js';
export {
  meanSquaredError,
  meanAbsoluteError,
  huber,
  binaryCrossentropy,
  categoricalCrossentropy,
  sparseCategoricalCrossentropy,
  getLoss,
  type Loss,
  type LossLike,
  type LossName,
} from './losses.js';
export {
  accuracy,
  precision,
  recall,
  f1,
  mae,
  mse,
  r2,
  confusionMatrix,
  classesOf,
  getMetric,
  type Metric,
  type MetricLike,
  type MetricName,
  type ClassMetricOptions,
  type AveragedOptions,
} from './metrics.js';
export type { Callback, History, Logs, TrainingContext } from './training/callback.js';
export type { FitOptions } from './training/fit.js';
export { trainStep, type Compiled } from './training/step.js';
export {
  earlyStopping,
  modelCheckpoint,
  learningRateScheduler,
  reduceLROnPlateau,
  printProgress,
  type EarlyStoppingOptions,
  type ModelCheckpointOptions,
  type ReduceLROnPlateauOptions,
} from './training/callbacks.js';
export { toArtifacts, fromArtifacts, readArtifacts, LIMITS, type ToArtifactsOptions } from './io/artifacts.js';
export { FORMAT_NAME, FORMAT_VERSION, READABLE_FORMAT_VERSIONS, WEIGHTS_FILE_PATTERN, type LoadOptions, type ModelArtifacts, type ModelJson, type WeightsManifest, type WeightEntry } from './io/format.js';
export { crc32 } from './io/crc32.js';
export { formatSummary } from './summary.js';
/** Directory save/load; Node only (node:fs is imported on first call). Also at '@neurite/layers/node'. */
export { save, load, loadWithMetadata, openModelWriter, type ModelWriter, type SaveOptions, type SaveResult } from './io/node.js';
export { ForeignModelError, ModelLockedError } from './io/errors.js';
export { fromTfjsArtifacts, TFJS_LAYER_CLASSES, type TfjsArtifacts } from './io/tfjs-import.js';
/** TensorFlow.js layers model import from model.json and its weight files; Node only. Also at '@neurite/layers/node'. */
export { loadTfjsModel } from './io/tfjs-import-node.js';
