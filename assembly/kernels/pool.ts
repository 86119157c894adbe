import { F64, at } from './common';

/*
 * 2-D pooling, NHWC. Each output pixel walks the in-bounds part of its window
 * (padding is clipped away, so padded positions never win a max and are not
 * counted in an average) with channels innermost, which keeps every load and
 * store unit-stride; float32 runs 4 channels per SIMD lane group.
 *
 * Geometry is an i32 array: n, h, w, c, oh, ow, windowH, windowW, strideH,
 * strideW, padTop, padLeft.
 */
const G_N = 0, G_H = 1, G_W = 2, G_C = 3, G_OH = 4, G_OW = 5, G_WH = 6, G_WW = 7;
const G_SH = 8, G_SW = 9, G_PT = 10, G_PL = 11;

/** The in-bounds window of one output pixel: rows [y0, y1) and columns [x0, x1) of the input. */
let y0 = 0, y1 = 0, x0 = 0, x1 = 0;
function clipWindow(geom: usize, oy: i32, ox: i32): void {
  const top = oy * at(geom, G_SH) - at(geom, G_PT);
  const left = ox * at(geom, G_SW) - at(geom, G_PL);
  y0 = max(top, 0);
  y1 = min(top + at(geom, G_WH), at(geom, G_H));
  x0 = max(left, 0);
  x1 = min(left + at(geom, G_WW), at(geom, G_W));
}

/*
 * v if wins else m, blended through the integer bits with a mask: V8 compiles
 * a float `select` to a branch, which random data mispredicts half the time
 * (measured: scalar maxPool ~15x slower than avgPool), and binaryen folds a
 * select of reinterpreted bits back into a float select, so mask instead.
 */
@inline function pick<T>(v: T, m: T, wins: bool): T {
  if (sizeof<T>() == 4) {
    const mask = -<i32>wins;
    return <T>reinterpret<f32>((reinterpret<i32>(<f32>v) & mask) | (reinterpret<i32>(<f32>m) & ~mask));
  }
  const mask = -<i64>wins;
  return <T>reinterpret<f64>((reinterpret<i64>(<f64>v) & mask) | (reinterpret<i64>(<f64>m) & ~mask));
}

/** o[i] = x[i] where x[i] > o[i]: a NaN never wins, as in backend-js (pmax, not wasm's NaN-propagating max). */
function maxRun<T>(o: usize, x: usize, c: i32): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    for (; i + 4 <= c; i += 4) {
      const q = o + (<usize>i << 2);
      v128.store(q, f32x4.pmax(v128.load(q), v128.load(x + (<usize>i << 2))));
    }
  }
  for (; i < c; i++) {
    const q = o + <usize>i * sizeof<T>();
    const v = load<T>(x + <usize>i * sizeof<T>()), m = load<T>(q);
    store<T>(q, pick<T>(v, m, v > m));
  }
}

/** o[i] += s * x[i]. */
function axpyRun<T>(o: usize, x: usize, c: i32, s: T): void {
  let i = 0;
  if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
    const sv = f32x4.splat(<f32>s);
    for (; i + 4 <= c; i += 4) {
      const q = o + (<usize>i << 2);
      v128.store(q, f32x4.add(v128.load(q), f32x4.mul(sv, v128.load(x + (<usize>i << 2)))));
    }
  }
  for (; i < c; i++) {
    const q = o + <usize>i * sizeof<T>();
    store<T>(q, load<T>(q) + s * load<T>(x + <usize>i * sizeof<T>()));
  }
}

function maxPoolT<T>(x: usize, o: usize, geom: usize): void {
  const es = sizeof<T>();
  const n = at(geom, G_N), h = at(geom, G_H), w = at(geom, G_W), c = at(geom, G_C);
  const oh = at(geom, G_OH), ow = at(geom, G_OW);
  const row = <usize>c * es;
  let out = o;
  for (let b = 0; b < n; b++) {
    const image = x + <usize>b * h * w * row;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, out += row) {
        clipWindow(geom, oy, ox);
        for (let i = 0; i < c; i++) store<T>(out + <usize>i * es, <T>-Infinity);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) maxRun<T>(out, image + (<usize>iy * w + ix) * row, c);
        }
      }
    }
  }
}

