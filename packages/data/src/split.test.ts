import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset, fromArrays } from './arrays.js';
import { apportion, split, splitCounts, splitIndices } from './split.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

function expectDisjointCover(parts: Int32Array[], n: number, total = n): void {
  const all = parts.flatMap((p) => Array.from(p));
  expect(new Set(all).size).toBe(all.length);
  expect(all.length).toBe(total);
  for (const i of all) expect(i >= 0 && i < n).toBe(true);
}

describe('splitCounts', () => {
  it('reads fractions and counts, train taking the rest', () => {
    expect(splitCounts(100, { validation: 0.1, test: 0.2 })).toEqual([70, 10, 20]);
    expect(splitCounts(100, { train: 50, test: 25 })).toEqual([50, 0, 25]);
    expect(splitCounts(100, { train: 0.5, validation: 10 })).toEqual([50, 10, 0]);
  });

  it('rejects sizes that do not fit', () => {
    expect(() => splitCounts(10, { train: 8, test: 5 })).toThrow(/ask for 13 examples but there are 10/);
    expect(() => splitCounts(10, { test: 2.5 })).toThrow(/fraction in \[0, 1\) or a whole count, got 2.5/);
  });
});

describe('splitIndices', () => {
  it('gives disjoint parts of the asked sizes, reproducibly', () => {
    const a = splitIndices(1000, { validation: 0.15, test: 0.15 }, { seed: 1 });
    expect([a.train.length, a.validation.length, a.test.length]).toEqual([700, 150, 150]);
    expectDisjointCover([a.train, a.validation, a.test], 1000);
    const b = splitIndices(1000, { validation: 0.15, test: 0.15 }, { seed: 1 });
    expect(Array.from(b.test)).toEqual(Array.from(a.test));
    const c = splitIndices(1000, { validation: 0.15, test: 0.15 }, { seed: 2 });
    expect(Array.from(c.test)).not.toEqual(Array.from(a.test));
  });

  it('keeps order without shuffling and leaves unused examples out', () => {
    const a = splitIndices(10, { train: 6, test: 2 }, { seed: 0, shuffle: false });
    expect(Array.from(a.train)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(Array.from(a.test)).toEqual([6, 7]);
    expectDisjointCover([a.train, a.validation, a.test], 10, 8);
  });

  it('stratifies: each part keeps every class within one example of its share', () => {
    // Imbalanced classes: 600, 300, 90, 10.
    const labels = [...new Array(600).fill(0), ...new Array(300).fill(1), ...new Array(90).fill(2), ...new Array(10).fill(3)];
    const s = splitIndices(labels.length, { validation: 0.2, test: 0.1 }, { seed: 4, stratify: labels });
    expect([s.train.length, s.validation.length, s.test.length]).toEqual([700, 200, 100]);
    expectDisjointCover([s.train, s.validation, s.test], labels.length);
    const classSizes = [600, 300, 90, 10];
    for (const [part, frac] of [[s.train, 0.7], [s.validation, 0.2], [s.test, 0.1]] as const) {
      const counts = [0, 0, 0, 0];
      for (const i of part) counts[labels[i]]++;
      counts.forEach((k, c) => expect(Math.abs(k - classSizes[c] * frac)).toBeLessThanOrEqual(1));
    }
  });

  it('without stratification small classes drift (the reason stratify exists)', () => {
    const labels = [...new Array(950).fill(0), ...new Array(50).fill(1)];
    let worst = 0;
    for (let seed = 0; seed < 20; seed++) {
      const s = splitIndices(1000, { test: 0.1 }, { seed });
      const ones = Array.from(s.test).filter((i) => labels[i] === 1).length;
      worst = Math.max(worst, Math.abs(ones - 5));
    }
    expect(worst).toBeGreaterThan(1);
  });
});

describe('apportion', () => {
  it('matches row and column totals exactly', () => {
    const t = apportion([7, 5, 3, 1], [9, 4, 3], 1);
    expect(t.map((r) => r.reduce((a, b) => a + b))).toEqual([7, 5, 3, 1]);
    expect([0, 1, 2].map((p) => t.reduce((a, r) => a + r[p], 0))).toEqual([9, 4, 3]);
  });
});

describe('split', () => {
  it('splits tensors, stratified on y, and frees what it made when disposed', () => {
    const before = memory().numTensors;
    const n = 60;
    const ds = fromArrays(Array.from({ length: n }, (_, i) => [i]), Array.from({ length: n }, (_, i) => i % 3));
    const parts = split(ds, { validation: 0.25, test: 0.25 }, { seed: 9, stratify: true });
    expect(parts.train.x.shape).toEqual([30, 1]);
    expect(parts.validation.y.shape).toEqual([15]);
    for (const part of [parts.train, parts.validation, parts.test]) {
      const y = Array.from(part.y.dataSync());
      const x = Array.from(part.x.dataSync());
      x.forEach((v, i) => expect(v % 3).toBe(y[i]));
      for (let c = 0; c < 3; c++) expect(y.filter((v) => v === c).length).toBe(y.length / 3);
      disposeDataset(part);
    }
    disposeDataset(ds);
    expect(memory().numTensors).toBe(before);
  });
});
