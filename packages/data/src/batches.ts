import { ArgumentError } from '@neurite/core';
import { numExamples, take, type Dataset } from './arrays.js';
import { epochSeed, shuffledIndices } from './shuffle.js';

export interface BatchOptions {
  batchSize: number;
  /** Skip the last batch when it is smaller than batchSize (keeps batch statistics comparable). */
  dropRemainder?: boolean;
  /** Visit the examples in a random order drawn from `seed` and `epoch`. */
  shuffle?: boolean;
  seed?: number;
  /** Which epoch this pass is; each epoch gets its own order. Default 0. */
  epoch?: number;
}

/** How many batches one pass over `n` examples yields. */
export function batchCount(n: number, batchSize: number, dropRemainder = false): number {
  return dropRemainder ? Math.floor(n / batchSize) : Math.ceil(n / batchSize);
}

/** The example indices of each batch of one pass, without touching any tensor. */
export function batchIndices(n: number, options: BatchOptions): Int32Array[] {
  const { batchSize, dropRemainder = false, shuffle = false, seed, epoch = 0 } = options;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new ArgumentError(`batches: batchSize must be an integer >= 1, got ${batchSize}`);
  }
  if (!Number.isInteger(epoch) || epoch < 0) throw new ArgumentError(`batches: epoch must be an integer >= 0, got ${epoch}`);
  if (shuffle && seed === undefined) {
    // An unseeded shuffle would make runs unreproducible without anyone noticing.
    throw new ArgumentError('batches: shuffle needs a seed - pass { shuffle: true, seed: 42 }');
  }
  let order: Int32Array;
  if (shuffle) order = shuffledIndices(n, epochSeed(seed as number, epoch));
  else {
    order = new Int32Array(n);
    for (let i = 0; i < n; i++) order[i] = i;
  }
  const count = batchCount(n, batchSize, dropRemainder);
  const out: Int32Array[] = [];
  for (let b = 0; b < count; b++) out.push(order.subarray(b * batchSize, Math.min(n, (b + 1) * batchSize)));
  return out;
}

/**
 * One pass over the dataset in batches of `batchSize`. Each batch is made
 * when the iterator reaches it and belongs to the caller: dispose it (or run
 * the step inside `tidy`) before asking for the next.
 */
export function* batches(ds: Dataset, options: BatchOptions): Generator<Dataset, void, undefined> {
  for (const idx of batchIndices(numExamples(ds), options)) yield take(ds, idx);
}
