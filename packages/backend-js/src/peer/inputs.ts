/**
 * Seeded random inputs for peer tests. Each case draws from its own generator,
 * seeded from the case's name, so adding a case never changes another's data.
 * Inputs are owned by the running test and freed after it (see setup.ts).
 */
import { Random, tensor, type Shape, type Tensor } from '@neurite/core';

const owned: Tensor[] = [];

/** Frees every input made since the last call. */
export function releaseInputs(): void {
  for (const t of owned.splice(0)) t.dispose();
}

function own(t: Tensor): Tensor {
  owned.push(t);
  return t;
}

function size(shape: Shape): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** FNV-1a: a stable 32-bit seed from a name. */
function seedOf(name: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

export interface Inputs {
  /** Normal samples. */
  normal(shape: Shape, mean?: number, std?: number): Tensor;
  /** Uniform in [lo, hi). */
  uniform(shape: Shape, lo: number, hi: number): Tensor;
  /** Uniform magnitudes in [lo, hi) with random signs: keeps clear of 0 (division, kinks). */
  awayFromZero(shape: Shape, lo: number, hi: number): Tensor;
  /** Small integers in [lo, hi) stored as float32, so that ties and equal values occur. */
  smallInts(shape: Shape, lo: number, hi: number): Tensor;
  /** int32 values in [lo, hi) (indices). */
  int32(shape: Shape, lo: number, hi: number): Tensor;
  /** Rows that are probability distributions along the last axis. */
  distributions(shape: Shape): Tensor;
  /** Exactly the given values. */
  values(values: number[], shape: Shape, dtype?: 'float32' | 'int32'): Tensor;
}

export function inputs(name: string): Inputs {
  const rng = new Random(seedOf(name));
  const fill = (shape: Shape, draw: () => number, dtype: 'float32' | 'int32' = 'float32') =>
    own(tensor(Array.from({ length: size(shape) }, draw), shape, dtype));
  return {
    normal: (shape, mean = 0, std = 1) => fill(shape, () => mean + std * rng.normal()),
    uniform: (shape, lo, hi) => fill(shape, () => lo + (hi - lo) * rng.next()),
    awayFromZero: (shape, lo, hi) => fill(shape, () => (rng.next() < 0.5 ? -1 : 1) * (lo + (hi - lo) * rng.next())),
    smallInts: (shape, lo, hi) => fill(shape, () => lo + rng.int(hi - lo)),
    int32: (shape, lo, hi) => fill(shape, () => lo + rng.int(hi - lo), 'int32'),
    distributions: (shape) => {
      const n = shape[shape.length - 1];
      const raw = Array.from({ length: size(shape) }, () => 0.05 + rng.next());
      for (let row = 0; row < raw.length; row += n) {
        const total = raw.slice(row, row + n).reduce((a, b) => a + b, 0);
        for (let j = row; j < row + n; j++) raw[j] /= total;
      }
      return own(tensor(raw, shape));
    },
    values: (values, shape, dtype = 'float32') => own(tensor(values, shape, dtype)),
  };
}

/** [a, b] shapes: equal, both sides broadcasting, trailing vector, scalar, rank 3 against rank 2. */
export const BROADCASTS: [number[], number[]][] = [
  [[2, 3], [2, 3]],
  [[3, 1], [1, 4]],
  [[2, 3, 4], [4]],
  [[], [2, 3]],
  [[2, 1, 4], [3, 1]],
];

export type Binary = 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum';
/** Operands: b kept away from 0 for div. */
export const BINARY_INPUTS: Record<Binary, (r: Inputs, a: number[], b: number[]) => Tensor[]> = {
  add: (r, a, b) => [r.normal(a), r.normal(b)],
  sub: (r, a, b) => [r.normal(a), r.normal(b)],
  mul: (r, a, b) => [r.normal(a), r.normal(b)],
  div: (r, a, b) => [r.normal(a), r.awayFromZero(b, 0.3, 3)],
  // A positive base: both libraries take d/db = 0 where a <= 0, and d/da is complex there.
  pow: (r, a, b) => [r.uniform(a, 0.2, 3), r.uniform(b, -2.5, 2.5)],
  // Continuous values never tie, so the tie rule (which side gets dy) does not matter.
  maximum: (r, a, b) => [r.normal(a), r.normal(b)],
  minimum: (r, a, b) => [r.normal(a), r.normal(b)],
};

/** [a, b, transposeA, transposeB]: every transpose, batches, batch broadcasting, and sizes past 64 that reach the blocked kernel's edges. */
export const MATMULS: [number[], number[], boolean, boolean][] = [
  [[3, 5], [5, 4], false, false],
  [[5, 3], [5, 4], true, false],
  [[3, 5], [4, 5], false, true],
  [[5, 3], [4, 5], true, true],
  [[2, 3, 5], [2, 5, 4], false, false],
  [[2, 5, 3], [2, 4, 5], true, true],
  [[2, 3, 5], [5, 4], false, false],
  [[3, 5], [2, 4, 5], false, true],
  [[33, 70], [70, 65], false, false],
];
