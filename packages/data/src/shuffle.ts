import { Random } from '@neurite/core';
import { take, type Dataset, numExamples } from './arrays.js';

/** A seed or a generator already in use (so that several draws share one stream). */
export type SeedLike = number | Random;

export function toRandom(seed: SeedLike): Random {
  return typeof seed === 'number' ? new Random(seed) : seed;
}

/** Shuffles `values` in place with the Fisher-Yates algorithm (every permutation equally likely). */
export function shuffleInPlace<A extends { length: number; [i: number]: unknown }>(values: A, seed: SeedLike): A {
  return toRandom(seed).shuffle(values);
}

/** A random permutation of 0..n-1, the same for the same seed on every machine. */
export function shuffledIndices(n: number, seed: SeedLike): Int32Array {
  const idx = new Int32Array(n);
  for (let i = 0; i < n; i++) idx[i] = i;
  return shuffleInPlace(idx, seed);
}

/** The dataset's examples in a seeded random order, as new tensors. */
export function shuffle(ds: Dataset, seed: SeedLike): Dataset {
  return take(ds, shuffledIndices(numExamples(ds), seed));
}

/**
 * A seed for epoch `epoch` of a run seeded with `seed`: distinct epochs get
 * unrelated orders, and epoch e's order does not depend on having drawn the
 * previous epochs (so a resumed run shuffles as an uninterrupted one).
 */
export function epochSeed(seed: number, epoch: number): number {
  let z = (Math.imul(seed ^ 0x5bd1e995, 0x9e3779b1) + Math.imul(epoch + 1, 0x85ebca6b)) | 0;
  z = Math.imul(z ^ (z >>> 15), 0x2c1b3c6d);
  z = Math.imul(z ^ (z >>> 12), 0x297a2d39);
  return (z ^ (z >>> 15)) >>> 0;
}
