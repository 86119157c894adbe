import type { AdamUpdateAttrs, DType, SgdUpdateAttrs, TensorInfo } from '@neurite/core';
import { beforeAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';

/*
 * The SIMD build runs the float32 fused kernels in f32x4 lanes with its own
 * exp (assembly/kernels/fused-simd.ts, expf.ts); the scalar build keeps the
 * f64 loops. Both against float64 references here, on lengths that end in a
 * partial vector, and on the values where lanes could part from the loops.
 */

let simd: WasmBackend;
let scalar: WasmBackend;
beforeAll(async () => {
  simd = await createWasmBackend({ simd: true, relaxed: false });
  scalar = await createWasmBackend({ simd: false });
});

type Info = TensorInfo<number>;

/** Runs `body` with the arrays written to fresh float32 storage, and returns them read back afterwards. */
function withTensors(backend: WasmBackend, arrays: { data: ArrayLike<number>; shape: number[] }[], body: (infos: Info[]) => void, dtype: DType = 'float32'): Float32Array[] {
  const infos = arrays.map(({ data, shape }): Info => {
    const storage = backend.alloc(dtype, data.length);
    backend.write(storage, dtype, dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data));
    return { storage, shape, dtype, size: data.length };
  });
  try {
    body(infos);
    // float64 results come back as Float64Array; the type names the common case.
    return infos.map((t) => backend.read(t.storage, dtype, t.size) as Float32Array);
  } finally {
    infos.forEach((t) => backend.free(t.storage));
  }
}

/** Seeded values in [lo, hi), rounded to float32. */
function values(n: number, seed: number, lo = -1, hi = 1): number[] {
  let s = seed >>> 0;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return Math.fround(lo + ((hi - lo) * s) / 2 ** 32);
  });
}

function expectClose(what: string, got: ArrayLike<number>, want: ArrayLike<number>, rtol: number, atol: number): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    const [a, e] = [got[i], want[i]];
    if (!Number.isFinite(e)) {
      expect(Object.is(a, e) || (Number.isNaN(a) && Number.isNaN(e)), `${what}[${i}] is ${a}, expected ${e}`).toBe(true);
      continue;
    }
    const bound = atol + rtol * Math.abs(e);
    if (!(Math.abs(a - e) <= bound)) expect.fail(`${what}[${i}] is ${a}, expected ${e} (error ${Math.abs(a - e).toExponential(2)} > ${bound.toExponential(2)})`);
  }
}

/** Float64 softmax cross-entropy of one row, and its gradient for dy. */
function referenceRow(y: number[], z: number[], dy: number): { loss: number; grad: number[] } {
  let m = -Infinity;
  for (const v of z) if (v > m) m = v;
  if (!Number.isFinite(m)) m = 0;
  const e = z.map((v) => Math.exp(v - m));
  const total = e.reduce((a, b) => a + b, 0);
  const labels = y.reduce((a, b) => a + b, 0);
  const dot = y.reduce((a, yj, j) => a + (yj === 0 ? 0 : yj * (z[j] - m)), 0);
  return { loss: Math.log(total) * labels - dot, grad: e.map((ej, j) => dy * ((ej / total) * labels - y[j])) };
}

function crossEntropy(backend: WasmBackend, y: number[], z: number[], dy: number[], rows: number, c: number) {
  const [, , loss] = withTensors(backend, [{ data: y, shape: [rows, c] }, { data: z, shape: [rows, c] }, { data: new Array(rows).fill(0), shape: [rows] }], ([yi, zi, o]) =>
    backend.kernels.softmaxCrossEntropy([yi, zi], o, {}),
  );
  const [, , , grad] = withTensors(
    backend,
    [{ data: y, shape: [rows, c] }, { data: z, shape: [rows, c] }, { data: dy, shape: [rows] }, { data: new Array(rows * c).fill(0), shape: [rows, c] }],
    ([yi, zi, di, o]) => backend.kernels.softmaxCrossEntropyGrad([yi, zi, di], o, {}),
  );
  return { loss, grad };
}

