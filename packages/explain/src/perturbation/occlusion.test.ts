import { ArgumentError, add, mul, reshape, square, sum, tanh, tensor, type Tensor } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { useBackend } from '../testing/backends.js';
import { occlusion } from './occlusion.js';

/**
 * f(x) = tanh(w . x) + sum(u_i x_i^2) over the flattened example: the tanh
 * couples the features, so occluding a window is not the sum of occluding
 * its elements, and the averaging over windows matters.
 */
function model(w: number[], u: number[]) {
  const d = w.length;
  const fn = (t: Tensor) => {
    const flat = reshape(t, [t.shape[0], d]);
    return add(tanh(sum(mul(flat, tensor(w)), 1)), sum(mul(square(flat), tensor(u)), 1));
  };
  const plain = (x: number[]) => Math.tanh(x.reduce((s, v, i) => s + w[i] * v, 0)) + x.reduce((s, v, i) => s + u[i] * v * v, 0);
  return { fn, plain };
}

/** Window starts on one axis: step by the stride until a window reaches the end. */
function starts(size: number, window: number, stride: number): number[] {
  const out = [0];
  while (out[out.length - 1] + window < size) out.push(out[out.length - 1] + stride);
  return out;
}

/**
 * The reference, built another way than occlusion.ts: one 0/1 mask per window
 * from the cartesian product of per-axis starts, each clipped at the edge;
 * every element averages f(x) - f(x with the mask at the baseline) over the masks that hold it.
 */
function reference(shape: number[], window: number[], strides: number[], x: number[], baseline: number, f: (x: number[]) => number): number[] {
  // One entry per window: its mask on each axis.
  let windows: boolean[][][] = [[]];
  shape.forEach((size, a) => {
    const onAxis = starts(size, window[a], strides[a]).map((s) => Array.from({ length: size }, (_, i) => i >= s && i < s + window[a]));
    windows = windows.flatMap((axes) => onAxis.map((mask) => [...axes, mask]));
  });
  const d = shape.reduce((p, q) => p * q, 1);
  const full = windows.map((axes) =>
    Array.from({ length: d }, (_, flat) => {
      let rest = flat;
      let inside = true;
      for (let a = shape.length - 1; a >= 0; a--) {
        inside &&= axes[a][rest % shape[a]];
        rest = Math.floor(rest / shape[a]);
      }
      return inside;
    }),
  );
  const fx = f(x);
  const total = new Array<number>(d).fill(0);
  const count = new Array<number>(d).fill(0);
  for (const m of full) {
    const drop = fx - f(x.map((v, i) => (m[i] ? baseline : v)));
    m.forEach((inside, i) => {
      if (inside) {
        total[i] += drop;
        count[i]++;
      }
    });
  }
  return total.map((t, i) => t / count[i]);
}

const seq = (n: number, k: number) => Array.from({ length: n }, (_, i) => Math.sin(k * (i + 1)) * 0.8);

describe('occlusion window placement', () => {
  beforeAll(() => useBackend('js'));

  it('window 2, stride 2 on 3 features: the last window is cut at the edge and covers feature 3', () => {
    // Windows {x1, x2} and {x3}: with f = w . x and baseline 0, feature 3 gets w3 x3 = 3 * 4 = 12.
    const f = (t: Tensor) => sum(mul(t, tensor([1, 2, 3])), 1);
    const x = tensor([[2, 1, 4]]);
    const r = occlusion(f, x, { window: [2], strides: [2] });
    expect(Array.from(r.values)).toEqual([4, 4, 12]);
    x.dispose();
  });

  it.each([
    { shape: [3], window: [2], strides: [2] },
    { shape: [7], window: [3], strides: [2] },
    { shape: [7], window: [4], strides: [3] },
    { shape: [5, 5], window: [2, 2], strides: [2, 2] },
    { shape: [6, 5], window: [4, 3], strides: [3, 2] },
    { shape: [5, 4, 2], window: [3, 3, 2], strides: [2, 2, 2] },
    { shape: [4, 4, 3], window: [2, 3, 1], strides: [1, 2, 1] },
  ])('matches a direct computation for $shape, window $window, strides $strides', ({ shape, window, strides }) => {
    const d = shape.reduce((p, q) => p * q, 1);
    const { fn, plain } = model(seq(d, 1.7), seq(d, 0.9));
    const rows = [seq(d, 2.3), seq(d, 3.1)];
    const x = tensor(rows.flat(), [2, ...shape]);
    const baseline = 0.25;
    const r = occlusion(fn, x, { window, strides, baseline });
    expect(r.shape).toEqual([2, ...shape]);
    rows.forEach((row, i) => {
      const want = reference(shape, window, strides, row, baseline, plain);
      want.forEach((v, j) => expect(r.values[i * d + j], `example ${i}, element ${j}`).toBeCloseTo(v, 5));
    });
    x.dispose();
  });

  it('refuses a stride longer than the window, which would leave elements never occluded', () => {
    const f = (t: Tensor) => sum(t, 1);
    const x = tensor([[1, 2, 3]]);
    expect(() => occlusion(f, x, { window: [1], strides: [2] })).toThrow(ArgumentError);
    expect(() => occlusion(f, x, { window: [1], strides: [2] })).toThrow(/strides\[0\] = 2 is larger than window\[0\] = 1.*at most 1/);
    // A window that spans the whole axis leaves nothing between windows, whatever the stride.
    expect(Array.from(occlusion(f, x, { window: [3], strides: [5] }).values)).toEqual([6, 6, 6]);
    x.dispose();
  });
});
