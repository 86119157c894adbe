import { expect } from 'vitest';
import * as nn from '../index.js';
import type { DType, Tensor } from '../index.js';
import type { Case } from './case.js';
import { EXACT, FLOAT32, expectTensor, type Tolerance } from './compare.js';
import * as R from './reference.js';

/** A case that checks one freshly created tensor and disposes it. */
function created(name: string, make: () => Tensor, expected: R.Ref, dtype: DType, tol: Tolerance = EXACT, needs?: 'float64'): Case {
  return {
    name,
    needs,
    run: () => {
      const t = make();
      try {
        expectTensor(name, t, expected, { dtype, tol });
      } finally {
        t.dispose();
      }
    },
  };
}

function constructorCases(): Case[] {
  return [
    created('tensor from nested arrays', () => nn.tensor([[1, 2, 3], [4, 5, 6]]), R.ref([2, 3], [1, 2, 3, 4, 5, 6]), 'float32'),
    created('tensor int32 from an Int32Array', () => nn.tensor(new Int32Array([7, -8, 9]), [3, 1]), R.ref([3, 1], [7, -8, 9]), 'int32'),
    created('tensor float64 keeps float64 precision', () => nn.tensor([0.1, 1 / 3], [2], 'float64'), R.ref([2], [0.1, 1 / 3]), 'float64', { rtol: 0, atol: 0 }, 'float64'),
    created('scalar', () => nn.scalar(-2.5), R.ref([], [-2.5]), 'float32'),
    created('full', () => nn.full([2, 3], 1.25), R.fill([2, 3], 1.25), 'float32'),
    created('full int32', () => nn.full([4], 7, 'int32'), R.fill([4], 7), 'int32'),
    created('zeros', () => nn.zeros([3, 2]), R.fill([3, 2], 0), 'float32'),
    created('ones int32', () => nn.ones([2, 2], 'int32'), R.fill([2, 2], 1), 'int32'),
    created('zerosLike', () => nn.tidy(() => nn.zerosLike(nn.ones([2, 3], 'int32'))), R.fill([2, 3], 0), 'int32'),
    created('onesLike', () => nn.tidy(() => nn.onesLike(nn.zeros([3]))), R.fill([3], 1), 'float32'),
    created('arange(5)', () => nn.arange(5), R.ref([5], [0, 1, 2, 3, 4]), 'int32'),
    created('arange(5, 0, -2)', () => nn.arange(5, 0, -2), R.ref([3], [5, 3, 1]), 'int32'),
    created('arange(1, 2, 0.25)', () => nn.arange(1, 2, 0.25), R.ref([4], [1, 1.25, 1.5, 1.75]), 'float32'),
    created('arange(0, 1, 0.1)', () => nn.arange(0, 1, 0.1), R.ref([10], [0, 0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]), 'float32', FLOAT32),
    created('arange empty', () => nn.arange(3, 3), R.ref([0], []), 'int32'),
    created('linspace(0, 1, 5)', () => nn.linspace(0, 1, 5), R.ref([5], [0, 0.25, 0.5, 0.75, 1]), 'float32'),
    created('linspace(-1, 2, 7)', () => nn.linspace(-1, 2, 7), R.ref([7], [-1, -0.5, 0, 0.5, 1, 1.5, 2]), 'float32', FLOAT32),
    created('linspace with one point', () => nn.linspace(3, 9, 1), R.ref([1], [3]), 'float32'),
    created('eye(3)', () => nn.eye(3), R.generate([3, 3], ([i, j]) => (i === j ? 1 : 0)), 'float32'),
    created('eye(2, 4, int32)', () => nn.eye(2, 4, 'int32'), R.generate([2, 4], ([i, j]) => (i === j ? 1 : 0)), 'int32'),
    {
      // Backend.read must return a copy: callers may keep and modify what dataSync() gives them.
      name: 'dataSync returns a copy',
      run: () => {
        const t = nn.tensor([1, 2, 3]);
        try {
          t.dataSync()[0] = 99;
          expect(t.dataSync()[0]).toBe(1);
        } finally {
          t.dispose();
        }
      },
    },
    {
      // Views share storage; the backend may free it only when the last view goes.
      name: 'a reshape keeps its data after the source is disposed',
      run: () => {
        const x = nn.tensor([1, 2, 3, 4]);
        const y = nn.reshape(x, [2, 2]);
        x.dispose();
        try {
          expect(Array.from(y.dataSync())).toEqual([1, 2, 3, 4]);
          const z = nn.add(y, 1);
          expect(Array.from(z.dataSync())).toEqual([2, 3, 4, 5]);
          z.dispose();
        } finally {
          y.dispose();
        }
      },
    },
    {
      name: 'arraySync nests like the shape',
      run: () => {
        const t = nn.tensor([1, 2, 3, 4, 5, 6], [3, 1, 2]);
        const s = nn.scalar(4);
        try {
          expect(t.arraySync()).toEqual([[[1, 2]], [[3, 4]], [[5, 6]]]);
          expect(s.arraySync()).toBe(4);
        } finally {
          nn.dispose([t, s]);
        }
      },
    },
  ];
}

