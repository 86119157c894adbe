export { DataFormatError } from './errors.js';
export { fromArrays, numExamples, take, disposeDataset, type Dataset, type FromArraysOptions, type Rows } from './arrays.js';
export { shuffle, shuffledIndices, shuffleInPlace, epochSeed, type SeedLike } from './shuffle.js';
export { batches, batchIndices, batchCount, type BatchOptions } from './batches.js';
export {
  split,
  splitIndices,
  splitCounts,
  type SplitSizes,
  type SplitOptions,
  type SplitIndices,
  type SplitDatasets,
} from './split.js';
export { fitStandardizer, fitMinMaxScaler, scalerFromJSON, type Scaler, type ScalerJSON } from './scale.js';
export { oneHotLabels } from './one-hot.js';
export {
  loadMnist,
  loadMnistArrays,
  mnistToDataset,
  MNIST_STANDARD_SPLIT,
  MNIST_PIXELS,
  type MnistOptions,
  type MnistArrays,
} from './mnist.js';
export { loadIris, IRIS_FEATURES, type Iris, type IrisOptions } from './iris.js';
export { LOADER_SEED, type LoaderOrderOptions } from './loader-order.js';
export {
  loadCsv,
  parseCsv,
  parseCsvRecords,
  csvToDataset,
  type CsvOptions,
  type CsvTable,
  type CsvDataset,
} from './csv.js';
export { csvNumber, fitsFloat32, FLOAT32_MAX } from './csv-number.js';
export { sampleGamma, logGamma, sampleDirichlet } from './gamma.js';
export {
  partition,
  partitionIid,
  partitionDirichlet,
  partitionShards,
  parsePartitionScheme,
  largestRemainder,
  type Partition,
  type PartitionScheme,
  type PartitionOptions,
} from './partition.js';
export { partitionReport, formatPartitionReport, type PartitionReport, type ClientLabels } from './report.js';
