import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor, tidy } from '@neurite/core';
import { clipByGlobalNorm } from './clip.js';
import { useJs } from './peer/harness.js';

beforeAll(useJs);

const lists = fc.array(fc.array(fc.double({ min: -1e3, max: 1e3, noNaN: true }), { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 4 });

describe('clipByGlobalNorm, properties (float64)', () => {
  it('the result has global norm min(norm, clipNorm) and the direction of the input', () => {
    fc.assert(
      fc.property(lists, fc.double({ min: 1e-3, max: 1e3, noNaN: true }), (values, clipNorm) =>
        tidy(() => {
          const { grads, norm } = clipByGlobalNorm(values.map((v) => tensor(v, undefined, 'float64')), clipNorm);
          const before = Math.hypot(...values.flat());
          const out = grads.map((g) => Array.from(g.dataSync()));
          const after = Math.hypot(...out.flat());
          expect(norm.dataSync()[0]).toBeCloseTo(before, 6);
          expect(Math.abs(after - Math.min(before, clipNorm))).toBeLessThanOrEqual(1e-9 * Math.max(1, before));
          // Same direction: one common factor in (0, 1] for every element.
          const factor = before > clipNorm ? clipNorm / before : 1;
          out.flat().forEach((x, i) => expect(Math.abs(x - values.flat()[i] * factor)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(values.flat()[i]))));
        }),
      ),
      { numRuns: 100 },
    );
  });
});