/*
 * float32 with SIMD: the window's maximum of 16 channels at a time stays in
 * four f32x4 registers while the window is walked, then is stored once. The
 * generic loop above keeps it in the output row instead (a -Infinity fill, then
 * a load, max and store per window position); this path is the one training
 * and the bench run. Same result bit for bit: pmax keeps the accumulator
 * unless the new value is greater, so a NaN never wins either way.
 */
function maxPoolF32x4(x: usize, o: usize, geom: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const n = at(geom, G_N), h = at(geom, G_H), w = at(geom, G_W), c = at(geom, G_C);
  const oh = at(geom, G_OH), ow = at(geom, G_OW), wh = at(geom, G_WH), ww = at(geom, G_WW);
  const sh = at(geom, G_SH), sw = at(geom, G_SW), pt = at(geom, G_PT), pl = at(geom, G_PL);
  const row = <usize>c << 2;
  const lowest = f32x4.splat(-Infinity);
  let out = o;
  for (let b = 0; b < n; b++) {
    const image = x + <usize>b * h * w * row;
    for (let oy = 0; oy < oh; oy++) {
      const top = oy * sh - pt;
      const ya = max(top, 0), yb = min(top + wh, h);
      for (let ox = 0; ox < ow; ox++, out += row) {
        const left = ox * sw - pl;
        const xa = max(left, 0), xb = min(left + ww, w);
        let ch = 0;
        for (; ch + 16 <= c; ch += 16) {
          let m0 = lowest, m1 = lowest, m2 = lowest, m3 = lowest;
          for (let iy = ya; iy < yb; iy++) {
            let p = image + (<usize>iy * w + xa) * row + (<usize>ch << 2);
            for (let ix = xa; ix < xb; ix++, p += row) {
              m0 = f32x4.pmax(m0, v128.load(p));
              m1 = f32x4.pmax(m1, v128.load(p, 16));
              m2 = f32x4.pmax(m2, v128.load(p, 32));
              m3 = f32x4.pmax(m3, v128.load(p, 48));
            }
          }
          const q = out + (<usize>ch << 2);
          v128.store(q, m0);
          v128.store(q, m1, 16);
          v128.store(q, m2, 32);
          v128.store(q, m3, 48);
        }
        for (; ch + 4 <= c; ch += 4) {
          let m = lowest;
          for (let iy = ya; iy < yb; iy++) {
            let p = image + (<usize>iy * w + xa) * row + (<usize>ch << 2);
            for (let ix = xa; ix < xb; ix++, p += row) m = f32x4.pmax(m, v128.load(p));
          }
          v128.store(out + (<usize>ch << 2), m);
        }
        for (; ch < c; ch++) {
          let m: f32 = -Infinity;
          for (let iy = ya; iy < yb; iy++) {
            let p = image + (<usize>iy * w + xa) * row + (<usize>ch << 2);
            for (let ix = xa; ix < xb; ix++, p += row) {
              const v = load<f32>(p);
              m = pick<f32>(v, m, v > m);
            }
          }
          store<f32>(out + (<usize>ch << 2), m);
        }
      }
    }
  }
}

export function maxPool(dt: i32, x: usize, o: usize, geom: usize): void {
  if (dt == F64) maxPoolT<f64>(x, o, geom);
  else if (ASC_FEATURE_SIMD) maxPoolF32x4(x, o, geom);
  else maxPoolT<f32>(x, o, geom);
}

function avgPoolT<T>(x: usize, o: usize, geom: usize): void {
  const es = sizeof<T>();
  const n = at(geom, G_N), h = at(geom, G_H), w = at(geom, G_W), c = at(geom, G_C);
  const oh = at(geom, G_OH), ow = at(geom, G_OW);
  const row = <usize>c * es;
  let out = o;
  memory.fill(o, 0, <usize>n * oh * ow * row);
  for (let b = 0; b < n; b++) {
    const image = x + <usize>b * h * w * row;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, out += row) {
        clipWindow(geom, oy, ox);
        // A window wholly in the padding counts nothing: 0 / 0 = NaN, as in backend-js.
        const count = max(y1 - y0, 0) * max(x1 - x0, 0);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) axpyRun<T>(out, image + (<usize>iy * w + ix) * row, c, <T>1);
        }
        const scale = <T>(1 / <f64>count);
        for (let i = 0; i < c; i++) store<T>(out + <usize>i * es, load<T>(out + <usize>i * es) * scale);
      }
    }
  }
}

