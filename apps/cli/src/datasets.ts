/** The datasets `train`, `evaluate` and `predict` know, each as train/test tensors plus what a saved model must remember. */
import { readFile } from 'node:fs/promises';
import { Random, dispose, tensor, tidy, type Tensor } from '@neurite/core';
import { DataFormatError, fitStandardizer, loadIris, loadMnist, parseCsv, shuffle, split, take, type Dataset, type ScalerJSON } from '@neurite/data';
import { UsageError, describeFsError } from './errors.js';

export type Task = 'binary' | 'multiclass' | 'regression';

export const DATASET_NAMES = ['xor', 'linear', 'mnist', 'iris', 'csv:PATH'] as const;

export interface PreparedData {
  /** As given on the command line ('csv:data.csv'). */
  name: string;
  train: Dataset;
  test: Dataset;
  task: Task;
  /** Feature shape of one example. */
  inputShape: number[];
  /** [height, width, channels] when each example is an image given as a flat row (mnist): convolutional models reshape to it. */
  imageShape?: [number, number, number];
  /** Output units: classes for multiclass, 1 otherwise. */
  outputUnits: number;
  /** Class names by label, when the labels have names. */
  classes?: string[];
  featureNames?: string[];
  targetName?: string;
  /** Standardization fitted on the training part, applied to every input of the saved model. */
  scaler?: ScalerJSON;
  /** Defaults that suit the dataset when the command line does not say. */
  defaults: { epochs: number; batchSize: number; learningRate: number; model: string };
}

export interface DatasetOptions {
  target?: string;
  seed: number;
  /** At most this many training (and test) examples, taken from a seeded shuffle: for quick runs. */
  limit?: number;
}

/** Parses `--dataset`; unknown names are a UsageError listing what is accepted. */
export function parseDatasetSpec(spec: string): { kind: 'xor' | 'linear' | 'mnist' | 'iris' } | { kind: 'csv'; path: string } {
  const s = spec.trim();
  if (s.toLowerCase().startsWith('csv:')) {
    const path = s.slice(4);
    if (!path) throw new UsageError(`--dataset csv: needs a file, as in csv:data.csv --target label`);
    return { kind: 'csv', path };
  }
  const k = s.toLowerCase();
  if (k === 'xor' || k === 'linear' || k === 'mnist' || k === 'iris') return { kind: k };
  if (/\.csv$/i.test(s)) throw new UsageError(`unknown dataset '${spec}' - for a CSV file write --dataset csv:${s} --target COLUMN`);
  throw new UsageError(`unknown dataset '${spec}' - use one of: ${DATASET_NAMES.join(', ')}`);
}

