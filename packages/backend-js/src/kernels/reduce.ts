import type { ReduceAttrs, TensorInfo, TypedArray } from '@neurite/core';

type Info = TensorInfo<TypedArray>;

/*
 * Every reduction sees its input as [outer, reduceSize] rows (core moved the
 * reduced axes last) and writes one value per row. Each reduction has its own
 * loop rather than a shared one taking a step closure, which V8 would make
 * megamorphic (see binary.ts).
 */

/**
 * Sum with four independent accumulators: fewer loop-carried dependencies
 * (faster) and pairwise-like error growth on long rows. The leftover elements
 * go first so the main loop needs no tail (measured faster and steadier under
 * V8 than a trailing remainder loop, which was seen deoptimising).
 */
export function sum([x]: [Info], out: Info, { reduceSize }: ReduceAttrs): void {
  const a = x.storage;
  const o = out.storage;
  for (let r = 0, base = 0; r < out.size; r++, base += reduceSize) {
    const end = base + reduceSize;
    let i = base + (reduceSize & 3);
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let k = base; k < i; k++) s0 += a[k];
    for (; i < end; i += 4) {
      s0 += a[i];
      s1 += a[i + 1];
      s2 += a[i + 2];
      s3 += a[i + 3];
    }
    o[r] = s0 + s1 + (s2 + s3);
  }
}

export function prod([x]: [Info], out: Info, { reduceSize }: ReduceAttrs): void {
  const a = x.storage;
  const o = out.storage;
  for (let r = 0, base = 0; r < out.size; r++, base += reduceSize) {
    let acc = 1;
    for (let j = 0; j < reduceSize; j++) acc *= a[base + j];
    o[r] = acc;
  }
}

/** NaN wins, as in NumPy. */
export function max([x]: [Info], out: Info, { reduceSize }: ReduceAttrs): void {
  const a = x.storage;
  const o = out.storage;
  for (let r = 0, base = 0; r < out.size; r++, base += reduceSize) {
    let acc = -Infinity;
    for (let j = 0; j < reduceSize; j++) {
      const v = a[base + j];
      if (v > acc) acc = v;
      else if (v !== v) {
        acc = v;
        break;
      }
    }
    o[r] = acc;
  }
}

/** NaN wins, as in NumPy. */
export function min([x]: [Info], out: Info, { reduceSize }: ReduceAttrs): void {
  const a = x.storage;
  const o = out.storage;
  for (let r = 0, base = 0; r < out.size; r++, base += reduceSize) {
    let acc = Infinity;
    for (let j = 0; j < reduceSize; j++) {
      const v = a[base + j];
      if (v < acc) acc = v;
      else if (v !== v) {
        acc = v;
        break;
      }
    }
    o[r] = acc;
  }
}

function argReduction(better: (v: number, best: number) => boolean) {
  return ([x]: [Info], out: Info, { reduceSize }: ReduceAttrs): void => {
    const a = x.storage;
    const o = out.storage;
    for (let r = 0, base = 0; r < out.size; r++, base += reduceSize) {
      let best = a[base];
      let index = 0;
      for (let j = 1; j < reduceSize; j++) {
        const v = a[base + j];
        if (best !== best) break;
        if (better(v, best) || v !== v) {
          best = v;
          index = j;
        }
      }
      o[r] = index;
    }
  };
}

/** First index of the maximum; a NaN counts as the maximum. */
export const argMax = argReduction((v, best) => v > best);
/** First index of the minimum; a NaN counts as the minimum. */
export const argMin = argReduction((v, best) => v < best);
