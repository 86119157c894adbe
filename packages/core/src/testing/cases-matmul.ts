import * as nn from '../index.js';
import type { Case } from './case.js';
import { SUMMATION } from './compare.js';
import { opCases } from './forward.js';
import { input } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';

interface Product {
  a: number[];
  b: number[];
  transposeA?: boolean;
  transposeB?: boolean;
  /** Forward only (large shapes that cross the blocking of optimized kernels). */
  forwardOnly?: boolean;
}

function spec({ a, b, transposeA = false, transposeB = false, forwardOnly }: Product): OpSpec {
  const flags = [transposeA && 'transposeA', transposeB && 'transposeB'].filter(Boolean).join(' ');
  const abs = (x: R.Ref) => R.map(x, Math.abs);
  return {
    op: 'matMul',
    variant: `[${a}]x[${b}]${flags ? ` ${flags}` : ''}`,
    inputs: [input(a), input(b)],
    fn: (x, y) => nn.matMul(x, y, { transposeA, transposeB }),
    ref: (x, y) => R.matMul(x, y, transposeA, transposeB),
    tol: SUMMATION,
    // A float32 dot product errs relative to sum |a_ip b_pj|, not to its (possibly cancelling) value.
    scale: (x, y) => R.matMul(abs(x), abs(y), transposeA, transposeB),
    grad: !forwardOnly,
  };
}

export function matMulCases(): Case[] {
  const products: Product[] = [
    { a: [3, 4], b: [4, 5] },
    { a: [4, 3], b: [4, 5], transposeA: true },
    { a: [3, 4], b: [5, 4], transposeB: true },
    { a: [4, 3], b: [5, 4], transposeA: true, transposeB: true },
    { a: [2, 3, 4], b: [2, 4, 5] },
    { a: [2, 4, 3], b: [2, 5, 4], transposeA: true, transposeB: true },
    { a: [2, 3, 4], b: [4, 5] },
    { a: [3, 4], b: [2, 4, 5] },
    { a: [1, 3, 4], b: [2, 4, 5] },
    { a: [2, 1, 3, 4], b: [3, 4, 2] },
    { a: [2, 3, 4], b: [5, 4], transposeB: true },
    { a: [4], b: [4, 5] },
    { a: [3, 4], b: [4] },
    { a: [4], b: [4] },
    { a: [2, 3, 4], b: [4] },
    { a: [4], b: [2, 4, 5] },
    { a: [1, 1], b: [1, 1] },
    { a: [37, 70], b: [70, 41], forwardOnly: true },
    { a: [70, 37], b: [41, 70], transposeA: true, transposeB: true, forwardOnly: true },
    { a: [3, 17, 33], b: [33, 9], forwardOnly: true },
  ];
  return opCases(...products.map(spec));
}
