import { describe, expect, it } from 'vitest';
import { ShapeError } from './errors.js';
import { broadcastShapes, broadcastedAxes, normalizeAxes, sizeOf, stridesOf } from './shape.js';

describe('shape helpers', () => {
  it('broadcasts NumPy style', () => {
    expect(broadcastShapes('t', [3, 1], [1, 4])).toEqual([3, 4]);
    expect(broadcastShapes('t', [2, 3, 4], [4])).toEqual([2, 3, 4]);
    expect(broadcastShapes('t', [], [5])).toEqual([5]);
    expect(() => broadcastShapes('add', [2, 3], [4])).toThrow(ShapeError);
  });
  it('finds the axes a gradient must be summed over', () => {
    expect(broadcastedAxes([3, 1], [2, 3, 4])).toEqual([0, 2]);
    expect(broadcastedAxes([2, 3, 4], [2, 3, 4])).toEqual([]);
  });
  it('normalizes axes and computes strides and sizes', () => {
    expect(normalizeAxes('sum', [-1, 0], 3)).toEqual([0, 2]);
    expect(() => normalizeAxes('sum', [0, 0], 2)).toThrow(/repeat/);
    expect(() => normalizeAxes('sum', 3, 2)).toThrow(/out of range/);
    expect(stridesOf([2, 3, 4])).toEqual([12, 4, 1]);
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([0, 5])).toBe(0);
  });
});