describe('softmax cross-entropy in float32 lanes', () => {
  it('matches float64 within a few float32 ulp on every row length from 1 to 37 and 1000', () => {
    for (const c of [...Array.from({ length: 37 }, (_, i) => i + 1), 1000]) {
      const rows = 3;
      const y = values(rows * c, c, 0, 1);
      const z = values(rows * c, 7 * c, -8, 8);
      const dy = values(rows, 3 * c, 0.5, 2);
      for (const [name, backend] of [['SIMD', simd], ['scalar', scalar]] as const) {
        const got = crossEntropy(backend, y, z, dy, rows, c);
        for (let r = 0; r < rows; r++) {
          const ref = referenceRow(y.slice(r * c, (r + 1) * c), z.slice(r * c, (r + 1) * c), Math.fround(dy[r]));
          // The loss sums y * (z - m) terms of either sign: its error is relative to their magnitude.
          const magnitude = y.slice(r * c, (r + 1) * c).reduce((a, v) => a + v * 20, 0);
          expectClose(`${name} loss, c=${c} row ${r}`, [got.loss[r]], [ref.loss], 0, 1e-6 * magnitude);
          expectClose(`${name} gradient, c=${c} row ${r}`, got.grad.subarray(r * c, (r + 1) * c), ref.grad, 2e-6, 2e-7 * Math.fround(dy[r]));
        }
      }
    }
  });

  it('computes e^x to under 2 float32 ulp over the whole range, underflow to subnormals and 0 included', () => {
    // One row: logit 0 with label 1 (the maximum) and 4095 logits spread over [-110, 0) with label 0,
    // so the gradient at j is dy * e^z[j] / total with total close to 1.
    const c = 4096;
    const z = [0, ...Array.from({ length: c - 1 }, (_, i) => Math.fround(-110 + (110 * i) / (c - 1)))];
    const y = [1, ...new Array<number>(c - 1).fill(0)];
    const { grad } = crossEntropy(simd, y, z, [1], 1, c);
    const { grad: want } = referenceRow(y, z, 1);
    for (let j = 1; j < c; j++) {
      const e = want[j];
      if (e >= 2 ** -126) {
        // exp within 1 ulp, then the total's and the scale's roundings.
        if (!(Math.abs(grad[j] - e) <= 4 * 2 ** -24 * e)) expect.fail(`e^${z[j]}: got ${grad[j]}, expected ${e}`);
      } else {
        // Subnormal: a product of float32 values rounds to the nearest multiple of 2^-149.
        if (!(Math.abs(grad[j] - e) <= 2 ** -149)) expect.fail(`e^${z[j]} (subnormal): got ${grad[j]}, expected ${e}`);
      }
    }
    // e^-110 and e^-104 are below half the smallest subnormal.
    expect(grad[1]).toBe(0);
  });

  it('propagates NaN, gives -Infinity logits probability 0, and agrees with the scalar build on them', () => {
    const c = 11; // two vectors and a tail of three
    const base = values(c, 5, -3, 3);
    const rows: { y: number[]; z: number[] }[] = [];
    const row = (edit: (z: number[], y: number[]) => void) => {
      const z = [...base];
      const y = new Array<number>(c).fill(0);
      y[2] = 1;
      edit(z, y);
      rows.push({ y, z });
    };
    row((z) => (z[0] = NaN));
    row((z) => (z[10] = NaN)); // in the tail
    row((z) => (z[5] = -Infinity)); // label 0: no effect on the loss
    row((z) => (z[9] = -Infinity)); // in the tail
    row((z, y) => ((z[4] = -Infinity), (y[4] = 0.5))); // a label on it: infinite loss
    row((z) => z.fill(-Infinity, 0, c)); // every logit masked
    row((z, y) => (y[7] = NaN)); // a NaN label
    row((z) => (z[3] = Infinity));
    const y = rows.flatMap((r) => r.y);
    const z = rows.flatMap((r) => r.z);
    const dy = new Array<number>(rows.length).fill(1);
    const fast = crossEntropy(simd, y, z, dy, rows.length, c);
    const slow = crossEntropy(scalar, y, z, dy, rows.length, c);
    expectClose('loss, SIMD vs scalar', fast.loss, slow.loss, 2e-6, 1e-6);
    expectClose('gradient, SIMD vs scalar', fast.grad, slow.grad, 2e-6, 1e-7);
    for (const [r, want] of [[0, NaN], [1, NaN], [4, Infinity], [6, NaN]] as const) expect(fast.loss[r], `row ${r}`).toBe(want);
    expect(Number.isFinite(fast.loss[2]) && Number.isFinite(fast.loss[3])).toBe(true);
    expect(Array.from(fast.grad.subarray(0, c)).every(Number.isNaN)).toBe(true);
    expect(fast.grad[2 * c + 5]).toBe(0);
    expect(fast.grad[3 * c + 9]).toBe(0);
  });
});

