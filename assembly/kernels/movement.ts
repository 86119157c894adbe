import { F32, I32, at, counter, fill, resetCounter, rowCount } from './common';

/*
 * Movement kernels copy rows (the last axis) with memory.copy. `es` is the
 * element size in bytes (4 or 8): moving bytes needs no dtype.
 */

/** Steps the row counter over the leading axes of `shape`. */
@inline function nextRow(rank: i32, shape: usize): void {
  for (let axis = rank - 2; axis >= 0; axis--) {
    const c = at(counter, axis) + 1;
    if (c < at(shape, axis)) {
      store<i32>(counter + (<usize>axis << 2), c);
      return;
    }
    store<i32>(counter + (<usize>axis << 2), 0);
  }
}

/** Rows of `outShape`; the input row starts at sum((index + begin) * inStrides) + begin[last]. */
export function slice(es: i32, x: usize, o: usize, rank: i32, outShape: usize, inStrides: usize, begin: usize): void {
  const last = rank - 1;
  const cols = at(outShape, last);
  const rowBytes = <usize>cols * es;
  const rows = rowCount(rank, outShape);
  resetCounter(rank);
  for (let r = 0; r < rows; r++) {
    let src = at(begin, last);
    for (let i = 0; i < last; i++) src += (at(counter, i) + at(begin, i)) * at(inStrides, i);
    memory.copy(o + <usize>r * rowBytes, x + <usize>src * es, rowBytes);
    nextRow(rank, outShape);
  }
}

export function pad(dt: i32, x: usize, o: usize, outSize: i32, rank: i32, inShape: usize, outStrides: usize, before: usize, value: f64): void {
  const es: usize = dt == F32 || dt == I32 ? 4 : 8;
  fill(dt, o, outSize, value);
  const last = rank - 1;
  const cols = at(inShape, last);
  const rowBytes = <usize>cols * es;
  const rows = rowCount(rank, inShape);
  resetCounter(rank);
  for (let r = 0; r < rows; r++) {
    let dst = at(before, last);
    for (let i = 0; i < last; i++) dst += (at(counter, i) + at(before, i)) * at(outStrides, i);
    memory.copy(o + <usize>dst * es, x + <usize>r * rowBytes, rowBytes);
    nextRow(rank, inShape);
  }
}

/** One input of a concat: `outer` blocks of `block` elements, placed every `outBlock` from `offset`. */
export function concatPart(es: i32, x: usize, o: usize, outer: i32, block: i32, outBlock: i32, offset: i32): void {
  const bytes = <usize>block * es;
  for (let i = 0; i < outer; i++) {
    memory.copy(o + (<usize>i * outBlock + offset) * es, x + <usize>i * bytes, bytes);
  }
}

export function gather(es: i32, x: usize, idx: usize, o: usize, outer: i32, dim: i32, inner: i32, count: i32): void {
  const bytes = <usize>inner * es;
  let dst = o;
  for (let i = 0; i < outer; i++) {
    for (let k = 0; k < count; k++, dst += bytes) {
      memory.copy(dst, x + (<usize>i * dim + at(idx, k)) * bytes, bytes);
    }
  }
}

function scatterAddT<T>(u: usize, idx: usize, o: usize, outSize: i32, outer: i32, dim: i32, inner: i32, count: i32): void {
  memory.fill(o, 0, <usize>outSize * sizeof<T>());
  let src = u;
  for (let i = 0; i < outer; i++) {
    for (let k = 0; k < count; k++) {
      const dst = o + (<usize>i * dim + at(idx, k)) * <usize>inner * sizeof<T>();
      for (let j = 0; j < inner; j++, src += sizeof<T>()) {
        const p = dst + <usize>j * sizeof<T>();
        store<T>(p, load<T>(p) + load<T>(src));
      }
    }
  }
}

export function scatterAdd(dt: i32, u: usize, idx: usize, o: usize, outSize: i32, outer: i32, dim: i32, inner: i32, count: i32): void {
  if (dt == F32) scatterAddT<f32>(u, idx, o, outSize, outer, dim, inner, count);
  else if (dt == I32) scatterAddT<i32>(u, idx, o, outSize, outer, dim, inner, count);
  else scatterAddT<f64>(u, idx, o, outSize, outer, dim, inner, count);
}

