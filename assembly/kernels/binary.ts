import { F32, F64, I32, advance, at, counter, resetCounter, rowCount, step0, step1, step2 } from './common';

const ADD = 0, SUB = 1, MUL = 2, DIV = 3, POW = 4, MAXIMUM = 5, MINIMUM = 6;
const EQUAL = 7, NOT_EQUAL = 8, LESS = 9, LESS_EQUAL = 10, GREATER = 11, GREATER_EQUAL = 12;

/**
 * One strided run of n outputs: o[i] = x[i*xs] (op) y[i*ys], strides 0 or 1.
 * One loop per op so each stays tight; integer division floors and pow goes
 * through f64, as backend-js does.
 */
function run<T>(op: i32, x: usize, xs: i32, y: usize, ys: i32, o: usize, n: i32): void {
  const sx = <usize>xs * sizeof<T>(), sy = <usize>ys * sizeof<T>();
  if (ASC_FEATURE_SIMD) {
    if (!isInteger<T>() && sizeof<T>() == 4 && op != POW) {
      if (n >= 4 && runF32x4(op, x, xs, y, ys, o, n)) return; // the tail (< 4) comes back here and runs scalar
    }
  }
  switch (op) {
    case ADD: for (let i = 0; i < n; i++, x += sx, y += sy) store<T>(o + (<usize>i * sizeof<T>()), load<T>(x) + load<T>(y)); return;
    case SUB: for (let i = 0; i < n; i++, x += sx, y += sy) store<T>(o + (<usize>i * sizeof<T>()), load<T>(x) - load<T>(y)); return;
    case MUL: for (let i = 0; i < n; i++, x += sx, y += sy) store<T>(o + (<usize>i * sizeof<T>()), load<T>(x) * load<T>(y)); return;
    case DIV:
      if (isInteger<T>()) {
        // Math.floor(a / b) stored into an Int32Array: 0 when b is 0.
        for (let i = 0; i < n; i++, x += sx, y += sy) {
          const q = Math.floor(<f64>load<T>(x) / <f64>load<T>(y));
          store<T>(o + (<usize>i * sizeof<T>()), isFinite(q) ? <T>q : <T>0);
        }
      } else {
        for (let i = 0; i < n; i++, x += sx, y += sy) store<T>(o + (<usize>i * sizeof<T>()), load<T>(x) / load<T>(y));
      }
      return;
    case POW:
      for (let i = 0; i < n; i++, x += sx, y += sy) {
        const p = Math.pow(<f64>load<T>(x), <f64>load<T>(y));
        store<T>(o + (<usize>i * sizeof<T>()), isInteger<T>() && !isFinite(p) ? <T>0 : <T>p);
      }
      return;
    // NaN propagates, as in NumPy's maximum/minimum.
    case MAXIMUM:
      for (let i = 0; i < n; i++, x += sx, y += sy) {
        const a = load<T>(x), b = load<T>(y);
        store<T>(o + (<usize>i * sizeof<T>()), a > b || a != a ? a : b);
      }
      return;
    case MINIMUM:
      for (let i = 0; i < n; i++, x += sx, y += sy) {
        const a = load<T>(x), b = load<T>(y);
        store<T>(o + (<usize>i * sizeof<T>()), a < b || a != a ? a : b);
      }
      return;
    // Comparisons write int32 0/1.
    case EQUAL: for (let i = 0; i < n; i++, x += sx, y += sy) store<i32>(o + (<usize>i << 2), i32(load<T>(x) == load<T>(y))); return;
    case NOT_EQUAL: for (let i = 0; i < n; i++, x += sx, y += sy) store<i32>(o + (<usize>i << 2), i32(load<T>(x) != load<T>(y))); return;
    case LESS: for (let i = 0; i < n; i++, x += sx, y += sy) store<i32>(o + (<usize>i << 2), i32(load<T>(x) < load<T>(y))); return;
    case LESS_EQUAL: for (let i = 0; i < n; i++, x += sx, y += sy) store<i32>(o + (<usize>i << 2), i32(load<T>(x) <= load<T>(y))); return;
    case GREATER: for (let i = 0; i < n; i++, x += sx, y += sy) store<i32>(o + (<usize>i << 2), i32(load<T>(x) > load<T>(y))); return;
    case GREATER_EQUAL: for (let i = 0; i < n; i++, x += sx, y += sy) store<i32>(o + (<usize>i << 2), i32(load<T>(x) >= load<T>(y))); return;
  }
}

