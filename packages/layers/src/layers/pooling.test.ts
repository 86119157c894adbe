import { beforeAll, describe, expect, it } from 'vitest';
import { ArgumentError, ShapeError, dispose, grad, sum, tensor, type Tensor } from '@neurite/core';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { AvgPool2D, GlobalAveragePooling2D, GlobalMaxPooling2D, MaxPool2D, avgPool2d, globalAveragePooling2d, globalMaxPooling2d, maxPool2d } from './pooling.js';

beforeAll(useJs);

const values = (t: Tensor) => Array.from(t.dataSync());

// One 4x4 image with 2 channels: channel 0 counts 0..15 row-major, channel 1 is 100 minus that.
const image = () =>
  tensor(
    Array.from({ length: 32 }, (_, i) => (i % 2 === 0 ? i / 2 : 100 - (i - 1) / 2)),
    [1, 4, 4, 2],
  );
const channel = (t: Tensor, c: number) => values(t).filter((_, i) => i % 2 === c);

describe('pooling layers', () => {
  it('MaxPool2D and AvgPool2D pool each channel over windows; strides default to the pool size', () => {
    const x = image();
    const mp = maxPool2d();
    expect(mp.poolSize).toEqual([2, 2]);
    expect(mp.strides).toEqual([2, 2]);
    const m = mp.call(x);
    expect(m.shape).toEqual([1, 2, 2, 2]);
    expect(channel(m, 0)).toEqual([5, 7, 13, 15]);
    expect(channel(m, 1)).toEqual([100, 98, 92, 90]);
    const a = avgPool2d({ poolSize: 2 }).call(x);
    expect(channel(a, 0)).toEqual([2.5, 4.5, 10.5, 12.5]);
    // Overlapping 3x3 windows with stride 1, and 'same' padding left out of the average.
    const o = maxPool2d({ poolSize: 3, strides: 1 }).call(x);
    expect(channel(o, 0)).toEqual([10, 11, 14, 15]);
    const s = avgPool2d({ poolSize: 3, strides: 2, padding: 'same' }).call(x);
    expect(s.shape).toEqual([1, 2, 2, 2]);
    expect(channel(s, 0)).toEqual([5, 6.5, 11, 12.5]); // TF pads the odd pixel at the bottom/right: windows 3x3, 3x2, 2x3, 2x2
    dispose([x, m, a, o, s]);
  });

  it('infers shapes for valid and same padding, rectangular windows and strides', () => {
    expect(maxPool2d().computeOutputShape([28, 28, 8])).toEqual([14, 14, 8]);
    expect(maxPool2d().computeOutputShape([11, 11, 16])).toEqual([5, 5, 16]);
    expect(maxPool2d({ padding: 'same' }).computeOutputShape([11, 11, 16])).toEqual([6, 6, 16]);
    expect(avgPool2d({ poolSize: [3, 1], strides: [1, 2] }).computeOutputShape([5, 5, 1])).toEqual([3, 3, 1]);
    expect(globalAveragePooling2d().computeOutputShape([7, 5, 3])).toEqual([3]);
  });

  it('global pooling reduces height and width per channel', () => {
    const x = image();
    const avg = globalAveragePooling2d().call(x);
    expect(avg.shape).toEqual([1, 2]);
    expect(values(avg)).toEqual([7.5, 92.5]);
    const mx = globalMaxPooling2d().call(x);
    expect(values(mx)).toEqual([15, 100]);
    dispose([x, avg, mx]);
  });

  it('the max-pool gradient reaches the maximum of each window only; the average spreads evenly', () => {
    const x = image();
    const gm = grad((t: Tensor) => sum(maxPool2d().call(t)))(x);
    const hits = channel(gm, 0);
    expect(hits.reduce((a, b) => a + b, 0)).toBe(4);
    expect([5, 7, 13, 15].map((i) => hits[i])).toEqual([1, 1, 1, 1]);
    const ga = grad((t: Tensor) => sum(avgPool2d().call(t)))(x);
    expect(values(ga).every((v) => v === 0.25)).toBe(true);
    const gg = grad((t: Tensor) => sum(globalAveragePooling2d().call(t)))(x);
    expect(values(gg).every((v) => v === 1 / 16)).toBe(true);
    dispose([x, gm, ga, gg]);
  });

  it('round-trips configs; the global layers have none', () => {
    const layers = [
      maxPool2d({ poolSize: [3, 2], strides: 1, padding: 'same' }),
      avgPool2d({ poolSize: 2 }),
    ];
    for (const l of layers) {
      const c = JSON.parse(JSON.stringify(l.getConfig()));
      const again = l instanceof MaxPool2D ? MaxPool2D.fromConfig('p', c) : AvgPool2D.fromConfig('p', c);
      expect(again.getConfig()).toEqual(l.getConfig());
      expect(again.className).toBe(l.className);
    }
    expect(layers[0].getConfig()).toEqual({ poolSize: [3, 2], strides: [1, 1], padding: 'same' });
    // A config without strides (hand-written, or Keras's strides: null) takes the pool size.
    expect(MaxPool2D.fromConfig('p', { poolSize: [3, 3] }).strides).toEqual([3, 3]);
    expect(GlobalAveragePooling2D.fromConfig('g', {}).getConfig()).toEqual({});
    expect(() => GlobalMaxPooling2D.fromConfig('g', { keepDims: true })).toThrow(/unknown field 'keepDims'/);
    expect(() => AvgPool2D.fromConfig('p', { poolSize: [2, 2], padding: 'full' })).toThrow(/padding must be 'valid' or 'same'/);
    expect(() => MaxPool2D.fromConfig('p', { poolSize: [0, 2] })).toThrow(/'poolSize' must be a list/);
  });

  it('explains mistakes: wrong input rank, a window larger than the image, bad options', () => {
    expect(() => sequential([maxPool2d({ name: 'p1' })], { inputShape: [784] })).toThrow(ShapeError);
    expect(() => sequential([maxPool2d({ name: 'p1' })], { inputShape: [784] })).toThrow(/^p1: expected images \[batch, height, width, channels\], got \[batch, 784\]/);
    expect(() => sequential([globalMaxPooling2d({ name: 'g1' })], { inputShape: [4, 4] })).toThrow(/^g1: expected images/);
    expect(() => sequential([avgPool2d({ poolSize: 3, name: 'p2' })], { inputShape: [2, 5, 1] })).toThrow(
      /^p2: input \[batch, 2, 5, 1\]: the 3x3 window does not fit the 2x5 input/,
    );
    // 'same' always fits.
    expect(avgPool2d({ poolSize: 3, padding: 'same' }).computeOutputShape([2, 5, 1])).toEqual([1, 2, 1]);
    expect(() => maxPool2d({ poolSize: 0, name: 'p' })).toThrow(/^p: poolSize must be an integer in \[1, 65536\]/);
    expect(() => maxPool2d({ strides: [2, 2, 2] as never, name: 'p' })).toThrow(ArgumentError);
    expect(() => avgPool2d({ padding: 'causal' as never, name: 'p' })).toThrow(/^p: padding must be 'valid' or 'same'/);
    const flat = tensor([1, 2, 3, 4], [1, 4]);
    expect(() => globalAveragePooling2d({ name: 'g' }).call(flat)).toThrow(/^g: expected a rank-4 batch/);
    flat.dispose();
  });
});
