import { createJsBackend } from '@neurite/backend-js';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  DisposedError,
  Tensor,
  arange,
  full,
  ones,
  registerBackend,
  reshape,
  scalar,
  setBackend,
  tensor,
  zeros,
} from './index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('Tensor metadata', () => {
  it('reports dtype, shape, size and rank', () => {
    const t = tensor([
      [1, 2, 3],
      [4, 5, 6],
    ]);
    expect(t).toBeInstanceOf(Tensor);
    expect(t.dtype).toBe('float32');
    expect(t.shape).toEqual([2, 3]);
    expect(t.size).toBe(6);
    expect(t.rank).toBe(2);
    expect(Object.isFrozen(t.shape)).toBe(true);
  });

  it('handles scalars and zero-size tensors', () => {
    const s = scalar(5);
    expect([s.shape, s.size, s.rank]).toEqual([[], 1, 0]);
    const z = zeros([0, 3]);
    expect([z.shape, z.size, z.rank]).toEqual([[0, 3], 0, 2]);
  });

  it('infers int32 from an Int32Array and honours an explicit dtype', () => {
    expect(tensor(new Int32Array([1, 2])).dtype).toBe('int32');
    expect(tensor([1.7, -1.7], undefined, 'int32').dataSync()).toEqual(new Int32Array([1, -1]));
    expect(tensor([1, 2], undefined, 'float64').dataSync()).toBeInstanceOf(Float64Array);
  });

  it('gives every tensor a distinct id and reports its backend', () => {
    const a = ones([1]);
    const b = ones([1]);
    expect(a.id).not.toBe(b.id);
    expect(a.backendName).toBe('js');
  });
});