/** One f32x4 lane group of `op`; comparisons give int32 0/1 lanes. Same semantics as the scalar loops. */
@inline function lanes(op: i32, a: v128, b: v128): v128 {
  if (!ASC_FEATURE_SIMD) return a;
  const one = i32x4.splat(1);
  switch (op) {
    case ADD: return f32x4.add(a, b);
    case SUB: return f32x4.sub(a, b);
    case MUL: return f32x4.mul(a, b);
    case DIV: return f32x4.div(a, b);
    // a > b || a != a ? a : b, lane by lane (keeps NaN and the scalar loop's choice between zeros).
    case MAXIMUM: return v128.bitselect(a, b, v128.or(f32x4.gt(a, b), f32x4.ne(a, a)));
    case MINIMUM: return v128.bitselect(a, b, v128.or(f32x4.lt(a, b), f32x4.ne(a, a)));
    case EQUAL: return v128.and(f32x4.eq(a, b), one);
    case NOT_EQUAL: return v128.and(f32x4.ne(a, b), one);
    case LESS: return v128.and(f32x4.lt(a, b), one);
    case LESS_EQUAL: return v128.and(f32x4.le(a, b), one);
    case GREATER: return v128.and(f32x4.gt(a, b), one);
    default: return v128.and(f32x4.ge(a, b), one);
  }
}

@inline function lanesLoop(op: i32, x: usize, xs: i32, y: usize, ys: i32, o: usize, vec: i32): void {
  if (!ASC_FEATURE_SIMD) return;
  const bx = v128.load32_splat(x), by = v128.load32_splat(y);
  for (let i = 0; i < vec; i += 4) {
    const off = <usize>i << 2;
    v128.store(o + off, lanes(op, xs == 0 ? bx : v128.load(x + off), ys == 0 ? by : v128.load(y + off)));
  }
}

/*
 * One function per op with its instruction written out, four f32x4 per
 * iteration on bumped pointers, over whole blocks of 16 floats. Written out
 * on purpose: when the op was a parameter of an @inline loop (lanesLoop
 * below), binaryen folded the per-op copies back into one loop that
 * dispatched on the op and on both strides for every vector, and add on 1M
 * floats ran at half the speed of tfjs-backend-wasm. Unrolling alone gained
 * little; the dispatch was the cost. Every vector is read before its own slot
 * is written, so o may be x or y.
 */

@inline function maxLanes(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, v128.or(f32x4.gt(a, b), f32x4.ne(a, a)));
}

@inline function minLanes(a: v128, b: v128): v128 {
  return v128.bitselect(a, b, v128.or(f32x4.lt(a, b), f32x4.ne(a, a)));
}

function addBlocks(x: usize, xStep: usize, y: usize, yStep: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += xStep, y += yStep, o += 64) {
    v128.store(o, f32x4.add(v128.load(x), v128.load(y)));
    v128.store(o, f32x4.add(v128.load(x, 16), v128.load(y, 16)), 16);
    v128.store(o, f32x4.add(v128.load(x, 32), v128.load(y, 32)), 32);
    v128.store(o, f32x4.add(v128.load(x, 48), v128.load(y, 48)), 48);
  }
}

function subBlocks(x: usize, xStep: usize, y: usize, yStep: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += xStep, y += yStep, o += 64) {
    v128.store(o, f32x4.sub(v128.load(x), v128.load(y)));
    v128.store(o, f32x4.sub(v128.load(x, 16), v128.load(y, 16)), 16);
    v128.store(o, f32x4.sub(v128.load(x, 32), v128.load(y, 32)), 32);
    v128.store(o, f32x4.sub(v128.load(x, 48), v128.load(y, 48)), 48);
  }
}

function mulBlocks(x: usize, xStep: usize, y: usize, yStep: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += xStep, y += yStep, o += 64) {
    v128.store(o, f32x4.mul(v128.load(x), v128.load(y)));
    v128.store(o, f32x4.mul(v128.load(x, 16), v128.load(y, 16)), 16);
    v128.store(o, f32x4.mul(v128.load(x, 32), v128.load(y, 32)), 32);
    v128.store(o, f32x4.mul(v128.load(x, 48), v128.load(y, 48)), 48);
  }
}