export function avgPool(dt: i32, x: usize, o: usize, geom: usize): void {
  if (dt == F64) avgPoolT<f64>(x, o, geom);
  else avgPoolT<f32>(x, o, geom);
}

function avgPoolGradT<T>(dy: usize, dx: usize, geom: usize): void {
  const es = sizeof<T>();
  const n = at(geom, G_N), h = at(geom, G_H), w = at(geom, G_W), c = at(geom, G_C);
  const oh = at(geom, G_OH), ow = at(geom, G_OW);
  const row = <usize>c * es;
  memory.fill(dx, 0, <usize>n * h * w * row);
  let g = dy;
  for (let b = 0; b < n; b++) {
    const image = dx + <usize>b * h * w * row;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, g += row) {
        clipWindow(geom, oy, ox);
        const count = max(y1 - y0, 0) * max(x1 - x0, 0);
        if (count == 0) continue;
        const scale = <T>(1 / <f64>count);
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) axpyRun<T>(image + (<usize>iy * w + ix) * row, g, c, scale);
        }
      }
    }
  }
}

export function avgPoolGrad(dt: i32, dy: usize, dx: usize, geom: usize): void {
  if (dt == F64) avgPoolGradT<f64>(dy, dx, geom);
  else avgPoolGradT<f32>(dy, dx, geom);
}

/**
 * Each dy goes to the first maximum of its window in row-major order: a later
 * position replaces the running best only when strictly greater, so ties keep
 * the first and a NaN never wins (as in the forward max). `best`/`arg` hold
 * one value and one input element index per channel (-1: nothing won).
 */
function maxPoolGradT<T>(x: usize, dy: usize, dx: usize, geom: usize): void {
  const es = sizeof<T>();
  const n = at(geom, G_N), h = at(geom, G_H), w = at(geom, G_W), c = at(geom, G_C);
  const oh = at(geom, G_OH), ow = at(geom, G_OW);
  const row = <usize>c * es;
  memory.fill(dx, 0, <usize>n * h * w * row);
  const best = heap.alloc(row);
  const arg = heap.alloc(<usize>c << 2);
  let g = dy;
  for (let b = 0; b < n; b++) {
    const image = <usize>b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      for (let ox = 0; ox < ow; ox++, g += row) {
        clipWindow(geom, oy, ox);
        for (let i = 0; i < c; i++) {
          store<T>(best + <usize>i * es, <T>-Infinity);
          store<i32>(arg + (<usize>i << 2), -1);
        }
        for (let iy = y0; iy < y1; iy++) {
          for (let ix = x0; ix < x1; ix++) {
            const base = image + (<usize>iy * w + ix) * c;
            const src = x + base * es;
            let i = 0;
            if (ASC_FEATURE_SIMD && sizeof<T>() == 4) {
              let index = i32x4.add(i32x4.splat(<i32>base), i32x4(0, 1, 2, 3));
              for (; i + 4 <= c; i += 4, index = i32x4.add(index, i32x4.splat(4))) {
                const bq = best + (<usize>i << 2), aq = arg + (<usize>i << 2);
                const v = v128.load(src + (<usize>i << 2)), m = v128.load(bq);
                const wins = f32x4.gt(v, m);
                v128.store(bq, v128.bitselect(v, m, wins));
                v128.store(aq, v128.bitselect(index, v128.load(aq), wins));
              }
            }
            for (; i < c; i++) {
              const v = load<T>(src + <usize>i * es), m = load<T>(best + <usize>i * es);
              const wins = v > m;
              store<T>(best + <usize>i * es, pick<T>(v, m, wins));
              store<i32>(arg + (<usize>i << 2), select<i32>(<i32>base + i, load<i32>(arg + (<usize>i << 2)), wins));
            }
          }
        }
        for (let i = 0; i < c; i++) {
          const j = load<i32>(arg + (<usize>i << 2));
          if (j < 0) continue;
          const q = dx + <usize>j * es;
          store<T>(q, load<T>(q) + load<T>(g + <usize>i * es));
        }
      }
    }
  }
  heap.free(arg);
  heap.free(best);
}