/** `strides` are the input's element strides broadcast to `shape` (0 on broadcast axes). */
function broadcastToT<T>(x: usize, o: usize, rank: i32, shape: usize, strides: usize): void {
  const last = rank - 1;
  const cols = at(shape, last);
  const step = at(strides, last);
  const rows = rowCount(rank, shape);
  resetCounter(rank);
  let dst = o;
  for (let r = 0; r < rows; r++) {
    let src = 0;
    for (let i = 0; i < last; i++) src += at(counter, i) * at(strides, i);
    const p = x + <usize>src * sizeof<T>();
    if (step == 0) {
      const v = load<T>(p);
      for (let j = 0; j < cols; j++, dst += sizeof<T>()) store<T>(dst, v);
    } else {
      memory.copy(dst, p, <usize>cols * sizeof<T>());
      dst += <usize>cols * sizeof<T>();
    }
    nextRow(rank, shape);
  }
}

export function broadcastTo(es: i32, x: usize, o: usize, rank: i32, shape: usize, strides: usize): void {
  if (es == 8) broadcastToT<u64>(x, o, rank, shape, strides);
  else broadcastToT<u32>(x, o, rank, shape, strides);
}

/** Rows of the output; each repeats the input row `repsLast` times. */
export function tile(es: i32, x: usize, o: usize, rank: i32, inShape: usize, outShape: usize, inStrides: usize, repsLast: i32): void {
  const last = rank - 1;
  const cols = at(inShape, last);
  const rowBytes = <usize>cols * es;
  const rows = rowCount(rank, outShape);
  resetCounter(rank);
  let dst = o;
  for (let r = 0; r < rows; r++) {
    let src = 0;
    for (let i = 0; i < last; i++) src += (at(counter, i) % at(inShape, i)) * at(inStrides, i);
    for (let k = 0; k < repsLast; k++, dst += rowBytes) memory.copy(dst, x + <usize>src * es, rowBytes);
    nextRow(rank, outShape);
  }
}

function reverseT<T>(x: usize, o: usize, rank: i32, shape: usize, strides: usize, flip: usize): void {
  const last = rank - 1;
  const cols = at(shape, last);
  const rows = rowCount(rank, shape);
  const flipLast = at(flip, last) != 0;
  resetCounter(rank);
  let dst = o;
  for (let r = 0; r < rows; r++) {
    let src = 0;
    for (let i = 0; i < last; i++) {
      const c = at(counter, i);
      src += (at(flip, i) != 0 ? at(shape, i) - 1 - c : c) * at(strides, i);
    }
    const p = x + <usize>src * sizeof<T>();
    if (flipLast) {
      for (let j = 0; j < cols; j++) store<T>(dst + <usize>j * sizeof<T>(), load<T>(p + <usize>(cols - 1 - j) * sizeof<T>()));
    } else {
      memory.copy(dst, p, <usize>cols * sizeof<T>());
    }
    dst += <usize>cols * sizeof<T>();
    nextRow(rank, shape);
  }
}

/** `flip` holds 1 for each reversed axis, 0 otherwise. */
export function reverse(es: i32, x: usize, o: usize, rank: i32, shape: usize, strides: usize, flip: usize): void {
  if (es == 8) reverseT<u64>(x, o, rank, shape, strides, flip);
  else reverseT<u32>(x, o, rank, shape, strides, flip);
}

function setAt(dt: i32, o: usize, i: i32, v: f64): void {
  if (dt == F32) store<f32>(o + (<usize>i << 2), <f32>v);
  else if (dt == I32) store<i32>(o + (<usize>i << 2), <i32>v);
  else store<f64>(o + (<usize>i << 3), v);
}

export function oneHot(dt: i32, idx: usize, o: usize, count: i32, depth: i32, onValue: f64, offValue: f64): void {
  fill(dt, o, count * depth, offValue);
  for (let i = 0; i < count; i++) {
    const k = at(idx, i);
    if (k >= 0 && k < depth) setAt(dt, o, i * depth + k, onValue);
  }
}
