/**
 * Float64 references for 2-D convolution and pooling (NHWC), written as the
 * textbook loops over every output element and every filter tap, with the
 * padding worked out again from TensorFlow's definition rather than taken
 * from core. Slow on purpose, like reference.ts.
 */
import { generate, ravel, type Ref } from './reference.js';

export type RefPadding = 'valid' | 'same' | number | readonly [readonly [number, number], readonly [number, number]];

export interface RefWindow {
  strides?: number | readonly [number, number];
  dilations?: number | readonly [number, number];
  padding?: RefPadding;
}

const pair = (v: number | readonly [number, number] | undefined, fallback: number): [number, number] =>
  v === undefined ? [fallback, fallback] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** [outSize, padBefore] along one axis. 'same': out = ceil(in / s), total padding (out-1)*s + extent - in, the odd one after. */
function along(size: number, window: number, stride: number, dilation: number, padding: RefPadding, axis: 0 | 1): [number, number] {
  const extent = dilation * (window - 1) + 1;
  if (padding === 'same') {
    const out = Math.ceil(size / stride);
    const total = Math.max(0, (out - 1) * stride + extent - size);
    return [out, Math.floor(total / 2)];
  }
  const [before, after] = padding === 'valid' ? [0, 0] : typeof padding === 'number' ? [padding, padding] : padding[axis];
  return [Math.floor((size + before + after - extent) / stride) + 1, before];
}

interface Layout {
  outH: number;
  outW: number;
  padTop: number;
  padLeft: number;
  sh: number;
  sw: number;
  dh: number;
  dw: number;
}

function layout(h: number, w: number, kh: number, kw: number, o: RefWindow): Layout {
  const [sh, sw] = pair(o.strides, 1);
  const [dh, dw] = pair(o.dilations, 1);
  const [outH, padTop] = along(h, kh, sh, dh, o.padding ?? 'valid', 0);
  const [outW, padLeft] = along(w, kw, sw, dw, o.padding ?? 'valid', 1);
  return { outH, outW, padTop, padLeft, sh, sw, dh, dw };
}

/** x [N,H,W,Ci] value at (n, y, x, c), 0 outside the image (padding). */
function pixel(x: Ref, n: number, y: number, xx: number, c: number): number {
  const [, h, w] = x.shape;
  if (y < 0 || y >= h || xx < 0 || xx >= w) return 0;
  return x.data[ravel([n, y, xx, c], x.shape)];
}

/** y[n,i,j,o] = sum over taps p, q and channels c of x[n, i*sh - top + p*dh, j*sw - left + q*dw, c] * f[p,q,c,o]. */
export function conv2d(x: Ref, f: Ref, o: RefWindow = {}): Ref {
  const [n, h, w, ci] = x.shape;
  const [kh, kw, , co] = f.shape;
  const g = layout(h, w, kh, kw, o);
  return generate([n, g.outH, g.outW, co], ([b, i, j, oc]) => {
    let s = 0;
    for (let p = 0; p < kh; p++) {
      for (let q = 0; q < kw; q++) {
        for (let c = 0; c < ci; c++) {
          s += pixel(x, b, i * g.sh - g.padTop + p * g.dh, j * g.sw - g.padLeft + q * g.dw, c) * f.data[ravel([p, q, c, oc], f.shape)];
        }
      }
    }
    return s;
  });
}

/** dL/dx of conv2d for dL/dy = dy, by scattering every output's dy through the taps. */
export function conv2dBackpropInput(dy: Ref, f: Ref, xShape: readonly number[], o: RefWindow = {}): Ref {
  const [n, h, w, ci] = xShape;
  const [kh, kw, , co] = f.shape;
  const g = layout(h, w, kh, kw, o);
  const dx = new Float64Array(n * h * w * ci);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < g.outH; i++)
      for (let j = 0; j < g.outW; j++)
        for (let p = 0; p < kh; p++)
          for (let q = 0; q < kw; q++) {
            const y = i * g.sh - g.padTop + p * g.dh;
            const xx = j * g.sw - g.padLeft + q * g.dw;
            if (y < 0 || y >= h || xx < 0 || xx >= w) continue;
            for (let c = 0; c < ci; c++)
              for (let oc = 0; oc < co; oc++) {
                dx[ravel([b, y, xx, c], xShape)] += dy.data[ravel([b, i, j, oc], dy.shape)] * f.data[ravel([p, q, c, oc], f.shape)];
              }
          }
  return { shape: [...xShape], data: dx };
}

