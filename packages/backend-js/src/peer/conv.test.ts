/**
 * 2-D convolution and pooling against tfjs-core's cpu backend: forward values
 * and the gradients with respect to every input (criterion in compare.ts).
 * tfjs 4.22 has no gradient for dilated convolutions ("dilation rates greater
 * than 1 are not yet supported in gradients"), so dilations are compared
 * forward only here; the conformance suite checks their gradients against
 * finite differences.
 */
import { describe, it } from 'vitest';
import * as nt from '@neurite/core';
import type { Conv2DOptions, Pool2DOptions, Tensor } from '@neurite/core';
import { checkForward, checkGrads } from './compare.js';
import { inputs, type Inputs } from './inputs.js';
import { usePeers } from './setup.js';
import { tf } from './tfjs.js';

usePeers();

interface Conv {
  x: number[];
  f: number[];
  options: Conv2DOptions;
}

const CONVS: Conv[] = [
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], options: { padding: 'valid' } },
  { x: [2, 7, 7, 3], f: [3, 3, 3, 4], options: { padding: 'same' } },
  { x: [3, 8, 6, 2], f: [3, 2, 2, 5], options: { padding: 'same', strides: 2 } },
  { x: [1, 9, 8, 2], f: [2, 3, 2, 3], options: { padding: 'valid', strides: [2, 3] } },
  { x: [2, 6, 6, 4], f: [1, 1, 4, 6], options: { padding: 'valid' } },
  { x: [1, 8, 8, 1], f: [5, 5, 1, 8], options: { padding: 'same' } },
  { x: [2, 6, 7, 2], f: [3, 3, 2, 3], options: { padding: [[1, 2], [0, 1]], strides: [2, 1] } },
];

const DILATED: Conv[] = [
  { x: [2, 9, 9, 2], f: [3, 3, 2, 3], options: { padding: 'valid', dilations: 2 } },
  { x: [1, 8, 7, 3], f: [3, 2, 3, 2], options: { padding: 'same', dilations: [2, 3] } },
];

/** tfjs spells explicit padding with the batch and channel axes included. */
function tfPad(padding: Conv2DOptions['padding']): 'valid' | 'same' | number | [[number, number], [number, number], [number, number], [number, number]] {
  if (padding === undefined || typeof padding === 'string' || typeof padding === 'number') return padding ?? 'valid';
  return [[0, 0], [...padding[0]], [...padding[1]], [0, 0]];
}

const pair = (v: number | readonly [number, number] | undefined): [number, number] => (v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]]);

function tfConv(o: Conv2DOptions) {
  return (x: tf.Tensor, f: tf.Tensor) => tf.conv2d(x as tf.Tensor4D, f as tf.Tensor4D, pair(o.strides), tfPad(o.padding), 'NHWC', pair(o.dilations));
}

const label = ({ x, f, options }: Conv) => `[${x}]*[${f}] ${JSON.stringify(options).replace(/"/g, '')}`;

describe('conv2d forward', () => {
  for (const c of [...CONVS, ...DILATED]) {
    it(label(c), () => {
      const r = inputs(`conv2d forward ${label(c)}`);
      checkForward((x, f) => nt.conv2d(x, f, c.options), tfConv(c.options), [r.normal(c.x), r.normal(c.f)]);
    });
  }
});

describe('conv2d gradients (x and filter)', () => {
  for (const c of CONVS) {
    it(label(c), () => {
      const r = inputs(`conv2d grad ${label(c)}`);
      checkGrads((x, f) => nt.conv2d(x, f, c.options), tfConv(c.options), [r.normal(c.x), r.normal(c.f)]);
    });
  }
});

interface Pool {
  x: number[];
  options: Pool2DOptions;
  /** Small integers: tied maxima, where both libraries send dy to the first maximum. */
  ties?: boolean;
}

const POOLS: Pool[] = [
  { x: [2, 6, 6, 3], options: { poolSize: 2 } },
  { x: [2, 7, 7, 2], options: { poolSize: 3, strides: 2, padding: 'same' } },
  { x: [1, 6, 5, 4], options: { poolSize: [2, 3], strides: 1, padding: 'same' } },
  { x: [3, 7, 8, 2], options: { poolSize: 3, strides: [2, 1], padding: 'valid' } },
  { x: [2, 8, 8, 1], options: { poolSize: 2, strides: 2, padding: 'same' } },
  { x: [2, 6, 6, 3], options: { poolSize: 3, strides: 1, padding: 'same' }, ties: true },
];

function tfPool(kind: 'maxPool' | 'avgPool', o: Pool2DOptions) {
  const size = pair(o.poolSize);
  return (x: tf.Tensor) => tf[kind](x as tf.Tensor4D, size, o.strides === undefined ? size : pair(o.strides), o.padding ?? 'valid');
}

const ourPool = { maxPool: nt.maxPool2d, avgPool: nt.avgPool2d } as const;

/**
 * tfjs-backend-cpu 4.22's AvgPoolGrad divides every window by its full size,
 * although its AvgPool leaves padding out of the count: with 'same' padding its
 * gradient is not the derivative of its own forward pass. The derivative is
 * taken instead through the same average built from tfjs ops with correct
 * gradients: window sums of the zero-padded input over the count of real pixels.
 */
function tfAvgPoolSameByParts(o: Pool2DOptions) {
  const [kh, kw] = pair(o.poolSize);
  const [sh, sw] = o.strides === undefined ? [kh, kw] : pair(o.strides);
  const padOf = (size: number, k: number, s: number): [number, number] => {
    const total = Math.max((Math.ceil(size / s) - 1) * s + k - size, 0);
    return [Math.floor(total / 2), total - Math.floor(total / 2)];
  };
  return (x: tf.Tensor) => {
    const pads: [number, number][] = [[0, 0], padOf(x.shape[1]!, kh, sh), padOf(x.shape[2]!, kw, sw), [0, 0]];
    const windowSums = (t: tf.Tensor) => tf.mul(tf.avgPool(tf.pad(t, pads) as tf.Tensor4D, [kh, kw], [sh, sw], 'valid'), kh * kw);
    return tf.div(windowSums(x), windowSums(tf.onesLike(x)));
  };
}

for (const kind of ['maxPool', 'avgPool'] as const) {
  describe(`${kind} forward and gradient`, () => {
    for (const p of POOLS) {
      const name = `[${p.x}] ${JSON.stringify(p.options).replace(/"/g, '')}${p.ties ? ' with ties' : ''}`;
      const make = (r: Inputs) => [p.ties ? r.smallInts(p.x, 0, 3) : r.normal(p.x)];
      it(`forward ${name}`, () => checkForward((x) => ourPool[kind](x, p.options), tfPool(kind, p.options), make(inputs(`${kind} forward ${name}`))));
      const theirs = kind === 'avgPool' && p.options.padding === 'same' ? tfAvgPoolSameByParts(p.options) : tfPool(kind, p.options);
      it(`gradient ${name}`, () => checkGrads((x: Tensor) => ourPool[kind](x, p.options), theirs, make(inputs(`${kind} grad ${name}`))));
    }
  });
}
