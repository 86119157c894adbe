import type { Conv2DAttrs, DType, Pool2DAttrs, TensorInfo } from '@neurite/core';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { withBoundsGuard } from './debug-guard.js';
import { relaxedSimdSupported } from './loader.js';

/*
 * The seven convolution and pooling kernels called directly on explicit
 * geometry (no core op in between), on seeded random inputs, against float64
 * textbook loops written here. Shapes reach every branch of the adapters:
 * the patch-free float32 kernels (8- and 4-channel blocks, short pixel
 * blocks, the input gradient as a convolution; split over the pool in the
 * threaded build), the 1x1 shortcut, several im2col chunks (M*K above 2^20 elements, so the
 * filter gradient sums partial products), stride, dilation, uneven padding,
 * one and many channels, overlapping and disjoint pooling windows.
 */

type Info = TensorInfo<number>;

interface ConvCase {
  x: [number, number, number, number];
  f: [number, number, number, number];
  attrs: Conv2DAttrs;
  /** Output height and width (bottom/right padding follows from them). */
  out: [number, number];
}

const conv = (x: ConvCase['x'], f: ConvCase['f'], out: [number, number], a: Partial<Conv2DAttrs> = {}): ConvCase => ({
  x,
  f,
  out,
  attrs: { strideH: 1, strideW: 1, dilationH: 1, dilationW: 1, padTop: 0, padLeft: 0, ...a },
});

const CONVS: ConvCase[] = [
  conv([2, 6, 7, 3], [3, 3, 3, 4], [6, 7], { padTop: 1, padLeft: 1 }),
  // A first layer (Ci 1 or 2) with one and with several 8-channel blocks of output, stride and dilation.
  conv([1, 28, 28, 1], [3, 3, 1, 32], [28, 28], { padTop: 1, padLeft: 1 }),
  conv([2, 9, 8, 2], [3, 3, 2, 64], [5, 4], { strideH: 2, strideW: 2, dilationH: 1, dilationW: 2, padTop: 1, padLeft: 1 }),
  conv([2, 9, 9, 1], [3, 3, 1, 6], [9, 9], { padTop: 1, padLeft: 1 }),
  conv([3, 7, 6, 2], [3, 2, 2, 5], [4, 3], { strideH: 2, strideW: 2, padTop: 1, padLeft: 0 }),
  conv([2, 7, 8, 2], [3, 3, 2, 3], [3, 4], { dilationH: 2, dilationW: 2 }),
  conv([2, 5, 6, 2], [3, 3, 2, 3], [3, 5], { strideH: 2, padTop: 1, padLeft: 0 }),
  conv([1, 4, 5, 6], [1, 1, 6, 9], [4, 5]),
  conv([2, 5, 5, 3], [1, 1, 3, 2], [3, 3], { strideH: 2, strideW: 2 }),
  conv([1, 9, 9, 2], [2, 2, 2, 3], [3, 3], { strideH: 3, strideW: 3 }),
  // M*K = 4096*288 > 2^20: three im2col chunks.
  conv([4, 32, 32, 32], [3, 3, 32, 8], [32, 32], { padTop: 1, padLeft: 1 }),
  // Patch-free float32 SIMD kernels (Co and, for dx, Ci multiples of 4): the MNIST CNN's two layers
  // ('valid' reads x in place; 'same' pads), an 8-block plus a 4-block of channels, rows of output
  // that end in a short block of pixels (OW % 5 = 1..4), stride and dilation (dx via the matMul then).
  conv([2, 28, 28, 1], [3, 3, 1, 8], [26, 26]),
  conv([2, 14, 14, 8], [3, 3, 8, 16], [14, 14], { padTop: 1, padLeft: 1 }),
  conv([2, 6, 8, 4], [3, 3, 4, 12], [6, 8], { padTop: 1, padLeft: 1 }),
  conv([1, 7, 9, 12], [2, 3, 12, 4], [7, 7], { padTop: 1, padLeft: 0 }),
  conv([2, 9, 11, 4], [3, 3, 4, 4], [5, 7], { dilationH: 2, dilationW: 2 }),
  conv([1, 9, 12, 4], [3, 2, 4, 8], [5, 6], { dilationH: 1, dilationW: 2, padTop: 1, padLeft: 1 }),
  conv([2, 9, 9, 8], [3, 3, 8, 8], [5, 5], { strideH: 2, strideW: 2, padTop: 1, padLeft: 1 }),
];

interface PoolCase {
  x: [number, number, number, number];
  attrs: Pool2DAttrs;
  out: [number, number];
}