type Draw = (seed: number | undefined, dtype?: DType) => Tensor;

function statistics(data: ArrayLike<number>): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(data);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const std = Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length);
  return { mean, std, min: Math.min(...v), max: Math.max(...v) };
}

const N = 4000;

/**
 * Seeded reproducibility and the shape of each distribution. Moments are
 * checked at about 6 standard errors (std of the mean is 1/sqrt(N) = 0.016).
 */
function randomCases(): Case[] {
  const draws: [string, Draw, (s: ReturnType<typeof statistics>) => void][] = [
    [
      'randomNormal',
      (seed, dtype) => nn.randomNormal([N], 3, 2, { seed, dtype }),
      (s) => {
        expect(Math.abs(s.mean - 3)).toBeLessThan(0.2);
        expect(Math.abs(s.std - 2)).toBeLessThan(0.15);
      },
    ],
    [
      'randomUniform',
      (seed, dtype) => nn.randomUniform([N], -1, 3, { seed, dtype }),
      (s) => {
        expect(s.min).toBeGreaterThanOrEqual(-1);
        expect(s.max).toBeLessThan(3);
        expect(Math.abs(s.mean - 1)).toBeLessThan(0.15);
        expect(Math.abs(s.std - 4 / Math.sqrt(12))).toBeLessThan(0.08);
      },
    ],
    [
      'truncatedNormal',
      (seed, dtype) => nn.truncatedNormal([N], 1, 0.5, { seed, dtype }),
      (s) => {
        expect(s.min).toBeGreaterThanOrEqual(0);
        expect(s.max).toBeLessThanOrEqual(2);
        expect(Math.abs(s.mean - 1)).toBeLessThan(0.06);
        // A standard normal truncated to [-2, 2] has std 0.8796.
        expect(Math.abs(s.std - 0.5 * 0.8796)).toBeLessThan(0.04);
      },
    ],
  ];
  return draws.flatMap(([op, draw, check]): Case[] => [
    {
      name: `${op} is reproducible with a seed`,
      run: () => {
        const [a, b, c] = [draw(7), draw(7), draw(8)];
        try {
          expect(a.shape).toEqual([N]);
          expect(a.dtype).toBe('float32');
          expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
          expect(Array.from(c.dataSync())).not.toEqual(Array.from(a.dataSync()));
          check(statistics(a.dataSync()));
        } finally {
          nn.dispose([a, b, c]);
        }
      },
    },
    {
      name: `${op} follows the global seed`,
      run: () => {
        nn.seed(123);
        const a = draw(undefined);
        const a2 = draw(undefined);
        nn.seed(123);
        const b = draw(undefined);
        try {
          expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));
          expect(Array.from(a2.dataSync())).not.toEqual(Array.from(a.dataSync()));
        } finally {
          nn.dispose([a, a2, b]);
        }
      },
    },
    {
      name: `${op} float64`,
      needs: 'float64',
      run: () => {
        const t = draw(11, 'float64');
        try {
          expect(t.dtype).toBe('float64');
          expect(t.dataSync()).toBeInstanceOf(Float64Array);
          check(statistics(t.dataSync()));
        } finally {
          t.dispose();
        }
      },
    },
  ]);
}

export function creationCases(): Case[] {
  return [...constructorCases(), ...randomCases()];
}