describe('optimizer steps in float32 lanes', () => {
  const sgd: SgdUpdateAttrs = { lr: 0.1, momentum: 0.9, nesterov: false, weightDecay: 0.01 };
  const adam: AdamUpdateAttrs = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, step: 1, weightDecay: 0.02, decoupled: false };

  /** Three steps on n weights; returns w and the slots. */
  function run(backend: WasmBackend, kind: 'sgd' | 'adam', n: number, w0: number[], grads: number[][], options: { nesterov?: boolean; decoupled?: boolean }, dtype: DType = 'float32'): Float32Array[] {
    const slots = kind === 'adam' ? 2 : 1;
    const arrays = [{ data: w0, shape: [n] }, { data: new Array<number>(n).fill(0), shape: [n] }, ...Array.from({ length: slots }, () => ({ data: new Array<number>(n).fill(0), shape: [n] }))];
    const out = withTensors(backend, arrays, ([w, g, ...s]) => {
      grads.forEach((gt, t) => {
        backend.write(g.storage, dtype, dtype === 'float32' ? Float32Array.from(gt) : Float64Array.from(gt));
        if (kind === 'sgd') backend.kernels.sgdUpdate([w, g, s[0]], w, { ...sgd, nesterov: options.nesterov ?? false });
        else backend.kernels.adamUpdate([w, g, s[0], s[1]], w, { ...adam, step: t + 1, decoupled: options.decoupled ?? false });
      });
    }, dtype);
    return [out[0], ...out.slice(2)];
  }

  /** The rule of packages/core/src/backend.ts in float64, element by element. */
  function reference(kind: 'sgd' | 'adam', w0: number[], grads: number[][], { nesterov = false, decoupled = false }): number[][] {
    const w = [...w0];
    const a = w0.map(() => 0), b = w0.map(() => 0);
    grads.forEach((g, t) => {
      for (let i = 0; i < w.length; i++) {
        if (kind === 'sgd') {
          const gi = g[i] + sgd.weightDecay * w[i];
          a[i] = sgd.momentum * a[i] + gi;
          w[i] -= sgd.lr * (nesterov ? gi + sgd.momentum * a[i] : a[i]);
        } else {
          const gi = g[i] + (decoupled ? 0 : adam.weightDecay * w[i]);
          a[i] = adam.beta1 * a[i] + (1 - adam.beta1) * gi;
          b[i] = adam.beta2 * b[i] + (1 - adam.beta2) * gi * gi;
          const step = (adam.lr * (a[i] / (1 - adam.beta1 ** (t + 1)))) / (Math.sqrt(b[i] / (1 - adam.beta2 ** (t + 1))) + adam.epsilon);
          w[i] -= step + (decoupled ? adam.lr * adam.weightDecay * w[i] : 0);
        }
      }
    });
    return kind === 'sgd' ? [w, a] : [w, a, b];
  }

  const variants = [
    ['sgd', { nesterov: false }],
    ['sgd', { nesterov: true }],
    ['adam', { decoupled: false }],
    ['adam', { decoupled: true }],
  ] as const;

  for (const [kind, options] of variants) {
    const name = `${kind} ${JSON.stringify(options)}`;
    it(`${name}: SIMD, scalar and float64 builds follow the rule on lengths 1 to 13 and 101`, () => {
      for (const n of [...Array.from({ length: 13 }, (_, i) => i + 1), 101]) {
        const w0 = values(n, n, -2, 2);
        const grads = [1, 2, 3].map((t) => values(n, 100 * t + n));
        const want = reference(kind, w0, grads, options);
        for (const [build, backend] of [['SIMD', simd], ['scalar', scalar]] as const) {
          const got = run(backend, kind, n, w0, grads, options);
          got.forEach((slot, k) => expectClose(`${name} ${build} n=${n} output ${k}`, slot, want[k], 1e-5, 1e-6));
          const got64 = run(backend, kind, n, w0, grads, options, 'float64');
          got64.forEach((slot, k) => expectClose(`${name} ${build} float64 n=${n} output ${k}`, slot, want[k], 1e-13, 1e-15));
        }
      }
    });

    it(`${name}: a weight's new value does not depend on its position (vector lanes and tail agree bit for bit)`, () => {
      const n = 23;
      const w0 = new Array<number>(n).fill(Math.fround(0.7));
      const grads = [0.3, -0.2, 0.05].map((g) => new Array<number>(n).fill(Math.fround(g)));
      for (const slot of run(simd, kind, n, w0, grads, options)) expect(new Set(slot).size).toBe(1);
    });
  }

  it('adam: NaN and infinite gradients poison only their own weights', () => {
    const n = 9;
    const w0 = values(n, 1, -1, 1);
    const g = values(n, 2);
    g[1] = NaN;
    g[8] = Infinity; // in the tail
    const [fast] = run(simd, 'adam', n, w0, [g], {});
    const [slow] = run(scalar, 'adam', n, w0, [g], {});
    expect(Number.isNaN(fast[1]) && Number.isNaN(fast[8])).toBe(true);
    expectClose('adam with NaN, SIMD vs scalar', fast, slow, 1e-6, 1e-7);
  });
});