describe('reading data', () => {
  it('dataSync returns a typed copy in row-major order', () => {
    const t = tensor([
      [1, 2],
      [3, 4],
    ]);
    const d = t.dataSync();
    expect(d).toBeInstanceOf(Float32Array);
    expect(Array.from(d)).toEqual([1, 2, 3, 4]);
    d[0] = 99;
    expect(t.dataSync()[0]).toBe(1);
  });

  it('data() resolves to the same values', async () => {
    const t = tensor(new Int32Array([7, 8, 9]));
    const d = await t.data();
    expect(d).toBeInstanceOf(Int32Array);
    expect(Array.from(d)).toEqual([7, 8, 9]);
  });

  it('arraySync nests by shape', async () => {
    const t = reshape(arange(0, 12), [2, 3, 2]);
    expect(t.arraySync()).toEqual([
      [
        [0, 1],
        [2, 3],
        [4, 5],
      ],
      [
        [6, 7],
        [8, 9],
        [10, 11],
      ],
    ]);
    expect(await t.array()).toEqual(t.arraySync());
  });

  it('arraySync gives a number for a scalar and empty lists for zero-size tensors', () => {
    expect(scalar(2.5).arraySync()).toBe(2.5);
    expect(zeros([0]).arraySync()).toEqual([]);
    expect(zeros([2, 0]).arraySync()).toEqual([[], []]);
    expect(zeros([0, 3]).arraySync()).toEqual([]);
    expect(zeros([0, 3]).dataSync().length).toBe(0);
  });

  it('reading a disposed tensor throws DisposedError naming the method', () => {
    const t = full([2], 1);
    t.dispose();
    expect(t.isDisposed).toBe(true);
    expect(() => t.dataSync()).toThrow(DisposedError);
    expect(() => t.dataSync()).toThrow(/^dataSync: tensor #\d+ \[2\] float32 was disposed - /);
    expect(() => t.arraySync()).toThrow(DisposedError);
    expect(t.toString()).toBe('Tensor(disposed, shape=[2], dtype=float32)');
  });
});

/**
 * Expected strings are NumPy 2.4's repr() of the same array, pasted verbatim
 * (`repr(np.array(..., np.float32))`). A case that the implementation prints
 * differently is a bug in format.ts, not in the expectation.
 */
describe('toString prints like NumPy', () => {
  const f32 = (values: Parameters<typeof tensor>[0], shape?: number[]) => tensor(values, shape, 'float32');
  const cases: [string, () => Tensor, string][] = [
    [
      'a 2x2 matrix aligned on the point',
      () => f32([
        [1, 2.5],
        [3, 4],
      ]),
      'array([[1. , 2.5],\n       [3. , 4. ]], dtype=float32)',
    ],
    ['a float scalar', () => scalar(3), 'array(3., dtype=float32)'],
    ['a fractional scalar at float32 precision', () => scalar(0.1), 'array(0.1, dtype=float32)'],
    ['a [0,3] zero-size tensor', () => zeros([0, 3]), 'array([], shape=(0, 3), dtype=float32)'],
    ['a [2,0] int32 zero-size tensor', () => zeros([2, 0], 'int32'), 'array([], shape=(2, 0), dtype=int32)'],
    [
      'int32, right-aligned',
      () => tensor([
        [1, -20, 3],
        [400, 5, 6],
      ], undefined, 'int32'),
      'array([[  1, -20,   3],\n       [400,   5,   6]], dtype=int32)',
    ],
    ['an int32 scalar', () => scalar(7, 'int32'), 'array(7, dtype=int32)'],
    ['scientific for a small minimum', () => f32([1e-5, 1, 100]), 'array([1.e-05, 1.e+00, 1.e+02], dtype=float32)'],
    ['nan and inf', () => f32([NaN, Infinity, -Infinity, 1.5]), 'array([ nan,  inf, -inf,  1.5], dtype=float32)'],
    ['a nan scalar', () => scalar(NaN), 'array(nan, dtype=float32)'],
    ['nan among scientific values', () => f32([1e-5, NaN, 1]), 'array([1.e-05,    nan, 1.e+00], dtype=float32)'],
    ['mixed precision and sign', () => f32([0.1, 0.25, -3]), 'array([ 0.1 ,  0.25, -3.  ], dtype=float32)'],
    ['shortest float32 round-trip digits', () => f32([1 / 3, 2 / 3]), 'array([0.33333334, 0.6666667 ], dtype=float32)'],
    ['negative and wide values', () => f32([-0.5, 100.25]), 'array([ -0.5 , 100.25], dtype=float32)'],
    ['zeros', () => f32([0, 0]), 'array([0., 0.], dtype=float32)'],
    ['0.001 stays positional', () => f32([0.001, 1]), 'array([0.001, 1.   ], dtype=float32)'],
    ['a range under 1000x stays positional', () => f32([1, 999]), 'array([  1., 999.], dtype=float32)'],
    [
      'rank 3 with a blank line between blocks',
      () => reshape(arange(0, 8, 1, 'float32'), [2, 2, 2]),
      'array([[[0., 1.],\n        [2., 3.]],\n\n       [[4., 5.],\n        [6., 7.]]], dtype=float32)',
    ],
    [
      'a long float row wrapped at 75 columns',
      () => arange(0, 45, 1.5),
      'array([ 0. ,  1.5,  3. ,  4.5,  6. ,  7.5,  9. , 10.5, 12. , 13.5, 15. ,\n' +
        '       16.5, 18. , 19.5, 21. , 22.5, 24. , 25.5, 27. , 28.5, 30. , 31.5,\n' +
        '       33. , 34.5, 36. , 37.5, 39. , 40.5, 42. , 43.5], dtype=float32)',
    ],
    [
      'a long int32 row wrapped at 75 columns',
      () => arange(0, 40),
      'array([ 0,  1,  2,  3,  4,  5,  6,  7,  8,  9, 10, 11, 12, 13, 14, 15, 16,\n' +
        '       17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32, 33,\n' +
        '       34, 35, 36, 37, 38, 39], dtype=int32)',
    ],
  ];
  for (const [name, make, expected] of cases) {
    it(name, () => expect(make().toString()).toBe(expected));
  }

  it('an empty vector has no shape= (NumPy omits (0,))', () => {
    expect(zeros([0]).toString()).toBe('array([], dtype=float32)');
  });

  it('a summarized 40x40 matrix elides with ... and states its shape', () => {
    expect(full([40, 40], 0.5).toString()).toBe(
      'array([[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n' +
        '       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n' +
        '       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n' +
        '       ...,\n' +
        '       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n' +
        '       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],\n' +
        '       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]], shape=(40, 40), dtype=float32)',
    );
  });

  it('a summarized int32 vector states its shape on a continuation line', () => {
    expect(arange(0, 2000).toString()).toBe('array([   0,    1,    2, ..., 1997, 1998, 1999],\n      shape=(2000,), dtype=int32)');
  });

  // A deliberate difference: NumPy leaves out `dtype=` for its default float64; Neurite's
  // default is float32, so every repr names its dtype (format.ts says so).
  it('float64 names its dtype, unlike NumPy', () => {
    expect(tensor([0.1, 0.2], undefined, 'float64').toString()).toBe('array([0.1, 0.2], dtype=float64)');
  });

  it('a summarized 40x40 matrix elides rows and columns with ...', () => {
    // The part format.ts already gets right, so a regression there is still caught.
    const s = full([40, 40], 0.5).toString();
    const rows = s.split('\n');
    expect(rows).toHaveLength(7);
    expect(rows[0]).toBe('array([[0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5],');
    expect(rows[3]).toBe('       ...,');
    expect(rows[6].startsWith('       [0.5, 0.5, 0.5, ..., 0.5, 0.5, 0.5]]')).toBe(true);
  });

  it('a range over 1000x switches to scientific', () => {
    expect(tensor([1, 2000]).toString()).toBe('array([1.e+00, 2.e+03], dtype=float32)');
  });
  it('float32 values >= 1e6 switch to scientific', () => {
    expect(tensor([1e6]).toString()).toBe('array([1.e+06], dtype=float32)');
  });
  it('999999 stays positional in float32', () => {
    expect(tensor([999999]).toString()).toBe('array([999999.], dtype=float32)');
  });
});
