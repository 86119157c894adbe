import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitCounts, splitIndices } from './split.js';

const labelsArb = fc.array(fc.integer({ min: 0, max: 5 }), { minLength: 1, maxLength: 300 });
const fracArb = fc.double({ min: 0, max: 0.45, noNaN: true });

describe('splitIndices properties', () => {
  it('gives disjoint parts of exactly the resolved sizes, each class within one of its share', () => {
    fc.assert(
      fc.property(labelsArb, fracArb, fracArb, fc.integer(), (labels, validation, test, seed) => {
        const n = labels.length;
        const counts = splitCounts(n, { validation, test });
        const s = splitIndices(n, { validation, test }, { seed, stratify: labels });
        expect([s.train.length, s.validation.length, s.test.length]).toEqual(counts);
        const all = [...s.train, ...s.validation, ...s.test];
        expect(new Set(all).size).toBe(n);
        const classSize = new Map<number, number>();
        for (const y of labels) classSize.set(y, (classSize.get(y) ?? 0) + 1);
        [s.train, s.validation, s.test].forEach((part, p) => {
          const inPart = new Map<number, number>();
          for (const i of part) inPart.set(labels[i], (inPart.get(labels[i]) ?? 0) + 1);
          for (const [c, size] of classSize) {
            expect(Math.abs((inPart.get(c) ?? 0) - (size * counts[p]) / n)).toBeLessThan(1 + 1e-9);
          }
        });
      }),
      { numRuns: 300, seed: 1 },
    );
  });
});
