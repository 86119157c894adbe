import { describe, expect, it } from 'vitest';
import { Random } from '../index.js';
import { rngFor } from './case.js';
import { expectValues } from './compare.js';
import { awayFrom, fixed, input, sampleInputs, uniform } from './inputs.js';
import * as R from './reference.js';
import * as M from './reference-math.js';

// The conformance suite is only as good as its references: these pin them to
// values computed by hand or taken from tables, with no backend involved.

const data = (x: R.Ref) => Array.from(x.data);
const range = (shape: number[]) => R.generate(shape, (i) => R.ravel(i, shape));

describe('scalar references', () => {
  it('erf matches tabulated values on both branches', () => {
    const table: [number, number][] = [
      [0, 0],
      [0.1, 0.1124629160182849],
      [0.5, 0.5204998778130465],
      [1, 0.8427007929497149],
      [2, 0.9953222650189527],
      [1.9, 0.9927904292352575],
      [2.1, 0.997020533343667],
      [3, 0.9999779095030014],
      [3.5, 0.9999992569016276],
      [5, 0.9999999999984626],
    ];
    for (const [x, e] of table) {
      expect(M.erf(x)).toBeCloseTo(e, 14);
      expect(M.erf(-x)).toBeCloseTo(-e, 14);
      // Near 1, erfc = 1 - erf carries the information: it must be right relatively too.
      if (x >= 2) expect((1 - M.erf(x)) / (1 - e)).toBeCloseTo(1, 3);
    }
  });

  it('gelu is x times the normal CDF', () => {
    expect(M.gelu(1)).toBeCloseTo(0.8413447460685429, 14);
    expect(M.gelu(-2)).toBeCloseTo(-2 * 0.022750131948179195, 14);
  });

  it('rounds half to even', () => {
    const xs = [-2.5, -1.5, -0.5, 0.5, 1.5, 2.5, 0.49, -0.51, 3.5];
    expect(xs.map(M.roundHalfEven)).toEqual([-2, -2, -0, 0, 2, 2, 0, -1, 4]);
  });

  it('selu, softplus, sign and truncate follow their definitions', () => {
    expect(M.selu(1)).toBeCloseTo(1.0507009873554805, 15);
    expect(M.selu(-1)).toBeCloseTo(1.0507009873554805 * 1.6732632423543772 * (Math.exp(-1) - 1), 15);
    expect(M.softplus(0)).toBeCloseTo(Math.LN2, 15);
    expect([M.sign(-3), M.sign(0), M.sign(2), M.sign(NaN)]).toEqual([-1, 0, 1, NaN]);
    expect([M.truncate(-2.7), M.truncate(2.7)]).toEqual([-2, 2]);
  });
});

