/**
 * A 32-bit seed from several integers (run seed, round, client, purpose).
 * Every random draw of a run is keyed this way rather than taken from one
 * long stream, so a run resumed at round r draws exactly what an
 * uninterrupted run draws there.
 */
export function mixSeed(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    h ^= h >>> 12;
  }
  return h >>> 0;
}

export const PURPOSE = { sample: 1, fit: 2, noise: 3, evaluate: 4 } as const;
