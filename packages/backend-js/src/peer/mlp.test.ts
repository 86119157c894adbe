/**
 * A whole small model against tfjs: a 2-layer MLP's loss and gradients for
 * every parameter, and a few steps of plain gradient descent, which must
 * follow the same trajectory on both sides.
 */
import { describe, expect, it } from 'vitest';
import * as nt from '@neurite/core';
import type { Tensor } from '@neurite/core';
import { checkGrads, expectClose, mismatches } from './compare.js';
import { inputs } from './inputs.js';
import { usePeers } from './setup.js';
import { tf, toTf } from './tfjs.js';

usePeers();

const NONE = tf.Reduction.NONE;
const [BATCH, IN, HIDDEN, CLASSES] = [8, 5, 16, 3];

function model(name: string) {
  const r = inputs(name);
  return {
    x: r.normal([BATCH, IN]),
    labels: r.int32([BATCH], 0, CLASSES),
    params: [r.normal([IN, HIDDEN], 0, 0.5), r.normal([HIDDEN], 0, 0.1), r.normal([HIDDEN, CLASSES], 0, 0.5), r.normal([CLASSES], 0, 0.1)],
  };
}

/** mean softmax cross-entropy of relu(x W1 + b1) W2 + b2. */
function ourLoss(labels: Tensor) {
  return (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor): Tensor => {
    const hidden = nt.relu(nt.add(nt.matMul(x, w1), b1));
    const logits = nt.add(nt.matMul(hidden, w2), b2);
    return nt.mean(nt.softmaxCrossEntropyWithLogits(nt.oneHot(labels, CLASSES), logits));
  };
}

function theirLoss(labels: Tensor) {
  return (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor): tf.Tensor => {
    const hidden = tf.relu(tf.add(tf.matMul(x, w1), b1));
    const logits = tf.add(tf.matMul(hidden, w2), b2);
    const onehot = tf.oneHot(toTf(labels), CLASSES, 1, 0, 'float32');
    return tf.mean(tf.losses.softmaxCrossEntropy(onehot, logits, undefined, 0, NONE));
  };
}

describe('a 2-layer MLP', () => {
  it('loss and gradients for the input and every parameter (relu, softmax cross-entropy)', () => {
    const { x, labels, params } = model('mlp relu');
    checkGrads(ourLoss(labels), theirLoss(labels), [x, ...params]);
  });

  it('loss and gradients with tanh and sigmoid cross-entropy against soft targets', () => {
    const { x, params } = model('mlp tanh');
    const targets = inputs('mlp tanh targets').uniform([BATCH, CLASSES], 0, 1);
    const ours = (x: Tensor, w1: Tensor, b1: Tensor, w2: Tensor, b2: Tensor) =>
      nt.mean(nt.sigmoidCrossEntropyWithLogits(targets, nt.add(nt.matMul(nt.tanh(nt.add(nt.matMul(x, w1), b1)), w2), b2)));
    const theirs = (x: tf.Tensor, w1: tf.Tensor, b1: tf.Tensor, w2: tf.Tensor, b2: tf.Tensor) =>
      tf.mean(tf.losses.sigmoidCrossEntropy(toTf(targets), tf.add(tf.matMul(tf.tanh(tf.add(tf.matMul(x, w1), b1)), w2), b2), undefined, 0, NONE));
    checkGrads(ours, theirs, [x, ...params]);
  });

  it('ten gradient-descent steps follow the same trajectory', () => {
    const { x, labels, params } = model('mlp sgd');
    const rate = 0.5;
    const ourF = ourLoss(labels);
    const theirF = theirLoss(labels);
    const xt = toTf(x);
    let ours = params;
    let theirs = params.map(toTf);
    const ourLosses: number[] = [];
    const theirLosses: number[] = [];
    for (let step = 0; step < 10; step++) {
      const nextOurs = nt.tidy(() => {
        const { value, grads } = nt.valueAndGrads((...p) => ourF(x, ...(p as [Tensor, Tensor, Tensor, Tensor])))(ours);
        ourLosses.push(value.dataSync()[0]);
        return ours.map((p, i) => nt.sub(p, nt.mul(grads[i], rate)));
      });
      // The first parameters are inputs, freed after the test.
      if (step > 0) nt.dispose(ours);
      ours = nextOurs;
      const nextTheirs = tf.tidy(() => {
        const { value, grads } = tf.valueAndGrads((...p: tf.Tensor[]) => theirF(xt, ...(p as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor])))(theirs);
        theirLosses.push(value.dataSync()[0]);
        return theirs.map((p, i) => tf.sub(p, tf.mul(grads[i], rate)));
      });
      tf.dispose(theirs);
      theirs = nextTheirs;
    }
    try {
      expect(mismatches(ourLosses, theirLosses), 'losses per step').toEqual([]);
      expect(ourLosses[9], 'training lowers the loss').toBeLessThan(0.8 * ourLosses[0]);
      ours.forEach((p, i) => expectClose(p, theirs[i], `parameter ${i} after 10 steps`));
    } finally {
      nt.dispose(ours);
      tf.dispose([...theirs, xt]);
    }
  });
});
