import { ArgumentError, Random } from '@neurite/core';

/**
 * The bundled data sets ship sorted by class, and a sorted dataset trains
 * badly without a word: `validationSplit` takes the last rows, a single
 * class. So the loaders shuffle by default, with a fixed seed so every run
 * and every machine sees the same rows.
 */
export interface LoaderOrderOptions {
  /** Rows in a seeded random order (default true); false keeps the package's order (sorted by class). */
  shuffle?: boolean;
  /** Seed of that order. Default {@link LOADER_SEED}. */
  seed?: number;
}

/** The seed loaders shuffle with when none is given. */
export const LOADER_SEED = 0;

/** The order loaders hand rows out in: a Random to shuffle with, or null for the package's own order. */
export function loaderRandom(op: string, options: LoaderOrderOptions): Random | null {
  const { shuffle = true, seed = LOADER_SEED } = options;
  if (typeof shuffle !== 'boolean') throw new ArgumentError(`${op}: shuffle must be true or false, got ${JSON.stringify(shuffle)}`);
  if (!Number.isSafeInteger(seed)) throw new ArgumentError(`${op}: seed must be an integer, got ${String(seed)} - e.g. seed: 1`);
  return shuffle ? new Random(seed) : null;
}

/** Rows (and their labels) in a fresh permutation drawn from `random`, as new arrays. */
export function permuteRows(x: Float32Array, y: Int32Array, random: Random): { x: Float32Array; y: Int32Array } {
  const n = y.length;
  const width = n === 0 ? 0 : x.length / n;
  const order = random.shuffle(Int32Array.from({ length: n }, (_, i) => i));
  const px = new Float32Array(x.length);
  const py = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    const r = order[i];
    px.set(x.subarray(r * width, (r + 1) * width), i * width);
    py[i] = y[r];
  }
  return { x: px, y: py };
}
