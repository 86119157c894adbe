import { describe, expect, it } from 'vitest';
import { DTypeError, ShapeError } from '@neurite/core';
import { decodeNpy, encodeNpy, type NpyDType, type NpyTypedArray } from './npy.js';
import { FlowerProtocolError } from './errors.js';
import { flwrPython, runPython } from './testing/python.js';

const py = flwrPython();
const skipped = py.skip ? ` (skipped: ${py.skip})` : '';

// Flower's Array.from_numpy_ndarray stores np.save's bytes; the Python side
// makes them from the same values, in every layout np.save may pick.
const NUMPY = `
import sys, json, io, base64
import numpy as np
out = []
for c in json.load(sys.stdin):
    a = np.array([int(v) for v in c['values']] if c['dtype'] == 'int64' else c['values'], dtype=c['dtype']).reshape(c['shape'])
    if c.get('fortran'): a = np.asfortranarray(a)
    if c.get('bigEndian'): a = a.astype(a.dtype.newbyteorder('>'))
    b = io.BytesIO()
    if c.get('version'): np.lib.format.write_array(b, a, version=tuple(c['version']), allow_pickle=False)
    else: np.save(b, a, allow_pickle=False)
    out.append(base64.b64encode(b.getvalue()).decode())
print(json.dumps(out))
`;

interface Case {
  dtype: NpyDType;
  shape: number[];
  data: NpyTypedArray;
  fortran?: boolean;
  bigEndian?: boolean;
  version?: [number, number];
}

function values(dtype: NpyDType, n: number, seed: number): NpyTypedArray {
  // Distinct, sign-mixed values with fractions, exactly representable in the dtype.
  const at = (i: number) => ((i * 7919 + seed * 104729) % 2003) - 1001;
  switch (dtype) {
    case 'float32':
      return Float32Array.from({ length: n }, (_, i) => Math.fround(at(i) / 64 + 1e-3 * i));
    case 'float64':
      return Float64Array.from({ length: n }, (_, i) => at(i) / 3 + 1e-9 * i);
    case 'int32':
      return Int32Array.from({ length: n }, (_, i) => at(i) * 2_000_000);
    case 'int64':
      return BigInt64Array.from({ length: n }, (_, i) => BigInt(at(i)) * 9_000_000_000_000_000n / 1001n);
    case 'uint8':
      return Uint8Array.from({ length: n }, (_, i) => (at(i) + 1001) & 255);
  }
}

const SHAPES = [
  [],
  [0],
  [1],
  [7],
  [2, 3],
  [3, 0, 2],
  [2, 3, 4],
  [1, 1, 1, 1, 1],
  [123456],
  // Header plus padding ends exactly on a 64-byte boundary: numpy then pads a full 64 bytes.
  [2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 10, 10],
];
const DTYPES: NpyDType[] = ['float32', 'float64', 'int32', 'int64', 'uint8'];

function toWire(c: Case) {
  const list = Array.from(c.data as ArrayLike<number | bigint>, (v) => (typeof v === 'bigint' ? v.toString() : v));
  return { dtype: c.dtype, shape: c.shape, values: list, fortran: c.fortran, bigEndian: c.bigEndian, version: c.version };
}

function numpyBytes(cases: Case[]): Uint8Array[] {
  if (!py.python) throw new Error('unreachable');
  return runPython<string[]>(py.python, NUMPY, cases.map(toWire)).map((b) => new Uint8Array(Buffer.from(b, 'base64')));
}

describe.skipIf(py.skip !== undefined)(`npy against numpy${skipped}`, () => {
  const cases: Case[] = DTYPES.flatMap((dtype, d) =>
    SHAPES.map((shape, s) => ({ dtype, shape, data: values(dtype, shape.reduce((a, b) => a * b, 1), d * 31 + s) })),
  );

  it('writes exactly the bytes numpy.save writes, for every dtype and rank', () => {
    const want = numpyBytes(cases);
    cases.forEach((c, i) => {
      const got = encodeNpy(c);
      expect(Buffer.from(got).equals(Buffer.from(want[i])), `${c.dtype} [${c.shape}]`).toBe(true);
    });
  });

  it("reads numpy's bytes back to the same values and shape", () => {
    const want = numpyBytes(cases);
    cases.forEach((c, i) => {
      const got = decodeNpy(want[i]);
      expect(got.dtype).toBe(c.dtype);
      expect(got.shape).toEqual(c.shape);
      expect(got.data.constructor).toBe(c.data.constructor);
      expect(Buffer.from(got.data.buffer, got.data.byteOffset, got.data.byteLength).equals(Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength))).toBe(true);
    });
  });

  it('reads Fortran-order, big-endian and format 2.0/3.0 files into C order', () => {
    const c2 = { dtype: 'float32' as const, shape: [2, 3], data: values('float32', 6, 1) };
    const c3 = { dtype: 'int64' as const, shape: [2, 3, 4], data: values('int64', 24, 2) };
    const variants: Case[] = [
      { ...c2, fortran: true },
      { ...c3, fortran: true },
      { ...c2, bigEndian: true },
      { ...c3, bigEndian: true, fortran: true },
      { ...c2, version: [2, 0] },
      { ...c2, version: [3, 0] },
    ];
    const bytes = numpyBytes(variants);
    variants.forEach((c, i) => {
      const got = decodeNpy(bytes[i]);
      expect(got.shape, JSON.stringify(toWire(c))).toEqual(c.shape);
      expect(got.data, JSON.stringify(toWire(c))).toEqual(c.data);
    });
  });
});

describe('npy errors', () => {
  const good = encodeNpy({ shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) });

  it('rejects data that does not fill the shape, and negative or fractional dimensions', () => {
    expect(() => encodeNpy({ shape: [2, 3], data: new Float32Array(5) })).toThrow(ShapeError);
    expect(() => encodeNpy({ shape: [2, 3], data: new Float32Array(5) })).toThrow(/\[2,3\] holds 6 elements but the data has 5/);
    expect(() => encodeNpy({ shape: [-1], data: new Float32Array(0) })).toThrow(ShapeError);
    expect(() => encodeNpy({ shape: [1.5], data: new Float32Array(1) })).toThrow(ShapeError);
  });

  it('rejects element types numpy files here do not carry', () => {
    expect(() => encodeNpy({ shape: [1], data: new Int16Array(1) as unknown as Int32Array })).toThrow(DTypeError);
  });

  it('names the problem in bytes that are not a numpy file', () => {
    expect(() => decodeNpy(new Uint8Array([1, 2, 3]))).toThrow(FlowerProtocolError);
    expect(() => decodeNpy(good.subarray(0, good.length - 1))).toThrow(/needs 16 data bytes but 15 follow/);
    expect(() => decodeNpy(good.subarray(0, 40))).toThrow(/header claims/);
    const f16 = good.slice();
    f16.set(new TextEncoder().encode("'<f2'"), 20);
    expect(() => decodeNpy(f16)).toThrow(/dtype '<f2' is not supported/);
    const version = good.slice();
    version[6] = 9;
    expect(() => decodeNpy(version)).toThrow(/format version 9.0/);
  });

  it('reads 0-d and empty arrays', () => {
    expect(decodeNpy(encodeNpy({ shape: [], data: new Float64Array([2.5]) }))).toEqual({ dtype: 'float64', shape: [], data: new Float64Array([2.5]) });
    expect(decodeNpy(encodeNpy({ shape: [0, 4], data: new Int32Array(0) }))).toEqual({ dtype: 'int32', shape: [0, 4], data: new Int32Array(0) });
  });
});
