import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset } from './arrays.js';
import { loadIris } from './iris.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('loadIris', () => {
  it('gives 150 rows of 4 features and 3 classes of 50', async () => {
    const before = memory().numTensors;
    const iris = await loadIris();
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
});
