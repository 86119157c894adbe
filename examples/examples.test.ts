import { describe, expect, it } from 'vitest';
import { memory } from '@neurite/core';
// @ts-expect-error the examples are plain .mjs files written for readers, without type declarations
import { TRUE_B, TRUE_W, recovered, trainLinearRegression } from './linear-regression.mjs';
// @ts-expect-error see above
import { trainAll } from './train.mjs';
// @ts-expect-error see above
import { trainXor } from './xor.mjs';

describe('the examples the README runs', () => {
  it('XOR: a 2-2-1 tanh network gets all four cases right with flat memory', async () => {
    const r = await trainXor({ seed: 1, backend: 'js' });
    expect(r.predictions.map(Math.round)).toEqual([0, 1, 1, 0]);
    expect(r.tensorsAfter).toBe(r.tensorsBefore);
  });

  it('linear regression recovers w = 2 and b = 3 within 0.1', async () => {
    const r = await trainLinearRegression({ seed: 1, backend: 'js' });
    expect(Math.abs(r.w - TRUE_W)).toBeLessThan(0.1);
    expect(Math.abs(r.b - TRUE_B)).toBeLessThan(0.1);
    expect(recovered(r)).toBe(true);
  });

  it('the main job is reproducible: same seed, same numbers, nothing left behind', async () => {
    const before = memory().numTensors;
    const a = await trainAll({ seed: 3, backend: 'js' });
    const b = await trainAll({ seed: 3, backend: 'js' });
    expect(a.ok).toBe(true);
    expect(b.xor.predictions).toEqual(a.xor.predictions);
    expect(b.linear.w).toBe(a.linear.w);
    expect(memory().numTensors).toBe(before);
  });
});