/** dx[j] += g where j >= 0 (the window had a winner). */
@inline function addAt(dx: usize, j: i32, g: f32): void {
  if (j >= 0) {
    const q = dx + (<usize>j << 2);
    store<f32>(q, load<f32>(q) + g);
  }
}

/*
 * float32 with SIMD: as maxPoolGradT, with the running best and its element
 * index for 4 channels held in two registers while the window is walked
 * (no best/arg scratch rows to load and store per window position); channels
 * past the last multiple of 4 go through the scalar loop's rule.
 */
function maxPoolGradF32x4(x: usize, dy: usize, dx: usize, geom: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  const n = at(geom, G_N), h = at(geom, G_H), w = at(geom, G_W), c = at(geom, G_C);
  const oh = at(geom, G_OH), ow = at(geom, G_OW), wh = at(geom, G_WH), ww = at(geom, G_WW);
  const sh = at(geom, G_SH), sw = at(geom, G_SW), pt = at(geom, G_PT), pl = at(geom, G_PL);
  const row = <usize>c << 2;
  memory.fill(dx, 0, <usize>n * h * w * row);
  const lowest = f32x4.splat(-Infinity), none = i32x4.splat(-1), lane = i32x4(0, 1, 2, 3);
  let g = dy;
  for (let b = 0; b < n; b++) {
    const image = b * h * w * c;
    for (let oy = 0; oy < oh; oy++) {
      const top = oy * sh - pt;
      const ya = max(top, 0), yb = min(top + wh, h);
      for (let ox = 0; ox < ow; ox++, g += row) {
        const left = ox * sw - pl;
        const xa = max(left, 0), xb = min(left + ww, w);
        let ch = 0;
        for (; ch + 4 <= c; ch += 4) {
          let m = lowest, arg = none;
          for (let iy = ya; iy < yb; iy++) {
            let e = image + (iy * w + xa) * c + ch;
            for (let ix = xa; ix < xb; ix++, e += c) {
              const v = v128.load(x + (<usize>e << 2));
              const wins = f32x4.gt(v, m);
              m = v128.bitselect(v, m, wins);
              arg = v128.bitselect(i32x4.add(i32x4.splat(e), lane), arg, wins);
            }
          }
          const gv = v128.load(g + (<usize>ch << 2));
          addAt(dx, i32x4.extract_lane(arg, 0), f32x4.extract_lane(gv, 0));
          addAt(dx, i32x4.extract_lane(arg, 1), f32x4.extract_lane(gv, 1));
          addAt(dx, i32x4.extract_lane(arg, 2), f32x4.extract_lane(gv, 2));
          addAt(dx, i32x4.extract_lane(arg, 3), f32x4.extract_lane(gv, 3));
        }
        for (; ch < c; ch++) {
          let m: f32 = -Infinity, arg = -1;
          for (let iy = ya; iy < yb; iy++) {
            let e = image + (iy * w + xa) * c + ch;
            for (let ix = xa; ix < xb; ix++, e += c) {
              const v = load<f32>(x + (<usize>e << 2));
              const wins = v > m;
              m = pick<f32>(v, m, wins);
              arg = select<i32>(e, arg, wins);
            }
          }
          addAt(dx, arg, load<f32>(g + (<usize>ch << 2)));
        }
      }
    }
  }
}

export function maxPoolGrad(dt: i32, x: usize, dy: usize, dx: usize, geom: usize): void {
  if (dt == F64) maxPoolGradT<f64>(x, dy, dx, geom);
  else if (ASC_FEATURE_SIMD) maxPoolGradF32x4(x, dy, dx, geom);
  else maxPoolGradT<f32>(x, dy, dx, geom);
}
