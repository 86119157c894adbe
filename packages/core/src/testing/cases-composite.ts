import * as nn from '../index.js';
import type { Case } from './case.js';
import { TRANSCENDENTAL, type Tolerance } from './compare.js';
import { forwardCase, opCases } from './forward.js';
import { awayFrom, fixed, input, uniform } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';

const logits = uniform(-3, 3);
/** Any non-negative weights: cross-entropy is defined (and linear) in the labels. */
const labels = uniform(0, 1);

function softmaxSpecs(): OpSpec[] {
  const variants: [number[], number][] = [
    [[3, 4], -1],
    [[3, 4], 0],
    [[2, 3, 4], 1],
  ];
  return variants.flatMap(([shape, axis]): OpSpec[] => [
    {
      op: 'softmax',
      variant: `[${shape}] axis ${axis}`,
      inputs: [input(shape, logits)],
      fn: (x) => nn.softmax(x, axis),
      ref: (x) => R.softmax(x, axis),
      tol: TRANSCENDENTAL,
    },
    {
      op: 'logSoftmax',
      variant: `[${shape}] axis ${axis}`,
      inputs: [input(shape, logits)],
      fn: (x) => nn.logSoftmax(x, axis),
      ref: (x) => R.logSoftmax(x, axis),
      tol: TRANSCENDENTAL,
    },
  ]);
}

function crossEntropySpecs(): OpSpec[] {
  return [
    ...[-1, 0].map(
      (axis): OpSpec => ({
        op: 'softmaxCrossEntropyWithLogits',
        variant: `axis ${axis}`,
        inputs: [input([3, 4], labels), input([3, 4], logits)],
        fn: (y, z) => nn.softmaxCrossEntropyWithLogits(y, z, axis),
        ref: (y, z) => R.softmaxCrossEntropy(y, z, axis),
        tol: TRANSCENDENTAL,
      }),
    ),
    {
      op: 'sigmoidCrossEntropyWithLogits',
      inputs: [input([3, 4], labels), input([3, 4], awayFrom([0], 0.1, -4, 4))],
      fn: nn.sigmoidCrossEntropyWithLogits,
      ref: R.sigmoidCrossEntropy,
      tol: TRANSCENDENTAL,
    },
  ];
}

/**
 * Logits far outside exp's range must still give finite, correct values. A
 * float32 logit of 1000 is only known to 6e-5, so errors are measured
 * against the logits' magnitude.
 */
function stabilityCases(): Case[] {
  const huge = fixed([2, 3], [1000, 1001, 999, -1000, 0, 1000]);
  const abs = (x: R.Ref) => R.map(x, Math.abs);
  // A few float32 ulp (6e-8 each) of the logits' magnitude.
  const ulps: Tolerance = { rtol: 2.5e-7, atol: 5e-6 };
  return [
    forwardCase({ op: 'softmax', variant: 'huge logits', inputs: [huge], fn: (x) => nn.softmax(x), ref: (x) => R.softmax(x), tol: TRANSCENDENTAL }),
    forwardCase({
      op: 'logSoftmax',
      variant: 'huge logits',
      inputs: [huge],
      fn: (x) => nn.logSoftmax(x),
      ref: (x) => R.logSoftmax(x),
      scale: abs,
      tol: ulps,
    }),
    forwardCase({
      op: 'softmaxCrossEntropyWithLogits',
      variant: 'huge logits',
      inputs: [fixed([2, 3], [0, 1, 0, 0.5, 0, 0.5]), huge],
      fn: (y, z) => nn.softmaxCrossEntropyWithLogits(y, z),
      ref: (y, z) => R.softmaxCrossEntropy(y, z),
      // -sum y (z - logSumExp z): each term errs by about eps * |y| * 2|z|.
      scale: (y, z) => R.reduce(R.zip(abs(y), abs(z), (a, b) => 2 * a * b), -1, false, R.folds.sum),
      tol: ulps,
    }),
    // Attention masks set logits to -Infinity: those get probability 0, the rest stay finite.
    forwardCase({
      op: 'softmax',
      variant: 'masks -Infinity logits',
      inputs: [fixed([2, 3], [0, -Infinity, 1, -Infinity, 2, -Infinity])],
      fn: (x) => nn.softmax(x),
      ref: (x) => R.softmax(x),
      tol: TRANSCENDENTAL,
    }),
    forwardCase({
      op: 'sigmoidCrossEntropyWithLogits',
      variant: 'huge logits',
      inputs: [fixed([4], [1, 0, 1, 0]), fixed([4], [100, 100, -100, -100])],
      fn: nn.sigmoidCrossEntropyWithLogits,
      ref: R.sigmoidCrossEntropy,
      tol: TRANSCENDENTAL,
    }),
  ];
}

export function compositeCases(): Case[] {
  return [...opCases(...softmaxSpecs(), ...crossEntropySpecs()), ...stabilityCases()];
}
