import { ArgumentError } from '@neurite/core';

/** Validates a feature shape (no batch axis): integers >= 1, bounded so nothing absurd is allocated. */
export function checkFeatureShape(where: string, shape: unknown): number[] {
  if (!Array.isArray(shape) || shape.length > 8 || !shape.every((d) => Number.isInteger(d) && d >= 1 && d <= 2 ** 31 - 1)) {
    throw new ArgumentError(`${where}: expected a list of up to 8 integers >= 1 (no batch axis), got ${JSON.stringify(shape)?.slice(0, 80)}`);
  }
  let size = 1;
  for (const d of shape) size *= d;
  if (size > 2 ** 31 - 1) throw new ArgumentError(`${where}: [${shape}] has ${size} elements per example - too large`);
  return [...shape];
}