const pool = (x: PoolCase['x'], out: [number, number], a: Partial<Pool2DAttrs>): PoolCase => ({
  x,
  out,
  attrs: { windowH: 2, windowW: 2, strideH: 2, strideW: 2, padTop: 0, padLeft: 0, ...a },
});

const POOLS: PoolCase[] = [
  pool([2, 6, 6, 3], [3, 3], {}),
  pool([1, 7, 7, 8], [4, 4], { padTop: 0, padLeft: 0, windowH: 3, windowW: 3, strideH: 2, strideW: 2 }),
  pool([2, 5, 6, 5], [5, 6], { windowH: 3, windowW: 3, strideH: 1, strideW: 1, padTop: 1, padLeft: 1 }),
  pool([1, 8, 9, 4], [3, 5], { windowH: 3, windowW: 2, strideH: 3, strideW: 2, padTop: 1, padLeft: 1 }),
  pool([3, 28, 28, 16], [14, 14], {}),
  // 23 channels: the SIMD kernels' 16-wide, 4-wide and scalar channel loops all run, on clipped windows.
  pool([2, 6, 7, 23], [4, 4], { windowH: 3, windowW: 2, strideH: 2, strideW: 2, padTop: 1, padLeft: 1 }),
  // Stride past the window: disjoint windows with inputs between them that no window reads (their dx is 0).
  pool([2, 7, 9, 6], [3, 3], { windowH: 2, windowW: 2, strideH: 3, strideW: 3 }),
];

/** Deterministic uniform values in [-1, 1) (mulberry32), so failures reproduce. */
function random(n: number, seed: number): Float64Array {
  let s = seed >>> 0;
  return Float64Array.from({ length: n }, () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) / 2 ** 32) * 2 - 1;
  });
}

const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

/** Calls `visit(xIndex, fIndex, yIndex)` for every in-bounds (input, filter tap, output) triple of a convolution. */
function eachTap(c: ConvCase, visit: (xi: number, fi: number, yi: number) => void): void {
  const [n, h, w, ci] = c.x;
  const [kh, kw, , co] = c.f;
  const [oh, ow] = c.out;
  const a = c.attrs;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++)
        for (let ky = 0; ky < kh; ky++)
          for (let kx = 0; kx < kw; kx++) {
            const iy = oy * a.strideH - a.padTop + ky * a.dilationH;
            const ix = ox * a.strideW - a.padLeft + kx * a.dilationW;
            if (iy < 0 || iy >= h || ix < 0 || ix >= w) continue;
            for (let i = 0; i < ci; i++)
              for (let o = 0; o < co; o++) visit(((b * h + iy) * w + ix) * ci + i, ((ky * kw + kx) * ci + i) * co + o, ((b * oh + oy) * ow + ox) * co + o);
          }
}

/** Calls `visit(xIndex, yIndex, count)` for every in-bounds input position of every pooling window, channel by channel. */
function eachWindow(p: PoolCase, visit: (xi: number, yi: number, count: number, first: boolean) => void): void {
  const [n, h, w, c] = p.x;
  const [oh, ow] = p.out;
  const a = p.attrs;
  for (let b = 0; b < n; b++)
    for (let oy = 0; oy < oh; oy++)
      for (let ox = 0; ox < ow; ox++) {
        const top = oy * a.strideH - a.padTop, left = ox * a.strideW - a.padLeft;
        const ys = [...Array(a.windowH).keys()].map((d) => top + d).filter((y) => y >= 0 && y < h);
        const xs = [...Array(a.windowW).keys()].map((d) => left + d).filter((x) => x >= 0 && x < w);
        for (let ch = 0; ch < c; ch++) {
          let first = true;
          for (const iy of ys)
            for (const ix of xs) {
              visit(((b * h + iy) * w + ix) * c + ch, ((b * oh + oy) * ow + ox) * c + ch, ys.length * xs.length, first);
              first = false;
            }
        }
      }
}

const arrays = { float32: Float32Array, float64: Float64Array, int32: Int32Array };

class Harness {
  private readonly blocks: number[] = [];
  constructor(readonly backend: WasmBackend, readonly dtype: DType) {}

  upload(shape: readonly number[], values: Float64Array): Info {
    const storage = this.backend.alloc(this.dtype, values.length);
    // Round to the stored dtype first, so the float64 reference sees exactly what the kernel sees.
    const data = arrays[this.dtype].from(values);
    values.set(data);
    this.backend.write(storage, this.dtype, data);
    this.blocks.push(storage);
    return { storage, shape, dtype: this.dtype, size: values.length };
  }

