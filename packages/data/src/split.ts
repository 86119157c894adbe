import { ArgumentError, type Tensor } from '@neurite/core';
import { numExamples, take, toLabelArray, type Dataset } from './arrays.js';
import { shuffleInPlace, toRandom, type SeedLike } from './shuffle.js';

/**
 * Part sizes: a value below 1 is a fraction of the examples, an integer >= 1
 * is a count. `train` left out takes what the others leave; validation and
 * test left out are empty. Examples no part asks for are left unused.
 */
export interface SplitSizes {
  train?: number;
  validation?: number;
  test?: number;
}

export interface SplitOptions {
  seed: SeedLike;
  /** Class labels: keep each class's share the same in every part (within one example). */
  stratify?: ArrayLike<number> | Tensor;
  /** Default true; false keeps the original order (a time series, a fixed split). */
  shuffle?: boolean;
}

export interface SplitIndices {
  train: Int32Array;
  validation: Int32Array;
  test: Int32Array;
}

const PARTS = ['train', 'validation', 'test'] as const;

/** Resolves fractions and counts into three counts whose total is at most n. */
export function splitCounts(n: number, sizes: SplitSizes): [number, number, number] {
  const resolve = (name: string, v: number | undefined): number => {
    if (v === undefined) return 0;
    if (!(v >= 0) || (v >= 1 && !Number.isInteger(v))) {
      throw new ArgumentError(`split: ${name} must be a fraction in [0, 1) or a whole count, got ${v}`);
    }
    return v < 1 ? Math.round(v * n) : v;
  };
  const validation = resolve('validation', sizes.validation);
  const test = resolve('test', sizes.test);
  const train = sizes.train === undefined ? n - validation - test : resolve('train', sizes.train);
  if (train < 0 || train + validation + test > n) {
    throw new ArgumentError(
      `split: the parts ask for ${sizes.train === undefined ? `${validation + test} held-out` : train + validation + test} examples but there are ${n} - shrink the sizes`,
    );
  }
  return [train, validation, test];
}

/**
 * Seeded train/validation/test indices. Stratified splits cut each class
 * apart with largest-remainder rounding, so each part's class counts are
 * within one of proportional and the part sizes are exactly as asked.
 */
export function splitIndices(n: number, sizes: SplitSizes, options: SplitOptions): SplitIndices {
  const counts = splitCounts(n, sizes);
  const rng = toRandom(options.seed);
  const shuffle = options.shuffle ?? true;
  const parts: number[][] = [[], [], []];
  if (options.stratify === undefined) {
    const order = Array.from({ length: n }, (_, i) => i);
    if (shuffle) shuffleInPlace(order, rng);
    let at = 0;
    for (let p = 0; p < 3; p++) for (let k = 0; k < counts[p]; k++) parts[p].push(order[at++]);
  } else {
    const labels = toLabelArray('split', options.stratify);
    if (labels.length !== n) throw new ArgumentError(`split: stratify has ${labels.length} labels for ${n} examples`);
    const byClass = groupByClass(labels);
    if (shuffle) for (const members of byClass) shuffleInPlace(members, rng);
    const sizes = byClass.map((m) => m.length);
    // The fourth part is what nobody asked for; it must be apportioned too or it would skew the others.
    const table = apportion(sizes, [...counts, n - counts[0] - counts[1] - counts[2]], rng);
    byClass.forEach((members, c) => {
      let at = 0;
      for (let p = 0; p < 3; p++) for (let k = 0; k < table[c][p]; k++) parts[p].push(members[at++]);
    });
    // Within a part, classes would otherwise come in blocks.
    if (shuffle) for (const part of parts) shuffleInPlace(part, rng);
  }
  return { train: Int32Array.from(parts[0]), validation: Int32Array.from(parts[1]), test: Int32Array.from(parts[2]) };
}

export function groupByClass(labels: Int32Array): number[][] {
  const groups: number[][] = [];
  for (let i = 0; i < labels.length; i++) (groups[labels[i]] ??= []).push(i);
  for (let c = 0; c < groups.length; c++) groups[c] ??= [];
  return groups;
}

/**
 * A table of integer counts [class][part] whose rows sum to the class sizes
 * and columns to the part sizes, each cell the floor or ceiling of its exact
 * share where the totals allow: floors first, then the leftover units go to
 * the cells with the largest remainders (ties in a seeded order).
 */
export function apportion(classSizes: number[], partSizes: number[], seed: SeedLike): number[][] {
  const n = classSizes.reduce((a, b) => a + b, 0);
  const rowLeft = [...classSizes];
  const colLeft = [...partSizes];
  const table = classSizes.map(() => partSizes.map(() => 0));
  const cells: { c: number; p: number; rem: number }[] = [];
  classSizes.forEach((size, c) =>
    partSizes.forEach((part, p) => {
      const exact = n === 0 ? 0 : (size * part) / n;
      table[c][p] = Math.floor(exact);
      rowLeft[c] -= table[c][p];
      colLeft[p] -= table[c][p];
      cells.push({ c, p, rem: exact - table[c][p] });
    }),
  );
  shuffleInPlace(cells, seed);
  cells.sort((a, b) => b.rem - a.rem);
  for (const { c, p } of cells) {
    if (rowLeft[c] > 0 && colLeft[p] > 0) {
      table[c][p]++;
      rowLeft[c]--;
      colLeft[p]--;
    }
  }
  // Rarely the greedy pass strands a unit; any feasible cell keeps the totals exact.
  for (let c = 0; c < classSizes.length; c++) {
    for (let p = 0; p < partSizes.length && rowLeft[c] > 0; p++) {
      const k = Math.min(rowLeft[c], colLeft[p]);
      table[c][p] += k;
      rowLeft[c] -= k;
      colLeft[p] -= k;
    }
  }
  return table;
}

export interface SplitDatasets {
  train: Dataset;
  validation: Dataset;
  test: Dataset;
}

/**
 * Splits a dataset into new train/validation/test tensors. With
 * `stratify: true` the classes of `ds.y` (1-D class indices) are kept in proportion.
 */
export function split(ds: Dataset, sizes: SplitSizes, options: Omit<SplitOptions, 'stratify'> & { stratify?: boolean | ArrayLike<number> | Tensor }): SplitDatasets {
  const n = numExamples(ds);
  const stratify = options.stratify === true ? ds.y : options.stratify === false ? undefined : options.stratify;
  const idx = splitIndices(n, sizes, { ...options, stratify });
  const out = {} as SplitDatasets;
  for (const part of PARTS) out[part] = take(ds, idx[part]);
  return out;
}
