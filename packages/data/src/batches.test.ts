import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset, fromArrays } from './arrays.js';
import { batchCount, batchIndices, batches } from './batches.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

const ids = (n: number) => Array.from({ length: n }, (_, i) => i);

describe('batchIndices', () => {
  it('covers every example once, in order, with a short last batch', () => {
    const b = batchIndices(10, { batchSize: 4 });
    expect(b.map((x) => Array.from(x))).toEqual([[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
    expect(batchCount(10, 4)).toBe(3);
  });

  it('drops the remainder when asked', () => {
    const b = batchIndices(10, { batchSize: 4, dropRemainder: true });
    expect(b.map((x) => x.length)).toEqual([4, 4]);
    expect(batchCount(10, 4, true)).toBe(2);
  });

  it('shuffles reproducibly per epoch', () => {
    const flat = (epoch: number, seed = 1) => batchIndices(50, { batchSize: 8, shuffle: true, seed, epoch }).flatMap((x) => Array.from(x));
    expect(flat(0)).toEqual(flat(0));
    expect(flat(0)).not.toEqual(flat(1));
    expect(flat(0)).not.toEqual(flat(0, 2));
    expect([...flat(1)].sort((a, b) => a - b)).toEqual(ids(50));
  });

  it('rejects a bad batch size and an unseeded shuffle', () => {
    expect(() => batchIndices(10, { batchSize: 0 })).toThrow(/batchSize must be an integer >= 1, got 0/);
    expect(() => batchIndices(10, { batchSize: 2, shuffle: true })).toThrow(/shuffle needs a seed/);
  });
});

describe('batches', () => {
  it('yields matching x/y batches and leaves memory as it was once they are disposed', () => {
    const ds = fromArrays(ids(10).map((i) => [i, i * 10]), ids(10));
    const before = memory().numTensors;
    const seen: number[] = [];
    for (const batch of batches(ds, { batchSize: 3, shuffle: true, seed: 5 })) {
      const x = batch.x.dataSync();
      const y = Array.from(batch.y.dataSync());
      y.forEach((label, i) => expect(x[2 * i + 1]).toBe(label * 10));
      seen.push(...y);
      disposeDataset(batch);
    }
    expect(seen.sort((a, b) => a - b)).toEqual(ids(10));
    expect(memory().numTensors).toBe(before);
    disposeDataset(ds);
  });
});
