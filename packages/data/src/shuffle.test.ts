import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset, fromArrays } from './arrays.js';
import { epochSeed, shuffle, shuffledIndices } from './shuffle.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('shuffledIndices', () => {
  it('is a permutation, the same for the same seed and different for another', () => {
    const a = shuffledIndices(100, 7);
    expect(Array.from(a).sort((p, q) => p - q)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(Array.from(shuffledIndices(100, 7))).toEqual(Array.from(a));
    expect(Array.from(shuffledIndices(100, 8))).not.toEqual(Array.from(a));
  });

  it('puts every element at every position about equally often (Fisher-Yates is unbiased)', () => {
    const n = 5;
    const trials = 20_000;
    const counts = Array.from({ length: n }, () => new Array<number>(n).fill(0));
    for (let t = 0; t < trials; t++) {
      const p = shuffledIndices(n, t);
      for (let pos = 0; pos < n; pos++) counts[p[pos]][pos]++;
    }
    // Expected 4,000 per cell; the standard deviation is about 57, so 300 is over 5 sigma.
    for (const row of counts) for (const c of row) expect(Math.abs(c - trials / n)).toBeLessThan(300);
  });

  it('gives each epoch its own order', () => {
    expect(epochSeed(1, 0)).not.toBe(epochSeed(1, 1));
    expect(epochSeed(1, 0)).not.toBe(epochSeed(2, 0));
    expect(epochSeed(1, 3)).toBe(epochSeed(1, 3));
  });
});

describe('shuffle', () => {
  it('keeps each feature row with its label', () => {
    const before = memory().numTensors;
    const ds = fromArrays(Array.from({ length: 20 }, (_, i) => [i, -i]), Array.from({ length: 20 }, (_, i) => i));
    const s = shuffle(ds, 3);
    const x = s.x.dataSync();
    const y = s.y.dataSync();
    for (let i = 0; i < 20; i++) expect([x[2 * i], x[2 * i + 1]]).toEqual([y[i], -y[i]]);
    expect(Array.from(y)).not.toEqual(Array.from({ length: 20 }, (_, i) => i));
    disposeDataset(s);
    disposeDataset(ds);
    expect(memory().numTensors).toBe(before);
  });
});