function divBlocks(x: usize, xStep: usize, y: usize, yStep: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += xStep, y += yStep, o += 64) {
    v128.store(o, f32x4.div(v128.load(x), v128.load(y)));
    v128.store(o, f32x4.div(v128.load(x, 16), v128.load(y, 16)), 16);
    v128.store(o, f32x4.div(v128.load(x, 32), v128.load(y, 32)), 32);
    v128.store(o, f32x4.div(v128.load(x, 48), v128.load(y, 48)), 48);
  }
}

function maxBlocks(x: usize, xStep: usize, y: usize, yStep: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += xStep, y += yStep, o += 64) {
    v128.store(o, maxLanes(v128.load(x), v128.load(y)));
    v128.store(o, maxLanes(v128.load(x, 16), v128.load(y, 16)), 16);
    v128.store(o, maxLanes(v128.load(x, 32), v128.load(y, 32)), 32);
    v128.store(o, maxLanes(v128.load(x, 48), v128.load(y, 48)), 48);
  }
}

function minBlocks(x: usize, xStep: usize, y: usize, yStep: usize, o: usize, end: usize): void {
  if (!ASC_FEATURE_SIMD) return;
  for (; o < end; x += xStep, y += yStep, o += 64) {
    v128.store(o, minLanes(v128.load(x), v128.load(y)));
    v128.store(o, minLanes(v128.load(x, 16), v128.load(y, 16)), 16);
    v128.store(o, minLanes(v128.load(x, 32), v128.load(y, 32)), 32);
    v128.store(o, minLanes(v128.load(x, 48), v128.load(y, 48)), 48);
  }
}

/**
 * 16 copies of a broadcast scalar operand: the block loops read it as if it
 * were contiguous, with a step of 0, so x * 2 runs the same loop as x * y.
 * Static like `counter`: only the calling instance runs elementwise kernels.
 */
const splat16: usize = memory.data(64, 16);

/**
 * Runs the whole 16-float blocks of `op` where each operand is contiguous
 * (stride 1) or one broadcast scalar (stride 0, not both); returns how many
 * elements it did (0 for ops without a block loop).
 */
function blocks(op: i32, x: usize, xs: i32, y: usize, ys: i32, o: usize, n: i32): i32 {
  if (!ASC_FEATURE_SIMD) return 0;
  if (op != ADD && op != SUB && op != MUL && op != DIV && op != MAXIMUM && op != MINIMUM) return 0;
  let xStep: usize = 64, yStep: usize = 64;
  if (xs == 0 || ys == 0) {
    const v = v128.load32_splat(xs == 0 ? x : y);
    v128.store(splat16, v);
    v128.store(splat16, v, 16);
    v128.store(splat16, v, 32);
    v128.store(splat16, v, 48);
    if (xs == 0) {
      x = splat16;
      xStep = 0;
    } else {
      y = splat16;
      yStep = 0;
    }
  }
  const done = n & ~15;
  const end = o + (<usize>done << 2);
  switch (op) {
    case ADD: addBlocks(x, xStep, y, yStep, o, end); break;
    case SUB: subBlocks(x, xStep, y, yStep, o, end); break;
    case MUL: mulBlocks(x, xStep, y, yStep, o, end); break;
    case DIV: divBlocks(x, xStep, y, yStep, o, end); break;
    case MAXIMUM: maxBlocks(x, xStep, y, yStep, o, end); break;
    default: minBlocks(x, xStep, y, yStep, o, end); break;
  }
  return done;
}

/**
 * float32 runs with f32x4 when at least one operand is contiguous (the other
 * contiguous or a broadcast scalar); the tail goes through the scalar loops.
 */
