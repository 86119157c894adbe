// @ts-check
import cnn from './cnn.mjs';
import conv2d from './conv2d.mjs';
import crossEntropy from './cross-entropy.mjs';
import elementwise from './elementwise.mjs';
import explain from './explain.mjs';
import federated from './federated.mjs';
import fused from './fused.mjs';
import matmul from './matmul.mjs';
import mlp from './mlp.mjs';
import reduction from './reduction.mjs';

/**
 * Every suite, in report order: ops, then what the fused kernels gain, then
 * whole models, then what is built on them (explanations, issue #5; a
 * federated simulation, issue #6). A new suite is one file plus one line here.
 */
export const SUITES = [matmul, elementwise, reduction, crossEntropy, conv2d, fused, mlp, cnn, explain, federated];
