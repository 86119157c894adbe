// @ts-check
import elementwise from './elementwise.mjs';
import matmul from './matmul.mjs';
import reduction from './reduction.mjs';

/** Every suite, in report order; a new suite is one file plus one line here. */
export const SUITES = [matmul, elementwise, reduction];