function runF32x4(op: i32, x: usize, xs: i32, y: usize, ys: i32, o: usize, n: i32): bool {
  if (!ASC_FEATURE_SIMD) return false;
  if (xs == 0 && ys == 0) return false;
  if (n >= 16) {
    const done = blocks(op, x, xs, y, ys, o, n);
    if (done == n) return true;
    // The rest (< 16) below; a broadcast operand stays where it is.
    x += <usize>done * (<usize>xs << 2);
    y += <usize>done * (<usize>ys << 2);
    o += <usize>done << 2;
    n -= done;
  }
  const vec = n & ~3;
  switch (op) {
    case ADD: lanesLoop(ADD, x, xs, y, ys, o, vec); break;
    case SUB: lanesLoop(SUB, x, xs, y, ys, o, vec); break;
    case MUL: lanesLoop(MUL, x, xs, y, ys, o, vec); break;
    case DIV: lanesLoop(DIV, x, xs, y, ys, o, vec); break;
    case MAXIMUM: lanesLoop(MAXIMUM, x, xs, y, ys, o, vec); break;
    case MINIMUM: lanesLoop(MINIMUM, x, xs, y, ys, o, vec); break;
    case EQUAL: lanesLoop(EQUAL, x, xs, y, ys, o, vec); break;
    case NOT_EQUAL: lanesLoop(NOT_EQUAL, x, xs, y, ys, o, vec); break;
    case LESS: lanesLoop(LESS, x, xs, y, ys, o, vec); break;
    case LESS_EQUAL: lanesLoop(LESS_EQUAL, x, xs, y, ys, o, vec); break;
    case GREATER: lanesLoop(GREATER, x, xs, y, ys, o, vec); break;
    case GREATER_EQUAL: lanesLoop(GREATER_EQUAL, x, xs, y, ys, o, vec); break;
    default: return false;
  }
  if (vec < n) {
    // Outputs are 4 bytes wide for every op here (f32 values or int32 flags).
    const off = <usize>vec << 2;
    run<f32>(op, x + <usize>vec * (<usize>xs << 2), xs, y + <usize>vec * (<usize>ys << 2), ys, o + off, n - vec);
  }
  return true;
}

function binaryT<T>(op: i32, a: usize, b: usize, o: usize, rank: i32, shape: usize, sa: usize, sb: usize): void {
  const last = rank - 1;
  const cols = at(shape, last);
  const ia = at(sa, last), ib = at(sb, last);
  const rows = rowCount(rank, shape);
  const outSize: usize = op >= EQUAL ? 4 : sizeof<T>();
  resetCounter(rank);
  let oa = 0, ob = 0;
  for (let r = 0; r < rows; r++) {
    run<T>(op, a + <usize>oa * sizeof<T>(), ia, b + <usize>ob * sizeof<T>(), ib, o + <usize>r * <usize>cols * outSize, cols);
    advance(rank, shape, sa, sb, sb);
    oa += step0;
    ob += step1;
  }
}

/**
 * A broadcasting binary or comparison kernel. `shape` is the output shape and
 * `sa`/`sb` the operands' element strides broadcast to it (0 on broadcast
 * axes), each `rank` i32s; rows of the last axis are strided runs.
 */
export function binary(op: i32, dt: i32, a: usize, b: usize, o: usize, rank: i32, shape: usize, sa: usize, sb: usize): void {
  if (dt == F32) binaryT<f32>(op, a, b, o, rank, shape, sa, sb);
  else if (dt == I32) binaryT<i32>(op, a, b, o, rank, shape, sa, sb);
  else binaryT<f64>(op, a, b, o, rank, shape, sa, sb);
}

@inline function truthy(dt: i32, p: usize): bool {
  if (dt == F32) return load<f32>(p) != 0;
  if (dt == I32) return load<i32>(p) != 0;
  return load<f64>(p) != 0;
}

function whereT<T>(cdt: i32, c: usize, a: usize, b: usize, o: usize, rank: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  const last = rank - 1;
  const cols = at(shape, last);
  const csize: usize = cdt == F64 ? 8 : 4;
  const ic = <usize>at(sc, last) * csize, ia = <usize>at(sa, last) * sizeof<T>(), ib = <usize>at(sb, last) * sizeof<T>();
  const rows = rowCount(rank, shape);
  resetCounter(rank);
  let oc = 0, oa = 0, ob = 0;
  let dst = o;
  for (let r = 0; r < rows; r++) {
    let pc = c + <usize>oc * csize, pa = a + <usize>oa * sizeof<T>(), pb = b + <usize>ob * sizeof<T>();
    for (let j = 0; j < cols; j++, pc += ic, pa += ia, pb += ib, dst += sizeof<T>()) {
      store<T>(dst, truthy(cdt, pc) ? load<T>(pa) : load<T>(pb));
    }
    advance(rank, shape, sc, sa, sb);
    oc += step0;
    oa += step1;
    ob += step2;
  }
}

/** where(condition, a, b) with three-way broadcasting; the condition may have any dtype. */
export function where(cdt: i32, dt: i32, c: usize, a: usize, b: usize, o: usize, rank: i32, shape: usize, sc: usize, sa: usize, sb: usize): void {
  if (dt == F32) whereT<f32>(cdt, c, a, b, o, rank, shape, sc, sa, sb);
  else if (dt == I32) whereT<i32>(cdt, c, a, b, o, rank, shape, sc, sa, sb);
  else whereT<f64>(cdt, c, a, b, o, rank, shape, sc, sa, sb);
}
