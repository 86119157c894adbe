import { createJsBackend } from '@neurite/backend-js';
import { memory, registerBackend, setBackend } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { disposeDataset } from './arrays.js';
import { LOADER_SEED } from './loader-order.js';
import { MNIST_PIXELS, loadMnist, loadMnistArrays } from './mnist.js';
import { shuffledIndices } from './shuffle.js';

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
    const all = await loadMnistArrays('all', { shuffle: false });
    expect(all.perDigit).toEqual(PACKAGE_COUNTS);
    expect(all.y.length).toBe(10_000);
    const { train, test } = await loadMnistArrays('standard', { shuffle: false });
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

const row = (x: Float32Array, i: number) => Array.from(x.subarray(i * MNIST_PIXELS, (i + 1) * MNIST_PIXELS));

describe('the default order of the MNIST loaders', () => {
  it('is the sorted rows permuted as shuffledIndices(n, seed) orders them, seed LOADER_SEED by default', async () => {
    const sorted = await loadMnistArrays('standard', { shuffle: false });
    for (const [options, seed] of [[{}, LOADER_SEED], [{ seed: 7 }, 7]] as const) {
      const { train, test } = await loadMnistArrays('standard', options);
      const order = shuffledIndices(8000, seed);
      for (const i of [0, 1, 799, 4000, 7999]) {
        expect(train.y[i]).toBe(sorted.train.y[order[i]]);
        expect(row(train.x, i)).toEqual(row(sorted.train.x, order[i]));
      }
      expect(Array.from(train.y)).toEqual(Array.from(order, (r) => sorted.train.y[r]));
      expect(train.perDigit).toEqual(sorted.train.perDigit);
      expect(histogram(test.y)).toEqual(TEST_PER_DIGIT);
      expect(test.perDigit).toEqual(TEST_PER_DIGIT);
    }
    const again = await loadMnistArrays('standard', { seed: 7 });
    const other = await loadMnistArrays('standard', { seed: 8 });
    expect(Array.from(again.test.y)).not.toEqual(Array.from(sorted.test.y));
    expect(Array.from(other.train.y)).not.toEqual(Array.from(again.train.y));
    expect(Array.from(again.test.y)).toEqual(Array.from((await loadMnistArrays('standard', { seed: 7 })).test.y));
  });

  it("puts every digit in the last tenth, which fit's validationSplit takes", async () => {
    const { train } = await loadMnist();
    const tail = Array.from(train.y.dataSync().subarray(7200));
    expect(new Set(tail).size).toBe(10);
    disposeDataset(train);
    const all = await loadMnistArrays('all');
    expect(new Set(all.y.subarray(9000)).size).toBe(10);
    expect(histogram(all.y)).toEqual(PACKAGE_COUNTS);
  });

  it('refuses a seed that is not an integer and a shuffle that is not a boolean', async () => {
    await expect(loadMnistArrays('all', { seed: 1.5 })).rejects.toThrow(/loadMnist: seed must be an integer, got 1.5/);
    await expect(loadMnist({ shuffle: 'yes' as unknown as boolean })).rejects.toThrow(/shuffle must be true or false/);
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
    const { train, test } = await loadMnist({ shape: 'image', oneHot: true, shuffle: false });
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
