import type { KernelName } from '@neurite/core';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';

/*
 * How far the SIMD builds' float32 exp, expm1, sigmoid, tanh, elu and selu
 * (f32x4 approximations: assembly/kernels/expf.ts, activation-lanes.ts) are
 * from the correctly rounded float32 value of the f64 function, in ulp of
 * float32, over their whole useful range. Core's conformance suite holds them
 * to its TRANSCENDENTAL tolerance (5e-5 relative); this pins the real accuracy
 * so a worse approximation cannot slip in under that wide bound.
 */

const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

const REFERENCE: Record<string, (x: number) => number> = {
  exp: Math.exp,
  expm1: Math.expm1,
  sigmoid: (x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x))),
  tanh: Math.tanh,
  elu: (x) => (x > 0 ? x : Math.expm1(x)),
  selu: (x) => (x > 0 ? SELU_SCALE * x : SELU_SCALE * SELU_ALPHA * Math.expm1(x)),
  log: Math.log,
  log1p: Math.log1p,
  softplus: (x) => Math.max(x, 0) + Math.log1p(Math.exp(-Math.abs(x))),
};

/** The worst error, in float32 ulp, each op has: measured on these inputs (wasm float arithmetic is deterministic, so it does not vary by machine). */
const MAX_ULP: Record<string, number> = { exp: 1, expm1: 1, sigmoid: 2, tanh: 2, elu: 1, selu: 2, log: 1, log1p: 1, softplus: 2 };

/** Distance in representable float32 values between two finite floats (0 when equal, 1 for neighbours). */
function ulpDistance(a: number, b: number): number {
  const bits = new Int32Array(new Float32Array([a, b]).buffer);
  // Map the sign-magnitude bits onto one ordered integer line.
  const ordered = (i: number) => (i < 0 ? -(i & 0x7fffffff) : i);
  return Math.abs(ordered(bits[0]) - ordered(bits[1]));
}

/** Inputs: a fine grid over [lo, hi], small magnitudes down to subnormal results, and the values around the branch points. */
function inputs(lo: number, hi: number): Float32Array {
  const grid = Array.from({ length: 200_001 }, (_, i) => lo + ((hi - lo) * i) / 200_000);
  const small = [1e-2, 1e-3, 1e-4, 1e-6, 1e-8, 1e-20, 1e-38, 1e-45].flatMap((v) => [v, -v]);
  const edges = [0.34, 0.3465, 0.34657, 0.3466, 0.35, 0.6931, 0.6932, 9, 8.99, 9.01].flatMap((v) => [v, -v]);
  return Float32Array.from([...grid, ...small, ...edges, 0, -0]);
}

const RANGE: Record<string, [number, number]> = {
  // Down to where e^x is subnormal, up to where it overflows.
  exp: [-103, 88.7],
  expm1: [-20, 88.7],
  sigmoid: [-100, 40],
  tanh: [-12, 12],
  elu: [-20, 5],
  selu: [-20, 5],
  // log and log1p also get a log-spaced sweep (inputsOf) over every binade, subnormals included.
  log: [0, 4],
  log1p: [-0.999, 4],
  softplus: [-100, 40],
};

/** 2^e (1 + i/64) for every float32 exponent e, subnormals included: every binade of a log's domain. */
function binades(): number[] {
  const xs: number[] = [];
  for (let e = -149; e <= 127; e++) for (let i = 0; i < 64; i++) xs.push(2 ** e * (1 + i / 64));
  return xs.filter((v) => Number.isFinite(Math.fround(v)));
}

/** The inputs of `op`: its range's grid and, for log and log1p, every binade (log1p also the negative ones above -1). */
function inputsOf(op: string): Float32Array {
  const grid = inputs(...RANGE[op]);
  if (op === 'log') return Float32Array.from([...grid, ...binades()]);
  if (op === 'log1p') return Float32Array.from([...grid, ...binades(), ...binades().filter((v) => v < 1).map((v) => -v)]);
  return grid;
}

let backend: WasmBackend;
afterAll(() => backend?.dispose?.());

describe('float32 transcendental ops of the SIMD build, against the f64 functions', () => {
  for (const op of Object.keys(REFERENCE)) {
    it(`${op} is within ${MAX_ULP[op]} ulp over [${RANGE[op]}]`, async () => {
      backend ??= await createWasmBackend({ simd: true, relaxed: false });
      const x = inputsOf(op);
      const px = backend.alloc('float32', x.length), po = backend.alloc('float32', x.length);
      backend.write(px, 'float32', x);
      const info = (storage: number) => ({ storage, shape: [x.length], dtype: 'float32' as const, size: x.length });
      (backend.kernels[op as KernelName] as (i: unknown[], o: unknown, a: unknown) => void)([info(px)], info(po), {});
      const y = backend.read(po, 'float32', x.length);
      backend.free(px);
      backend.free(po);
      let worst = 0, at = 0;
      for (let i = 0; i < x.length; i++) {
        const want = Math.fround(REFERENCE[op](x[i]));
        const d = Object.is(y[i], want) ? 0 : Number.isFinite(want) && Number.isFinite(y[i]) ? ulpDistance(y[i], want) : Infinity;
        if (d > worst) [worst, at] = [d, i];
      }
      expect(worst, `${op}(${x[at]}) = ${y[at]}, want ${Math.fround(REFERENCE[op](x[at]))}`).toBeLessThanOrEqual(MAX_ULP[op]);
    });
  }
});
