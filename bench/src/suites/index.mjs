// @ts-check
import cnn from './cnn.mjs';
import conv2d from './conv2d.mjs';
import crossEntropy from './cross-entropy.mjs';
import elementwise from './elementwise.mjs';
import fused from './fused.mjs';
import matmul from './matmul.mjs';
import mlp from './mlp.mjs';
import reduction from './reduction.mjs';

/**
 * Every suite, in report order: ops, then what the fused kernels gain, then
 * whole models. A new suite is one file plus one line here. Still to come,
 * each as its own suite once its package lands: a federated simulation (rounds
 * of @neurite/federated clients, issue #6) and explanations (attribution
 * timings of @neurite/explain, issue #5).
 */
export const SUITES = [matmul, elementwise, reduction, crossEntropy, conv2d, fused, mlp, cnn];