describe('array references', () => {
  it('broadcasts by index arithmetic', () => {
    const sum = R.zip(R.ref([3, 1], [1, 2, 3]), R.ref([1, 4], [10, 20, 30, 40]), (a, b) => a + b);
    expect(sum.shape).toEqual([3, 4]);
    expect(data(sum)).toEqual([11, 21, 31, 41, 12, 22, 32, 42, 13, 23, 33, 43]);
    expect(() => R.broadcastShape([2, 3], [4])).toThrow();
    expect(R.broadcastShape([], [2, 1], [3, 1, 5])).toEqual([3, 2, 5]);
  });

  it('multiplies matrices with transposes, batches and vectors', () => {
    const a = R.ref([2, 2], [1, 2, 3, 4]);
    const b = R.ref([2, 2], [5, 6, 7, 8]);
    expect(data(R.matMul(a, b))).toEqual([19, 22, 43, 50]);
    expect(data(R.matMul(a, b, true))).toEqual([26, 30, 38, 44]);
    expect(data(R.matMul(a, b, false, true))).toEqual([17, 23, 39, 53]);
    expect(data(R.matMul(a, b, true, true))).toEqual([23, 31, 34, 46]);
    expect(R.matMul(range([2, 1, 3, 4]), range([3, 4, 2])).shape).toEqual([2, 3, 3, 2]);
    const v = R.ref([2], [1, -1]);
    expect(R.matMul(v, b).shape).toEqual([2]);
    expect(data(R.matMul(v, b))).toEqual([-2, -2]);
    expect(data(R.matMul(a, v))).toEqual([-1, -1]);
    expect(R.matMul(v, v).shape).toEqual([]);
    expect(data(R.matMul(R.ref([2, 0], []), R.ref([0, 3], [])))).toEqual([0, 0, 0, 0, 0, 0]);
  });

  it('reduces over any axes, keeping them on request', () => {
    const x = range([2, 3, 4]);
    expect(data(R.reduce(x, [0, 2], false, R.folds.sum))).toEqual([0 + 1 + 2 + 3 + 12 + 13 + 14 + 15, 92, 124]);
    expect(R.reduce(x, [0, 2], true, R.folds.sum).shape).toEqual([1, 3, 1]);
    expect(R.reduce(x, undefined, false, R.folds.max).shape).toEqual([]);
    expect(data(R.reduce(x, -1, false, R.folds.mean))).toEqual([1.5, 5.5, 9.5, 13.5, 17.5, 21.5]);
    expect(data(R.reduce(R.ref([0, 3], []), 0, false, R.folds.sum))).toEqual([0, 0, 0]);
    expect(R.folds.variance([1, 2, 3, 4])).toBe(1.25);
    expect(R.folds.logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
    expect(R.folds.argMax([1, 3, 3, 0])).toBe(1);
    expect(R.folds.argMin([2, 0, 1, 0])).toBe(1);
    expect(R.folds.argMax([1, NaN, 3])).toBe(1);
  });

  it('moves data by index arithmetic', () => {
    const x = range([2, 3]);
    expect(data(R.transpose(x))).toEqual([0, 3, 1, 4, 2, 5]);
    expect(R.transpose(range([2, 3, 4]), [2, 0, 1]).shape).toEqual([4, 2, 3]);
    expect(data(R.slice(x, [-1, 1], [1, -1]))).toEqual([4, 5]);
    expect(data(R.concat([x, R.ref([2, 1], [9, 9])], 1))).toEqual([0, 1, 2, 9, 3, 4, 5, 9]);
    expect(data(R.stack([R.ref([2], [1, 2]), R.ref([2], [3, 4])], 1))).toEqual([1, 3, 2, 4]);
    expect(R.split(range([2, 6]), [1, 3, 2], 1).map(data)).toEqual([[0, 6], [1, 2, 3, 7, 8, 9], [4, 5, 10, 11]]);
    expect(data(R.gather(x, R.ref([3], [2, 0, 2]), 1))).toEqual([2, 0, 2, 5, 3, 5]);
    expect(data(R.scatterAdd(R.ref([3], [1, 2, 3]), R.ref([3], [1, 1, 0]), 2, 0))).toEqual([3, 3]);
    expect(data(R.pad(R.ref([1, 2], [1, 2]), [[1, 0], [0, 1]], 7))).toEqual([7, 7, 7, 1, 2, 7]);
    expect(data(R.tile(R.ref([1, 2], [1, 2]), [2, 2]))).toEqual([1, 2, 1, 2, 1, 2, 1, 2]);
    expect(data(R.reverse(x, 1))).toEqual([2, 1, 0, 5, 4, 3]);
    expect(data(R.reverse(x))).toEqual([5, 4, 3, 2, 1, 0]);
    expect(data(R.oneHot(R.ref([3], [1, -1, 3]), 3))).toEqual([0, 1, 0, 0, 0, 0, 0, 0, 0]);
    expect(data(R.broadcastTo(R.ref([2, 1], [1, 2]), [2, 2, 3]))).toEqual([1, 1, 1, 2, 2, 2, 1, 1, 1, 2, 2, 2]);
  });

  it('computes the composites from their definitions', () => {
    const z = R.ref([2, 3], [1, 2, 3, 1000, 1000, 1000]);
    const p = R.softmax(z);
    for (const v of data(p).slice(3)) expect(v).toBeCloseTo(1 / 3, 12);
    expect(data(R.reduce(p, 1, false, R.folds.sum)).map((v) => Math.round(v * 1e12) / 1e12)).toEqual([1, 1]);
    const ce = R.softmaxCrossEntropy(R.ref([2, 3], [0, 0, 1, 1, 0, 0]), z);
    expect(data(ce)[1]).toBeCloseTo(Math.log(3), 12);
    expect(data(R.sigmoidCrossEntropy(R.ref([1], [1]), R.ref([1], [0])))[0]).toBeCloseTo(Math.LN2, 15);
  });
});

describe('inputs and comparison', () => {
  it('draws reproducible, float32-representable, pairwise distinct values', () => {
    const specs = [input([4, 5], uniform(-1, 1)), input([6], awayFrom([0], 0.5, -1, 1)), fixed([2], [3, 4])];
    const a = sampleInputs(specs, rngFor('x'), true);
    const b = sampleInputs(specs, rngFor('x'), true);
    expect(a.map(data)).toEqual(b.map(data));
    const drawn = [...a[0].data, ...a[1].data];
    for (const v of drawn) expect(Math.fround(v)).toBe(v);
    for (let i = 0; i < drawn.length; i++) for (let j = i + 1; j < drawn.length; j++) expect(Math.abs(drawn[i] - drawn[j])).toBeGreaterThanOrEqual(0.02);
    for (const v of a[1].data) expect(Math.abs(v)).toBeGreaterThanOrEqual(0.5);
    expect(data(a[2])).toEqual([3, 4]);
    expect(data(sampleInputs(specs, rngFor('y'), true)[0])).not.toEqual(data(a[0]));
  });

  it('seeds each case from its name', () => {
    expect(rngFor('add forward').next()).toBe(rngFor('add forward').next());
    expect(rngFor('add forward').next()).not.toBe(rngFor('add gradient').next());
    expect(rngFor('a')).toBeInstanceOf(Random);
  });

  it('fails outside the tolerance, on NaN mismatches and on wrong lengths', () => {
    const tol = { rtol: 1e-3, atol: 0 };
    expect(() => expectValues('t', [1.0005], [1], tol)).not.toThrow();
    expect(() => expectValues('t', [1.002], [1], tol)).toThrow(/element 0 is 1.002/);
    expect(() => expectValues('t', [NaN], [1], tol)).toThrow();
    expect(() => expectValues('t', [1], [NaN], tol)).toThrow();
    expect(() => expectValues('t', [NaN], [NaN], tol)).not.toThrow();
    expect(() => expectValues('t', [Infinity], [-Infinity], tol)).toThrow();
    expect(() => expectValues('t', [1, 2], [1], tol)).toThrow();
    // A scale widens the bound for cancelling sums: 1e-3 of 100 admits an error of 0.05.
    expect(() => expectValues('t', [0.05], [0], tol, [100])).not.toThrow();
    expect(() => expectValues('t', [0.5], [0], tol, [100])).toThrow();
  });
});
