import { createJsBackend } from '@neurite/backend-js';
import { ShapeError, memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset, fromArrays, numExamples, take } from './arrays.js';
import { oneHotLabels } from './one-hot.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('fromArrays', () => {
  it('builds x [n, d] float32 and integer labels as int32', () => {
    const ds = fromArrays([[1, 2], [3, 4], [5, 6]], [0, 1, 0]);
    expect(ds.x.shape).toEqual([3, 2]);
    expect(ds.x.dtype).toBe('float32');
    expect(Array.from(ds.x.dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
    expect(ds.y.dtype).toBe('int32');
    expect(Array.from(ds.y.dataSync())).toEqual([0, 1, 0]);
    disposeDataset(ds);
  });

  it('keeps non-integer targets as float32 and honours featureShape', () => {
    const ds = fromArrays(new Float32Array([1, 2, 3, 4, 5, 6, 7, 8]), [0.5, 1.5], { featureShape: [2, 2] });
    expect(ds.x.shape).toEqual([2, 2, 2]);
    expect(ds.y.dtype).toBe('float32');
    disposeDataset(ds);
  });

  it('rejects ragged rows and a label count that does not match', () => {
    expect(() => fromArrays([[1, 2], [3]], [0, 1])).toThrow(/row 1 has 1 values but row 0 has 2/);
    expect(() => fromArrays([[1, 2], [3, 4]], [0])).toThrow(ShapeError);
    expect(() => fromArrays([[1, 2], [3, 4]], [0])).toThrow(/2 feature rows but 1 labels/);
    expect(() => fromArrays([[1], [2]], [0, '1' as unknown as number])).toThrow(/labels entry 1 is string/);
  });
});

describe('take', () => {
  it('gathers rows in the given order and leaks nothing', () => {
    const ds = fromArrays([[1], [2], [3], [4]], [10, 20, 30, 40]);
    const before = memory().numTensors;
    const sub = take(ds, [3, 0]);
    expect(Array.from(sub.x.dataSync())).toEqual([4, 1]);
    expect(Array.from(sub.y.dataSync())).toEqual([40, 10]);
    expect(numExamples(sub)).toBe(2);
    disposeDataset(sub);
    const empty = take(ds, []);
    expect(empty.x.shape).toEqual([0, 1]);
    disposeDataset(empty);
    expect(memory().numTensors).toBe(before);
    disposeDataset(ds);
  });
});

describe('oneHotLabels', () => {
  it('makes float32 rows and rejects labels that do not fit', () => {
    const before = memory().numTensors;
    const y = oneHotLabels([2, 0], 3);
    expect(y.shape).toEqual([2, 3]);
    expect(Array.from(y.dataSync())).toEqual([0, 0, 1, 1, 0, 0]);
    y.dispose();
    expect(() => oneHotLabels([0, 3], 3)).toThrow(/label 3 does not fit 3 classes/);
    expect(() => oneHotLabels([0, -1])).toThrow(/integers >= 0/);
    expect(memory().numTensors).toBe(before);
  });
});
