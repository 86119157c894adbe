import { at, counter } from './common';

/**
 * Small tiles: with power-of-two row lengths the destination lines of a tile
 * are one page apart and share L1 sets; 8 of them fit where 32 thrash
 * (measured 1024x1024: 2.5 ms with 8, 3.4 ms with 16, 10 ms with 32).
 */
const TILE = 8;

/**
 * Output axis i is input axis perm[i]; `strides` holds, per output axis, the
 * input element stride to follow. 2-D transposes go through small tiles.
 * Elements are moved as 4- or 8-byte words, so one kernel serves every dtype.
 */
function transposeT<T>(x: usize, o: usize, rank: i32, shape: usize, strides: usize, size: i32): void {
  if (rank == 2 && at(strides, 1) != 1) {
    const rows = at(shape, 1), cols = at(shape, 0); // input is [rows, cols]
    for (let r0 = 0; r0 < rows; r0 += TILE) {
      const r1 = min(r0 + TILE, rows);
      for (let c0 = 0; c0 < cols; c0 += TILE) {
        const c1 = min(c0 + TILE, cols);
        for (let r = r0; r < r1; r++) {
          for (let c = c0; c < c1; c++) {
            store<T>(o + (<usize>c * rows + r) * sizeof<T>(), load<T>(x + (<usize>r * cols + c) * sizeof<T>()));
          }
        }
      }
    }
    return;
  }
  const last = rank - 1;
  const cols = at(shape, last);
  const colStride = <usize>at(strides, last) * sizeof<T>();
  memory.fill(counter, 0, <usize>rank << 2);
  let src = 0;
  for (let dst = 0; dst < size; dst += cols) {
    let p = x + <usize>src * sizeof<T>();
    const q = o + <usize>dst * sizeof<T>();
    for (let j = 0; j < cols; j++, p += colStride) store<T>(q + <usize>j * sizeof<T>(), load<T>(p));
    for (let axis = last - 1; axis >= 0; axis--) {
      const c = at(counter, axis) + 1;
      src += at(strides, axis);
      if (c < at(shape, axis)) {
        store<i32>(counter + (<usize>axis << 2), c);
        break;
      }
      src -= at(strides, axis) * at(shape, axis);
      store<i32>(counter + (<usize>axis << 2), 0);
    }
  }
}

export function transpose(bytes: i32, x: usize, o: usize, rank: i32, shape: usize, strides: usize, size: i32): void {
  if (bytes == 8) transposeT<u64>(x, o, rank, shape, strides, size);
  else transposeT<u32>(x, o, rank, shape, strides, size);
}
