import type { Pool2DAttrs, TensorInfo, TypedArray } from '@neurite/core';

type Info = TensorInfo<TypedArray>;

/*
 * Pooling loops run over output positions with the channel axis innermost,
 * so every read and write is contiguous. Each window is clipped to the input
 * once (padding never enters the loops), which is also how padded positions
 * stay out of a max and out of an average's count. One loop per kernel, no
 * shared loop with a closure (see binary.ts on megamorphic call sites).
 */

/** The part of one output position's window that lies inside the input. */
interface Window {
  y0: number;
  y1: number;
  x0: number;
  x1: number;
}

function clip(win: Window, oy: number, ox: number, h: number, w: number, a: Pool2DAttrs): void {
  const top = oy * a.strideH - a.padTop;
  const left = ox * a.strideW - a.padLeft;
  win.y0 = Math.max(top, 0);
  win.y1 = Math.min(top + a.windowH, h);
  win.x0 = Math.max(left, 0);
  win.x1 = Math.min(left + a.windowW, w);
}

export function maxPool([x]: [Info], out: Info, attrs: Pool2DAttrs): void {
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = out.shape;
  const src = x.storage;
  const dst = out.storage;
  const best = new Float64Array(c);
  const win: Window = { y0: 0, y1: 0, x0: 0, x1: 0 };
  for (let b = 0, o = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o += c) {
        clip(win, oy, ox, h, w, attrs);
        best.fill(-Infinity);
        for (let iy = win.y0; iy < win.y1; iy++) {
          for (let ix = win.x0, s = ((b * h + iy) * w + win.x0) * c; ix < win.x1; ix++) {
            for (let ch = 0; ch < c; ch++, s++) {
              const v = src[s];
              if (v > best[ch]) best[ch] = v;
            }
          }
        }
        for (let ch = 0; ch < c; ch++) dst[o + ch] = best[ch];
      }
    }
  }
}

/** dx: each dy goes to the first maximum (row-major) of its window; overlapping windows add up. */
export function maxPoolGrad([x, dy]: [Info, Info], out: Info, attrs: Pool2DAttrs): void {
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = dy.shape;
  const src = x.storage;
  const g = dy.storage;
  const dx = out.storage;
  dx.fill(0);
  const best = new Float64Array(c);
  const at = new Int32Array(c);
  const win: Window = { y0: 0, y1: 0, x0: 0, x1: 0 };
  for (let b = 0, o = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o += c) {
        clip(win, oy, ox, h, w, attrs);
        best.fill(-Infinity);
        at.fill(-1);
        for (let iy = win.y0; iy < win.y1; iy++) {
          for (let ix = win.x0, s = ((b * h + iy) * w + win.x0) * c; ix < win.x1; ix++) {
            for (let ch = 0; ch < c; ch++, s++) {
              const v = src[s];
              if (v > best[ch]) {
                best[ch] = v;
                at[ch] = s;
              }
            }
          }
        }
        for (let ch = 0; ch < c; ch++) if (at[ch] >= 0) dx[at[ch]] += g[o + ch];
      }
    }
  }
}

export function avgPool([x]: [Info], out: Info, attrs: Pool2DAttrs): void {
  const [n, h, w, c] = x.shape;
  const [, oh, ow] = out.shape;
  const src = x.storage;
  const dst = out.storage;
  const total = new Float64Array(c);
  const win: Window = { y0: 0, y1: 0, x0: 0, x1: 0 };
  for (let b = 0, o = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o += c) {
        clip(win, oy, ox, h, w, attrs);
        total.fill(0);
        for (let iy = win.y0; iy < win.y1; iy++) {
          for (let ix = win.x0, s = ((b * h + iy) * w + win.x0) * c; ix < win.x1; ix++) {
            for (let ch = 0; ch < c; ch++, s++) total[ch] += src[s];
          }
        }
        const count = (win.y1 - win.y0) * (win.x1 - win.x0);
        for (let ch = 0; ch < c; ch++) dst[o + ch] = total[ch] / count;
      }
    }
  }
}

/** dx: each dy spread evenly over the input positions its window counted. */
export function avgPoolGrad([dy]: [Info], out: Info, attrs: Pool2DAttrs): void {
  const [n, h, w, c] = out.shape;
  const [, oh, ow] = dy.shape;
  const g = dy.storage;
  // Overlapping windows add up: accumulate in float64, round once.
  const acc = new Float64Array(out.size);
  const win: Window = { y0: 0, y1: 0, x0: 0, x1: 0 };
  for (let b = 0, o = 0; b < n; b++) {
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, o += c) {
        clip(win, oy, ox, h, w, attrs);
        const share = 1 / ((win.y1 - win.y0) * (win.x1 - win.x0));
        for (let iy = win.y0; iy < win.y1; iy++) {
          for (let ix = win.x0, d = ((b * h + iy) * w + win.x0) * c; ix < win.x1; ix++) {
            for (let ch = 0; ch < c; ch++, d++) acc[d] += g[o + ch] * share;
          }
        }
      }
    }
  }
  const dx = out.storage;
  for (let i = 0; i < out.size; i++) dx[i] = acc[i];
}
