import { Random } from '@neurite/core';

/** Test support: a seeded source of uniform numbers in [0, 1) for test inputs, from core's generator. Not shipped. */
export function rng(seed: number): () => number {
  const random = new Random(seed);
  return () => random.next();
}