/** dL/dfilter of conv2d for dL/dy = dy. */
export function conv2dBackpropFilter(x: Ref, dy: Ref, fShape: readonly number[], o: RefWindow = {}): Ref {
  const [n, h, w] = x.shape;
  const [kh, kw] = fShape;
  const g = layout(h, w, kh, kw, o);
  return generate(fShape, ([p, q, c, oc]) => {
    let s = 0;
    for (let b = 0; b < n; b++)
      for (let i = 0; i < g.outH; i++)
        for (let j = 0; j < g.outW; j++) {
          s += pixel(x, b, i * g.sh - g.padTop + p * g.dh, j * g.sw - g.padLeft + q * g.dw, c) * dy.data[ravel([b, i, j, oc], dy.shape)];
        }
    return s;
  });
}

export interface RefPool {
  poolSize: number | readonly [number, number];
  strides?: number | readonly [number, number];
  padding?: 'valid' | 'same';
}

/** The in-image positions of output (i, j)'s window, row-major. */
function windowOf(g: Layout, kh: number, kw: number, h: number, w: number, i: number, j: number): [number, number][] {
  const taps: [number, number][] = [];
  for (let p = 0; p < kh; p++) {
    for (let q = 0; q < kw; q++) {
      const y = i * g.sh - g.padTop + p;
      const xx = j * g.sw - g.padLeft + q;
      if (y >= 0 && y < h && xx >= 0 && xx < w) taps.push([y, xx]);
    }
  }
  return taps;
}

function poolLayout(x: Ref, o: RefPool): [Layout, number, number] {
  const [kh, kw] = pair(o.poolSize, 1);
  return [layout(x.shape[1], x.shape[2], kh, kw, { strides: o.strides ?? [kh, kw], padding: o.padding }), kh, kw];
}

/** Largest in-image value of each window (padding never counts). */
export function maxPool(x: Ref, o: RefPool): Ref {
  const [n, h, w, c] = x.shape;
  const [g, kh, kw] = poolLayout(x, o);
  return generate([n, g.outH, g.outW, c], ([b, i, j, ch]) =>
    Math.max(...windowOf(g, kh, kw, h, w, i, j).map(([y, xx]) => x.data[ravel([b, y, xx, ch], x.shape)])),
  );
}

/** Mean of each window over its in-image positions only. */
export function avgPool(x: Ref, o: RefPool): Ref {
  const [n, h, w, c] = x.shape;
  const [g, kh, kw] = poolLayout(x, o);
  return generate([n, g.outH, g.outW, c], ([b, i, j, ch]) => {
    const taps = windowOf(g, kh, kw, h, w, i, j);
    return taps.reduce((s, [y, xx]) => s + x.data[ravel([b, y, xx, ch], x.shape)], 0) / taps.length;
  });
}

/** dL/dx of maxPool: each dy to the first (row-major) maximum of its window. */
export function maxPoolGrad(x: Ref, dy: Ref, o: RefPool): Ref {
  const [n, h, w, c] = x.shape;
  const [g, kh, kw] = poolLayout(x, o);
  const dx = new Float64Array(x.data.length);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < g.outH; i++)
      for (let j = 0; j < g.outW; j++)
        for (let ch = 0; ch < c; ch++) {
          let best = -Infinity;
          let where = -1;
          for (const [y, xx] of windowOf(g, kh, kw, h, w, i, j)) {
            const at = ravel([b, y, xx, ch], x.shape);
            if (x.data[at] > best) [best, where] = [x.data[at], at];
          }
          dx[where] += dy.data[ravel([b, i, j, ch], dy.shape)];
        }
  return { shape: [...x.shape], data: dx };
}