/** Reads a text file, turning file-system errors into one-line UsageErrors. */
export async function readText(path: string, what: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${what} '${path}': ${describeFsError(e)}`);
  }
}

const XOR = { x: [[0, 0], [0, 1], [1, 0], [1, 1]], y: [0, 1, 1, 0] };

export async function loadDataset(spec: string, options: DatasetOptions): Promise<PreparedData> {
  const parsed = parseDatasetSpec(spec);
  switch (parsed.kind) {
    case 'xor': {
      // Four examples: training and test sets are the same truth table.
      const make = (): Dataset => ({ x: tensor(XOR.x), y: tensor(XOR.y, [4, 1], 'float32') });
      return { name: 'xor', train: make(), test: make(), task: 'binary', inputShape: [2], outputUnits: 1, defaults: { epochs: 300, batchSize: 4, learningRate: 0.05, model: 'xor' } };
    }
    case 'linear': {
      // y = 2 x0 - 3 x1 + 0.5 + noise: a seeded regression problem a linear model solves.
      const rng = new Random(options.seed);
      const n = options.limit ?? 512;
      const xs = new Float32Array(n * 2);
      const ys = new Float32Array(n);
      for (let i = 0; i < n; i++) {
        const a = 2 * rng.next() - 1;
        const b = 2 * rng.next() - 1;
        xs[2 * i] = a;
        xs[2 * i + 1] = b;
        ys[i] = 2 * a - 3 * b + 0.5 + 0.05 * rng.normal();
      }
      const all: Dataset = { x: tensor(xs, [n, 2], 'float32'), y: tensor(ys, [n, 1], 'float32') };
      const parts = splitTrainTest(all, options.seed, false);
      return { name: 'linear', ...parts, task: 'regression', inputShape: [2], outputUnits: 1, featureNames: ['x0', 'x1'], targetName: 'y', defaults: { epochs: 50, batchSize: 32, learningRate: 0.05, model: 'linear' } };
    }
    case 'mnist': {
      // The package's order (by digit), shuffled here with --seed so the seed decides the rows.
      const { train, test } = await loadMnist({ split: 'standard', shuffle: false });
      const shuffled = { train: shuffle(train, options.seed), test: limitRows(test, options.limit, options.seed + 1) };
      dispose([train.x, train.y]);
      if (shuffled.test !== test) dispose([test.x, test.y]);
      const trainPart = limitRows(shuffled.train, options.limit, options.seed);
      if (trainPart !== shuffled.train) dispose([shuffled.train.x, shuffled.train.y]);
      return {
        name: 'mnist',
        train: trainPart,
        test: shuffled.test,
        task: 'multiclass',
        inputShape: [784],
        imageShape: [28, 28, 1],
        outputUnits: 10,
        classes: ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'],
        defaults: { epochs: 3, batchSize: 64, learningRate: 1e-3, model: 'mlp' },
      };
    }
    case 'iris': {
      const iris = await loadIris({ shuffle: false }); // splitTrainTest shuffles with --seed
      const parts = splitTrainTest(iris, options.seed, true);
      dispose([iris.x, iris.y]);
      return standardize({ name: 'iris', ...parts, task: 'multiclass', inputShape: [4], outputUnits: 3, classes: iris.classNames, featureNames: iris.featureNames, targetName: 'species', defaults: { epochs: 100, batchSize: 16, learningRate: 0.01, model: 'mlp' } });
    }
    case 'csv': {
      const text = await readText(parsed.path, 'CSV file');
      const table = parseCsv(text, options.target === undefined ? {} : { target: options.target });
      if (table.numRows < 2) throw new DataFormatError(`loadCsv: ${parsed.path} has ${table.numRows} data row(s) - training needs at least 2`);
      const nf = table.featureNames.length;
      const classification = table.classes !== undefined;
      const all: Dataset = {
        x: tensor(table.features, [table.numRows, nf], 'float32'),
        y: classification ? tensor(table.labels, [table.numRows], 'int32') : tensor(Float32Array.from(table.labels), [table.numRows, 1], 'float32'),
      };
      const classes = table.classes;
      const binary = classes !== undefined && classes.length === 2;
      if (binary) {
        // Two classes: one sigmoid output and float labels.
        const y = tidy(() => tensor(Float32Array.from(table.labels), [table.numRows, 1], 'float32'));
        all.y.dispose();
        all.y = y;
      }
      const parts = splitTrainTest(limitRows(all, options.limit, options.seed), options.seed, classification && !binary);
      dispose([all.x, all.y]);
      return standardize({
        name: `csv:${parsed.path}`,
        ...parts,
        task: classes === undefined ? 'regression' : binary ? 'binary' : 'multiclass',
        inputShape: [nf],
        outputUnits: classes === undefined || binary ? 1 : classes.length,
        classes,
        featureNames: table.featureNames,
        targetName: table.targetName,
        defaults: { epochs: 50, batchSize: 32, learningRate: 0.01, model: 'mlp' },
      });
    }
  }
}

/** 80/20, stratified by class when asked; a dataset too small to split trains and tests on the same rows. */
function splitTrainTest(ds: Dataset, seed: number, stratify: boolean): { train: Dataset; test: Dataset } {
  const n = ds.x.shape[0];
  if (n < 5) return { train: take(ds, range(n)), test: take(ds, range(n)) };
  const parts = split(ds, { train: 0.8, test: 0.2 }, { seed, stratify });
  dispose([parts.validation.x, parts.validation.y]);
  return { train: parts.train, test: parts.test };
}

function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i);
}

/** The first `limit` rows of a seeded shuffle, or the dataset itself. */
function limitRows(ds: Dataset, limit: number | undefined, seed: number): Dataset {
  const n = ds.x.shape[0];
  if (limit === undefined || limit >= n) return ds;
  const order = range(n);
  const rng = new Random(seed);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  return take(ds, order.slice(0, limit));
}

/** Standardizes features with statistics of the training part only. */
function standardize(data: PreparedData): PreparedData {
  const scaler = fitStandardizer(data.train.x);
  const apply = (ds: Dataset): Dataset => {
    const x = scaler.transform(ds.x);
    ds.x.dispose();
    return { x, y: ds.y };
  };
  return { ...data, train: apply(data.train), test: apply(data.test), scaler: scaler.toJSON() };
}

export function disposeData(data: { train: Dataset; test: Dataset }): void {
  const all: Tensor[] = [data.train.x, data.train.y, data.test.x, data.test.y];
  dispose([...new Set(all)]);
}
