import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset } from './arrays.js';
import { MNIST_PIXELS, loadMnist, loadMnistArrays } from './mnist.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

/**
 * What the `mnist` 1.1.0 package ships per digit (10,000 in all). Five
 * digits have fewer than 1,000 samples, so the test part of our split
 * (samples 800-999 of each digit) holds 1,756 digits, not 2,000.
 */
const PACKAGE_COUNTS = [1001, 1127, 991, 1032, 980, 863, 1014, 1070, 944, 978];
const TEST_PER_DIGIT = PACKAGE_COUNTS.map((c) => Math.min(c, 1000) - 800);

function histogram(y: ArrayLike<number>): number[] {
  const h = new Array<number>(10).fill(0);
  for (let i = 0; i < y.length; i++) h[y[i]]++;
  return h;
}

describe('loadMnistArrays', () => {
  it("splits per digit: samples 0-799 train, 800-999 test", async () => {
    const all = await loadMnistArrays('all');
    expect(all.perDigit).toEqual(PACKAGE_COUNTS);
    expect(all.y.length).toBe(10_000);
    const { train, test } = await loadMnistArrays('standard');
    expect(train.y.length).toBe(8000);
    expect(train.perDigit).toEqual(new Array(10).fill(800));
    expect(histogram(train.y)).toEqual(new Array(10).fill(800));
    expect(test.perDigit).toEqual(TEST_PER_DIGIT);
    expect(test.y.length).toBe(1756);
    expect(histogram(test.y)).toEqual(TEST_PER_DIGIT);
    expect(train.x.length).toBe(8000 * MNIST_PIXELS);

    // Train is the first 800 of each digit and test the next ones: compare against the 'all' layout.
    const offset = (digit: number) => PACKAGE_COUNTS.slice(0, digit).reduce((a, b) => a + b, 0);
    const row = (x: Float32Array, i: number) => Array.from(x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));
    expect(row(train.x, 800 * 3 + 799)).toEqual(row(all.x, offset(3) + 799));
    const firstTestFive = TEST_PER_DIGIT.slice(0, 5).reduce((a, b) => a + b, 0);
    expect(row(test.x, firstTestFive)).toEqual(row(all.x, offset(5) + 800));
    expect(test.y[firstTestFive]).toBe(5);

    let lo = Infinity;
    let hi = -Infinity;
    for (const v of train.x) {
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
    expect(lo).toBe(0);
    expect(hi).toBe(1);
  });
});

describe('loadMnist', () => {
  it('gives float32 [n, 784] pixels and int32 labels, freed without leaks', async () => {
    const before = memory().numTensors;
    const { train, test } = await loadMnist({ split: 'standard' });
    expect(train.x.shape).toEqual([8000, 784]);
    expect(train.x.dtype).toBe('float32');
    expect(train.y.shape).toEqual([8000]);
    expect(train.y.dtype).toBe('int32');
    expect(test.x.shape).toEqual([1756, 784]);
    disposeDataset(train);
    disposeDataset(test);
    expect(memory().numTensors).toBe(before);
  });

  it('offers image-shaped pixels and one-hot labels', async () => {
    const before = memory().numTensors;
    const { train, test } = await loadMnist({ shape: 'image', oneHot: true });
    expect(train.x.shape).toEqual([8000, 28, 28, 1]);
    expect(train.y.shape).toEqual([8000, 10]);
    expect(train.y.dtype).toBe('float32');
    const y = train.y.dataSync();
    // Row 800 is the first training 1.
    expect(Array.from(y.subarray(8000, 8010))).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0, 0]);
    disposeDataset(train);
    disposeDataset(test);
    const all = await loadMnist({ split: 'all' });
    expect(all.x.shape).toEqual([10_000, 784]);
    disposeDataset(all);
    expect(memory().numTensors).toBe(before);
    await expect(loadMnist({ split: 'bogus' as 'all' })).rejects.toThrow(/unknown split 'bogus'/);
  });
});
