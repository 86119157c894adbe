import { beforeAll, describe, expect, it } from 'vitest';
import { createJsBackend } from '@neurite/backend-js';
import { ArgumentError, DTypeError, ShapeError, conv2d, conv2dOutputShape, grads, memory, ones, registerBackend, setBackend, sum, tidy } from '../index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('conv2dOutputShape', () => {
  it("'valid' keeps only windows that fit", () => {
    expect(conv2dOutputShape([2, 28, 28, 1], [5, 5, 1, 8])).toEqual([2, 24, 24, 8]);
    expect(conv2dOutputShape([1, 7, 8, 3], [3, 3, 3, 4], { strides: 2 })).toEqual([1, 3, 3, 4]);
    expect(conv2dOutputShape([1, 9, 9, 1], [2, 2, 1, 1], { strides: [3, 4] })).toEqual([1, 3, 2, 1]);
  });

  it("'same' gives ceil(input / stride) on odd and even sizes", () => {
    expect(conv2dOutputShape([1, 28, 28, 1], [3, 3, 1, 32], { padding: 'same' })).toEqual([1, 28, 28, 32]);
    expect(conv2dOutputShape([1, 7, 6, 1], [3, 3, 1, 2], { padding: 'same', strides: 2 })).toEqual([1, 4, 3, 2]);
    expect(conv2dOutputShape([1, 5, 5, 1], [4, 4, 1, 1], { padding: 'same', strides: 3 })).toEqual([1, 2, 2, 1]);
  });

  it('dilation widens the window to (k - 1) * d + 1', () => {
    expect(conv2dOutputShape([1, 10, 10, 1], [3, 3, 1, 1], { dilations: 2 })).toEqual([1, 6, 6, 1]);
    expect(conv2dOutputShape([1, 10, 10, 1], [3, 3, 1, 1], { dilations: [3, 1] })).toEqual([1, 4, 8, 1]);
    expect(conv2dOutputShape([1, 10, 10, 1], [3, 3, 1, 1], { dilations: 2, padding: 'same' })).toEqual([1, 10, 10, 1]);
  });

  it('explicit padding: one number for every side, or [[top, bottom], [left, right]]', () => {
    expect(conv2dOutputShape([1, 5, 5, 1], [3, 3, 1, 1], { padding: 1 })).toEqual([1, 5, 5, 1]);
    expect(conv2dOutputShape([1, 5, 5, 1], [3, 3, 1, 1], { padding: [[0, 2], [1, 0]] })).toEqual([1, 5, 4, 1]);
  });

  it('names the sizes when the filter does not fit', () => {
    expect(() => conv2dOutputShape([1, 2, 2, 1], [3, 3, 1, 1])).toThrow(ShapeError);
    expect(() => conv2dOutputShape([1, 2, 2, 1], [3, 3, 1, 1])).toThrow(/3x3 filter does not fit the 2x2 input/);
    expect(() => conv2dOutputShape([1, 4, 4, 1], [3, 3, 1, 1], { dilations: 2 })).toThrow(/\(5x5 dilated\)/);
  });

  it('checks ranks, channels and options', () => {
    expect(() => conv2dOutputShape([28, 28, 1], [3, 3, 1, 1])).toThrow(/x must have rank 4/);
    expect(() => conv2dOutputShape([1, 28, 28, 1], [3, 3, 1])).toThrow(/filter must have rank 4/);
    expect(() => conv2dOutputShape([1, 8, 8, 3], [3, 3, 1, 4])).toThrow(/has 3 channels but filter \[3,3,1,4\] expects 1/);
    for (const strides of [0, -1, 1.5, [1, 0] as const]) {
      expect(() => conv2dOutputShape([1, 8, 8, 1], [3, 3, 1, 1], { strides })).toThrow(ArgumentError);
    }
    expect(() => conv2dOutputShape([1, 8, 8, 1], [3, 3, 1, 1], { dilations: 0 })).toThrow(/dilations 0 must be a positive integer/);
    expect(() => conv2dOutputShape([1, 8, 8, 1], [3, 3, 1, 1], { padding: 'full' as never })).toThrow(ArgumentError);
    expect(() => conv2dOutputShape([1, 8, 8, 1], [3, 3, 1, 1], { padding: [[1, 1]] as never })).toThrow(ArgumentError);
    expect(() => conv2dOutputShape([1, 8, 8, 1], [3, 3, 1, 1], { padding: [[1, -1], [0, 0]] })).toThrow(ArgumentError);
  });
});

describe('conv2d', () => {
  it('returns the inferred shape, including an empty batch', () => {
    tidy(() => {
      expect(conv2d(ones([2, 7, 6, 3]), ones([3, 3, 3, 5]), { padding: 'same', strides: 2 }).shape).toEqual([2, 4, 3, 5]);
      const empty = conv2d(ones([0, 5, 5, 2]), ones([3, 3, 2, 4]));
      expect(empty.shape).toEqual([0, 3, 3, 4]);
      // The filter gradient of an empty batch is zero, not garbage.
      const [, df] = grads((x, f) => sum(conv2d(x, f)))([ones([0, 5, 5, 2]), ones([3, 3, 2, 4])]);
      expect(Array.from(df.dataSync()).every((v) => v === 0)).toBe(true);
    });
  });

  it('rejects int32 before running a kernel, and leaks nothing when it throws', () => {
    const before = memory().numTensors;
    tidy(() => {
      expect(() => conv2d(ones([1, 4, 4, 1], 'int32'), ones([2, 2, 1, 1]))).toThrow(DTypeError);
      expect(() => conv2d(ones([1, 4, 4, 1]), ones([2, 2, 1, 1], 'int32'))).toThrow(/cast\(x, 'float32'\)/);
    });
    expect(memory().numTensors).toBe(before);
  });

  it('promotes float32 and float64 operands to float64', () => {
    tidy(() => expect(conv2d(ones([1, 3, 3, 1], 'float64'), ones([2, 2, 1, 1])).dtype).toBe('float64'));
  });
});