  output(shape: readonly number[]): Info {
    const storage = this.backend.alloc(this.dtype, size(shape));
    // Garbage first: kernels must overwrite (or zero) their whole output.
    this.backend.write(storage, this.dtype, arrays[this.dtype].from({ length: size(shape) }, () => 12345));
    this.blocks.push(storage);
    return { storage, shape, dtype: this.dtype, size: size(shape) };
  }

  read(t: Info): number[] {
    return Array.from(this.backend.read(t.storage, this.dtype, t.size));
  }

  release(): void {
    for (const b of this.blocks.splice(0)) this.backend.free(b);
  }
}

/** |got - want| <= tol * scale elementwise, where scale sums the magnitudes of the terms of each result. */
function expectClose(got: number[], want: Float64Array, scale: Float64Array, dtype: DType, what: string): void {
  const tol = dtype === 'float32' ? 1e-5 : 1e-12;
  expect(got.length, what).toBe(want.length);
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= tol * (scale[i] + 1e-30))) {
      expect.fail(`${what}: element ${i} is ${got[i]}, expected ${want[i]} (tolerance ${tol * scale[i]})`);
    }
  }
}

function checkConv(t: Harness, c: ConvCase, seed: number): void {
  const yShape = [c.x[0], c.out[0], c.out[1], c.f[3]];
  const xv = random(size(c.x), seed), fv = random(size(c.f), seed + 1), dyv = random(size(yShape), seed + 2);
  const x = t.upload(c.x, xv), f = t.upload(c.f, fv), dy = t.upload(yShape, dyv);
  const y = new Float64Array(size(yShape)), ys = new Float64Array(y.length);
  const dx = new Float64Array(xv.length), dxs = new Float64Array(xv.length);
  const df = new Float64Array(fv.length), dfs = new Float64Array(fv.length);
  eachTap(c, (xi, fi, yi) => {
    y[yi] += xv[xi] * fv[fi];
    ys[yi] += Math.abs(xv[xi] * fv[fi]);
    dx[xi] += dyv[yi] * fv[fi];
    dxs[xi] += Math.abs(dyv[yi] * fv[fi]);
    df[fi] += xv[xi] * dyv[yi];
    dfs[fi] += Math.abs(xv[xi] * dyv[yi]);
  });
  const name = `${c.x}*${c.f} ${JSON.stringify(c.attrs)}`;
  const out = t.output(yShape);
  t.backend.kernels.conv2d([x, f], out, c.attrs);
  expectClose(t.read(out), y, ys, t.dtype, `conv2d ${name}`);
  const dxOut = t.output(c.x);
  t.backend.kernels.conv2dBackpropInput([dy, f], dxOut, c.attrs);
  expectClose(t.read(dxOut), dx, dxs, t.dtype, `conv2dBackpropInput ${name}`);
  const dfOut = t.output(c.f);
  t.backend.kernels.conv2dBackpropFilter([x, dy], dfOut, c.attrs);
  expectClose(t.read(dfOut), df, dfs, t.dtype, `conv2dBackpropFilter ${name}`);
}

function checkPool(t: Harness, p: PoolCase, seed: number): void {
  const yShape = [p.x[0], p.out[0], p.out[1], p.x[3]];
  const xv = random(size(p.x), seed), dyv = random(size(yShape), seed + 1);
  // Ties on purpose: a coarse grid of values makes equal maxima common, so "first maximum" is tested.
  for (let i = 0; i < xv.length; i++) xv[i] = Math.round(xv[i] * 3) / 4;
  const x = t.upload(p.x, xv), dy = t.upload(yShape, dyv);
  const mx = new Float64Array(size(yShape)).fill(-Infinity), at = new Int32Array(mx.length).fill(-1);
  const avg = new Float64Array(mx.length), avgScale = new Float64Array(mx.length);
  const dxAvg = new Float64Array(xv.length), dxAvgScale = new Float64Array(xv.length);
  eachWindow(p, (xi, yi, count) => {
    if (xv[xi] > mx[yi]) {
      mx[yi] = xv[xi];
      at[yi] = xi;
    }
    avg[yi] += xv[xi] / count;
    avgScale[yi] += Math.abs(xv[xi] / count);
    dxAvg[xi] += dyv[yi] / count;
    dxAvgScale[xi] += Math.abs(dyv[yi] / count);
  });
  const dxMax = new Float64Array(xv.length);
  at.forEach((xi, yi) => (dxMax[xi] += dyv[yi]));
  const dxMaxScale = new Float64Array(xv.length);
  at.forEach((xi, yi) => (dxMaxScale[xi] += Math.abs(dyv[yi])));
  const name = `${p.x} ${JSON.stringify(p.attrs)}`;
  const run = (kernel: 'maxPool' | 'avgPool', want: Float64Array, scale: Float64Array) => {
    const out = t.output(yShape);
    t.backend.kernels[kernel]([x], out, p.attrs);
    expectClose(t.read(out), want, scale, t.dtype, `${kernel} ${name}`);
  };
  run('maxPool', mx, mx.map(Math.abs));
  run('avgPool', avg, avgScale);
  const gMax = t.output(p.x);
  t.backend.kernels.maxPoolGrad([x, dy], gMax, p.attrs);
  expectClose(t.read(gMax), dxMax, dxMaxScale, t.dtype, `maxPoolGrad ${name}`);
  const gAvg = t.output(p.x);
  t.backend.kernels.avgPoolGrad([dy], gAvg, p.attrs);
  expectClose(t.read(gAvg), dxAvg, dxAvgScale, t.dtype, `avgPoolGrad ${name}`);
}