describe('dense-layer epilogues in float32 lanes', () => {
  const specials = [NaN, -0, 0, -1e-30, 1e-30, Infinity, -Infinity];

  it('biasActivation (linear, relu) and activationGrad (relu) are bit-identical to the scalar build', () => {
    for (const n of [1, 3, 4, 7, 16, 19]) {
      const rows = 3;
      const o = values(rows * n, n, -2, 2).map((v, i) => (i % 5 === 0 ? specials[i % specials.length] : v));
      const bias = values(n, 2 * n, -1, 1).map((v, i) => (i % 3 === 1 ? specials[(i + 2) % specials.length] : v));
      for (const activation of ['linear', 'relu'] as const) {
        // (1 x rows) ones times a row of o: the pre-activation is o itself, specials included (bar -0, which 0 + -0 makes +0).
        const outputs = [simd, scalar].map((backend) => {
          const [, , , out] = withTensors(
            backend,
            [{ data: new Array<number>(rows).fill(1), shape: [1, rows, 1] }, { data: o.slice(0, n), shape: [1, 1, n] }, { data: bias, shape: [n] }, { data: new Array<number>(rows * n).fill(0), shape: [1, rows, n] }],
            ([a, b, c, out]) => backend.kernels.fusedMatMul([a, b, c], out, { transposeA: false, transposeB: false, activation }),
          );
          return Array.from(new Uint32Array(out.buffer));
        });
        expect(outputs[0], `${activation} n=${n}`).toEqual(outputs[1]);
      }
      const dy = values(rows * n, 3 * n).map((v, i) => (i % 4 === 0 ? specials[(i + 1) % specials.length] : v));
      const grads = [simd, scalar].map((backend) => {
        const [, , out] = withTensors(backend, [{ data: dy, shape: [rows * n] }, { data: o, shape: [rows * n] }, { data: new Array(rows * n).fill(7), shape: [rows * n] }], ([d, y, out]) =>
          backend.kernels.activationGrad([d, y], out, { activation: 'relu' }),
        );
        return Array.from(new Uint32Array(out.buffer));
      });
      expect(grads[0], `relu gradient n=${n}`).toEqual(grads[1]);
    }
  });
});
