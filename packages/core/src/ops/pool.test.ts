import { beforeAll, describe, expect, it } from 'vitest';
import { createJsBackend } from '@neurite/backend-js';
import {
  ArgumentError,
  DTypeError,
  ShapeError,
  avgPool2d,
  globalAvgPool2d,
  globalMaxPool2d,
  grad,
  maxPool2d,
  ones,
  pool2dOutputShape,
  registerBackend,
  setBackend,
  sum,
  tensor,
  tidy,
} from '../index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('pool2dOutputShape', () => {
  it('strides default to the window: windows side by side', () => {
    expect(pool2dOutputShape([4, 28, 28, 8], { poolSize: 2 })).toEqual([4, 14, 14, 8]);
    expect(pool2dOutputShape([1, 7, 7, 1], { poolSize: 2 })).toEqual([1, 3, 3, 1]);
    expect(pool2dOutputShape([1, 7, 7, 1], { poolSize: [3, 2] })).toEqual([1, 2, 3, 1]);
  });

  it("'same' gives ceil(input / stride)", () => {
    expect(pool2dOutputShape([1, 7, 7, 1], { poolSize: 2, padding: 'same' })).toEqual([1, 4, 4, 1]);
    expect(pool2dOutputShape([1, 7, 6, 1], { poolSize: 3, strides: 1, padding: 'same' })).toEqual([1, 7, 6, 1]);
  });

  it('explains a window that does not fit and bad options', () => {
    expect(() => pool2dOutputShape([1, 2, 2, 1], { poolSize: 3 })).toThrow(ShapeError);
    expect(() => pool2dOutputShape([1, 2, 2, 1], { poolSize: 3 })).toThrow(/3x3 window does not fit the 2x2 input/);
    expect(() => pool2dOutputShape([2, 2, 1], { poolSize: 1 })).toThrow(/x must have rank 4/);
    expect(() => pool2dOutputShape([1, 4, 4, 1], { poolSize: 0 })).toThrow(/poolSize 0 must be a positive integer/);
    expect(() => pool2dOutputShape([1, 4, 4, 1], { poolSize: 2, strides: [1, 0] })).toThrow(ArgumentError);
    expect(() => pool2dOutputShape([1, 4, 4, 1], { poolSize: 2, padding: 1 as never })).toThrow(/must be 'valid' or 'same'/);
    expect(() => pool2dOutputShape([1, 4, 4, 1], undefined as never)).toThrow(/needs options with a poolSize/);
  });
});

describe('pooling ops', () => {
  it('compute the hand-worked values', () => {
    tidy(() => {
      const x = tensor([1, 5, 2, 0, 3, 4, 9, 8, 7, 6, 1, 1, 2, 2, 3, 0], [1, 4, 4, 1]);
      expect(Array.from(maxPool2d(x, { poolSize: 2 }).dataSync())).toEqual([5, 9, 7, 3]);
      expect(Array.from(avgPool2d(x, { poolSize: 2 }).dataSync())).toEqual([3.25, 4.75, 4.25, 1.25]);
      expect(Array.from(globalMaxPool2d(x).dataSync())).toEqual([9]);
      expect(globalAvgPool2d(x).shape).toEqual([1, 1]);
    });
  });

  it('send a tied maximum gradient to the first maximum in row-major order', () => {
    tidy(() => {
      const dx = grad((x) => sum(maxPool2d(x, { poolSize: 2 })))(ones([1, 2, 2, 1]));
      expect(Array.from(dx.dataSync())).toEqual([1, 0, 0, 0]);
    });
  });

  it('reject int32 and non-4-D inputs', () => {
    tidy(() => {
      expect(() => maxPool2d(ones([1, 4, 4, 1], 'int32'), { poolSize: 2 })).toThrow(DTypeError);
      expect(() => avgPool2d(ones([4, 4, 1]), { poolSize: 2 })).toThrow(ShapeError);
      expect(() => globalMaxPool2d(ones([4, 4]))).toThrow(/globalMaxPool2d: x must have rank 4/);
      expect(() => globalAvgPool2d(ones([1, 0, 3, 2]))).toThrow(/no pixels to pool/);
    });
  });
});
