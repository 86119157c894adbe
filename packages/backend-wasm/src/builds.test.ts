import type { KernelName } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';

/** Values where SIMD and scalar code most easily part ways: NaN, signed zeros, infinities, ties. */
const SPECIAL = [NaN, -0, 0, Infinity, -Infinity, 1, -1, 2.5, -2.5, 3, 1e-30, -7];
const BINARY: KernelName[] = ['add', 'sub', 'mul', 'div', 'pow', 'maximum', 'minimum', 'equal', 'notEqual', 'less', 'lessEqual', 'greater', 'greaterEqual'];
const UNARY: KernelName[] = ['neg', 'abs', 'sign', 'sqrt', 'square', 'relu', 'relu6', 'round', 'floor', 'erf', 'gelu'];
/**
 * Computed in f32x4 lanes by the SIMD builds (assembly/kernels/expf.ts and activation-lanes.ts), in f64 by the
 * scalar one: a few ulp apart (transcendental.test.ts measures how many), the same on NaN, infinities and zeros.
 */
const TRANSCENDENTAL: KernelName[] = ['exp', 'expm1', 'log', 'log1p', 'sigmoid', 'tanh', 'elu', 'selu', 'softplus'];

type Run = (backend: WasmBackend) => number[];

function binaryRun(op: KernelName, a: number[], b: number[]): Run {
  return (backend) => {
    const out = Math.max(a.length, b.length);
    const compare = /equal|less|greater/i.test(op);
    const pa = backend.alloc('float32', a.length);
    const pb = backend.alloc('float32', b.length);
    const po = backend.alloc(compare ? 'int32' : 'float32', out);
    backend.write(pa, 'float32', Float32Array.from(a));
    backend.write(pb, 'float32', Float32Array.from(b));
    const info = (storage: number, size: number, dtype: 'float32' | 'int32' = 'float32') => ({ storage, shape: [size], dtype, size });
    (backend.kernels[op] as (i: unknown[], o: unknown, a: unknown) => void)([info(pa, a.length), info(pb, b.length)], info(po, out, compare ? 'int32' : 'float32'), {});
    const result = Array.from(backend.read(po, compare ? 'int32' : 'float32', out));
    for (const p of [pa, pb, po]) backend.free(p);
    return result;
  };
}

function unaryRun(op: KernelName, a: number[]): Run {
  return (backend) => {
    const pa = backend.alloc('float32', a.length);
    const po = backend.alloc('float32', a.length);
    backend.write(pa, 'float32', Float32Array.from(a));
    const info = (storage: number) => ({ storage, shape: [a.length], dtype: 'float32', size: a.length });
    (backend.kernels[op] as (i: unknown[], o: unknown, a: unknown) => void)([info(pa)], info(po), {});
    const result = Array.from(backend.read(po, 'float32', a.length));
    backend.free(pa);
    backend.free(po);
    return result;
  };
}

describe('SIMD and scalar builds agree bit for bit', () => {
  // Every pair of special values, 144 long (not a multiple of 8 after slicing off one) so vector bodies and tails both run.
  const a = SPECIAL.flatMap((x) => SPECIAL.map(() => x)).slice(1);
  const b = SPECIAL.flatMap(() => SPECIAL).slice(1);
  for (const op of BINARY) {
    it(`${op} (elementwise and with a broadcast scalar)`, async () => {
      const simd = await createWasmBackend({ simd: true });
      const scalar = await createWasmBackend({ simd: false });
      for (const run of [binaryRun(op, a, b), binaryRun(op, a, [-0]), binaryRun(op, [NaN], b), binaryRun(op, a, [2.5])]) {
        expect(run(simd)).toEqual(run(scalar));
      }
    });
  }
  for (const op of UNARY) {
    it(op, async () => {
      const run = unaryRun(op, a);
      expect(run(await createWasmBackend({ simd: true }))).toEqual(run(await createWasmBackend({ simd: false })));
    });
  }
});

describe('SIMD and scalar builds agree on the special values of the transcendental ops', () => {
  const a = SPECIAL.flatMap((x) => SPECIAL.map(() => x)).slice(1);
  for (const op of TRANSCENDENTAL) {
    it(op, async () => {
      const run = unaryRun(op, a);
      const simd = run(await createWasmBackend({ simd: true }));
      const scalar = run(await createWasmBackend({ simd: false }));
      simd.forEach((v, i) => {
        const w = scalar[i];
        // NaN, infinities, zeros (with their sign) and exact values such as sigmoid(0) = 0.5 agree exactly.
        if (!Number.isFinite(w) || w === 0 || Number.isInteger(w * 2)) expect(Object.is(v, w), `${op}(${a[i]}): ${v} vs ${w}`).toBe(true);
        else expect(Math.abs(v - w), `${op}(${a[i]}): ${v} vs ${w}`).toBeLessThanOrEqual(4 * 2 ** -23 * Math.abs(w));
      });
    });
  }
});