const BUILDS: [string, () => Promise<WasmBackend>][] = [
  ['SIMD', () => createWasmBackend({ simd: true, relaxed: false })],
  // Where the engine has relaxed SIMD (Node 20 runs these tests with the flag), its build too: it differs in matMul, which conv runs on.
  ...(relaxedSimdSupported() ? [['relaxed SIMD', () => createWasmBackend({ simd: true, relaxed: true })] as [string, () => Promise<WasmBackend>]] : []),
  ['scalar', () => createWasmBackend({ simd: false })],
  // threadsMinWork 0: every chunk's matMul is split over the pool.
  ['threaded SIMD', () => createWasmBackend({ simd: true, threads: 2, threadsMinWork: 0 })],
  // The debug build (built by `npm run build`, as for bounds.test.ts) under the canary guard: a write past any operand throws.
  ['debug, bounds-guarded', async () => withBoundsGuard(await createWasmBackend({ wasm: fileURLToPath(new URL('../dist/neurite-debug.wasm', import.meta.url)), simd: true }))],
];

const opened: WasmBackend[] = [];
afterAll(() => {
  for (const b of opened) b.dispose?.();
});

describe.each(BUILDS)('conv and pool kernels, %s build', (_name, create) => {
  for (const dtype of ['float32', 'float64'] as const) {
    it(`conv2d and both backprops match float64 loops (${dtype})`, async () => {
      const b = await create();
      opened.push(b);
      const t = new Harness(b, dtype);
      CONVS.forEach((c, i) => checkConv(t, c, 100 + i));
      t.release();
      expect(b.memoryInfo().liveBytes).toBe(0);
    });

    it(`pooling and its gradients match float64 loops (${dtype})`, async () => {
      const b = await create();
      opened.push(b);
      const t = new Harness(b, dtype);
      POOLS.forEach((p, i) => checkPool(t, p, 200 + i));
      t.release();
      expect(b.memoryInfo().liveBytes).toBe(0);
    });

    it(`max pooling: -Infinity and NaN never win, ties go to the first (${dtype})`, async () => {
      const b = await create();
      opened.push(b);
      const t = new Harness(b, dtype);
      const nan = Number.NaN, inf = Number.POSITIVE_INFINITY;
      // One 2x2 window per image row pair, 5 channels (a 4-wide lane group and a scalar one), channel-minor:
      // [-inf everywhere], [NaN, NaN, 3, NaN], [2, 7, 7, 1], [-inf, NaN, -inf, -inf], [inf, 1, inf, 0].
      const windows = [
        [-inf, nan, 2, -inf, inf],
        [-inf, nan, 7, nan, 1],
        [-inf, 3, 7, -inf, inf],
        [-inf, nan, 1, -inf, 0],
      ];
      const xv = Float64Array.from(windows.flat());
      const x = t.upload([1, 2, 2, 5], xv), dy = t.upload([1, 1, 1, 5], Float64Array.of(10, 20, 30, 40, 50));
      for (const attrs of [pool([1, 2, 2, 5], [1, 1], {}).attrs, pool([1, 2, 2, 5], [1, 1], { strideH: 1, strideW: 1 }).attrs]) {
        const y = t.output([1, 1, 1, 5]);
        t.backend.kernels.maxPool([x], y, attrs);
        expect(t.read(y)).toEqual([-inf, 3, 7, -inf, inf]);
        const dx = t.output([1, 2, 2, 5]);
        t.backend.kernels.maxPoolGrad([x, dy], dx, attrs);
        // Position by position (the window's row-major order), each channel's dy where it first won.
        expect(t.read(dx)).toEqual([0, 0, 0, 0, 50, 0, 0, 30, 0, 0, 0, 20, 0, 0, 0, 0, 0, 0, 0, 0]);
      }
      t.release();
      expect(b.memoryInfo().liveBytes).toBe(0);
    });
  }
});
