import type { KernelTable } from '@neurite/core';
import type { WasmHeap } from '../heap.js';
import { binaryKernel, whereKernel } from './binary.js';
import * as conv from './conv.js';
import * as fused from './fused.js';
import { matMulKernel } from './matmul.js';
import * as movement from './movement.js';
import * as pool from './pool.js';
import { reduceKernel } from './reduce.js';
import { transposeKernel } from './transpose.js';
import { castKernel, leakyReluKernel, unaryKernel } from './unary.js';

/**
 * Every kernel of the core op set, each a thin adapter that passes pointers
 * and sizes to the wasm module behind `h`. A missing one is a compile error,
 * and none falls back to JavaScript arithmetic.
 */
export function createKernels(h: WasmHeap): KernelTable<number> {
  return {
    add: binaryKernel(h, 'add'),
    sub: binaryKernel(h, 'sub'),
    mul: binaryKernel(h, 'mul'),
    div: binaryKernel(h, 'div'),
    pow: binaryKernel(h, 'pow'),
    maximum: binaryKernel(h, 'maximum'),
    minimum: binaryKernel(h, 'minimum'),
    equal: binaryKernel(h, 'equal'),
    notEqual: binaryKernel(h, 'notEqual'),
    less: binaryKernel(h, 'less'),
    lessEqual: binaryKernel(h, 'lessEqual'),
    greater: binaryKernel(h, 'greater'),
    greaterEqual: binaryKernel(h, 'greaterEqual'),
    where: whereKernel(h),
    neg: unaryKernel(h, 'neg'),
    abs: unaryKernel(h, 'abs'),
    sign: unaryKernel(h, 'sign'),
    exp: unaryKernel(h, 'exp'),
    expm1: unaryKernel(h, 'expm1'),
    log: unaryKernel(h, 'log'),
    log1p: unaryKernel(h, 'log1p'),
    sqrt: unaryKernel(h, 'sqrt'),
    rsqrt: unaryKernel(h, 'rsqrt'),
    square: unaryKernel(h, 'square'),
    reciprocal: unaryKernel(h, 'reciprocal'),
    sin: unaryKernel(h, 'sin'),
    cos: unaryKernel(h, 'cos'),
    tanh: unaryKernel(h, 'tanh'),
    sigmoid: unaryKernel(h, 'sigmoid'),
    relu: unaryKernel(h, 'relu'),
    relu6: unaryKernel(h, 'relu6'),
    leakyRelu: leakyReluKernel(h),
    elu: unaryKernel(h, 'elu'),
    selu: unaryKernel(h, 'selu'),
    gelu: unaryKernel(h, 'gelu'),
    erf: unaryKernel(h, 'erf'),
    softplus: unaryKernel(h, 'softplus'),
    floor: unaryKernel(h, 'floor'),
    ceil: unaryKernel(h, 'ceil'),
    round: unaryKernel(h, 'round'),
    cast: castKernel(h),
    matMul: matMulKernel(h),
    sum: reduceKernel(h, 'sum'),
    prod: reduceKernel(h, 'prod'),
    max: reduceKernel(h, 'max'),
    min: reduceKernel(h, 'min'),
    argMax: reduceKernel(h, 'argMax'),
    argMin: reduceKernel(h, 'argMin'),
    transpose: transposeKernel(h),
    slice: movement.sliceKernel(h),
    concat: movement.concatKernel(h),
    gather: movement.gatherKernel(h),
    scatterAdd: movement.scatterAddKernel(h),
    pad: movement.padKernel(h),
    broadcastTo: movement.broadcastToKernel(h),
    tile: movement.tileKernel(h),
    reverse: movement.reverseKernel(h),
    oneHot: movement.oneHotKernel(h),
    fusedMatMul: fused.fusedMatMulKernel(h),
    activationGrad: fused.activationGradKernel(h),
    softmaxCrossEntropy: fused.softmaxCrossEntropyKernel(h),
    softmaxCrossEntropyGrad: fused.softmaxCrossEntropyGradKernel(h),
    conv2d: conv.conv2dKernel(h),
    conv2dBackpropInput: conv.conv2dBackpropInputKernel(h),
    conv2dBackpropFilter: conv.conv2dBackpropFilterKernel(h),
    maxPool: pool.maxPoolKernel(h),
    maxPoolGrad: pool.maxPoolGradKernel(h),
    avgPool: pool.avgPoolKernel(h),
    avgPoolGrad: pool.avgPoolGradKernel(h),
    sgdUpdate: fused.sgdUpdateKernel(h),
    adamUpdate: fused.adamUpdateKernel(h),
  } satisfies KernelTable<number>;
}
