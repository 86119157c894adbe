import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset } from './arrays.js';
import { loadIris } from './iris.js';
import { LOADER_SEED } from './loader-order.js';
import { shuffledIndices } from './shuffle.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('loadIris', () => {
  it('gives 150 rows of 4 features and 3 classes of 50', async () => {
    const before = memory().numTensors;
    const iris = await loadIris({ shuffle: false });
    expect(iris.x.shape).toEqual([150, 4]);
    expect(iris.y.dtype).toBe('int32');
    expect(iris.classNames).toEqual(['setosa', 'versicolor', 'virginica']);
    expect(iris.featureNames).toHaveLength(4);
    const y = Array.from(iris.y.dataSync());
    expect([0, 1, 2].map((c) => y.filter((v) => v === c).length)).toEqual([50, 50, 50]);
    // Fisher's first row: 5.1, 3.5, 1.4, 0.2, setosa.
    expect(Array.from(iris.x.dataSync().subarray(0, 4))).toEqual([5.1, 3.5, 1.4, 0.2].map(Math.fround));
    expect(y[0]).toBe(0);
    disposeDataset(iris);
    const hot = await loadIris({ oneHot: true });
    expect(hot.y.shape).toEqual([150, 3]);
    disposeDataset(hot);
    expect(memory().numTensors).toBe(before);
  });

  it('gives the rows in a seeded shuffled order by default: every class in the last tenth', async () => {
    const before = memory().numTensors;
    const sorted = await loadIris({ shuffle: false });
    const sx = sorted.x.dataSync();
    const sy = sorted.y.dataSync();
    for (const [options, seed] of [[{}, LOADER_SEED], [{ seed: 3, oneHot: true }, 3]] as const) {
      const iris = await loadIris(options);
      const order = shuffledIndices(150, seed);
      const x = iris.x.dataSync();
      const y = iris.y.dataSync();
      const labelOf = (i: number) => ('oneHot' in options ? [0, 1, 2].find((c) => y[i * 3 + c] === 1) : y[i]);
      for (let i = 0; i < 150; i++) {
        expect(labelOf(i)).toBe(sy[order[i]]);
        expect(Array.from(x.subarray(i * 4, i * 4 + 4))).toEqual(Array.from(sx.subarray(order[i] * 4, order[i] * 4 + 4)));
      }
      expect(new Set(Array.from({ length: 15 }, (_, k) => labelOf(135 + k))).size).toBe(3);
      disposeDataset(iris);
    }
    disposeDataset(sorted);
    expect(memory().numTensors).toBe(before);
  });
});
