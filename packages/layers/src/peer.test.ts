/**
 * A whole model against the peer: the same network written directly in
 * tfjs-core ops (Dense -> BatchNormalization -> relu -> Dense, softmax
 * cross-entropy), the same initial weights, five full-batch Adam steps. The
 * weights must agree after every step, which checks the forward pass, the
 * gradients through batch statistics, the loss and the training loop at once.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { dispose, tensor } from '@neurite/core';
import { Adam } from '@neurite/optimizers';
import { batchNormalization } from './layers/batch-normalization.js';
import { activation } from './layers/activation.js';
import { dense } from './layers/dense.js';
import { glorotUniform } from './initializers.js';
import { sparseCategoricalCrossentropy } from './losses.js';
import { sequential } from './sequential.js';
import { useJs } from './testing/backend.js';
import { startTf, tf } from './testing/tfjs.js';
import { rng } from './testing/rng.js';

beforeAll(async () => {
  await useJs();
  await startTf();
});


describe('peer: tfjs-core', () => {
  it('five Adam steps of Dense-BatchNorm-relu-Dense with softmax cross-entropy match', async () => {
    const n = 16;
    const rand = rng(5);
    const xs = Array.from({ length: n * 5 }, () => rand() * 4 - 2);
    const labels = Array.from({ length: n }, () => Math.floor(rand() * 3));

    const model = sequential([
      // No bias before batch normalization: its exact gradient is 0, and Adam would amplify either side's rounding noise to full steps.
      dense({ units: 6, inputShape: [5], useBias: false, kernelInitializer: glorotUniform({ seed: 1 }) }),
      batchNormalization(),
      activation('relu'),
      dense({ units: 3, kernelInitializer: glorotUniform({ seed: 2 }) }),
    ]);
    const initial = model.parameters().map((v) => Array.from(v.dataSync()));
    const shapes = model.parameters().map((v) => [...v.shape]);

    // The peer: the same weights as tfjs variables, the same arithmetic in tfjs ops.
    const [k1, gamma, beta, , , k2, b2] = initial.map((w, i) => tf.variable(tf.tensor(w, shapes[i]), true, `peer_${i}`));
    const tx = tf.tensor2d(xs, [n, 5]);
    const ty = tf.oneHot(tf.tensor1d(labels, 'int32'), 3);
    const peerLoss = () => {
      const h = tf.matMul(tx, k1);
      const { mean, variance } = tf.moments(h, 0);
      const z = tf.relu(tf.batchNorm(h, mean, variance, beta, gamma, 1e-3));
      return tf.losses.softmaxCrossEntropy(ty, tf.add(tf.matMul(z, k2), b2)) as tf.Scalar;
    };
    const peerOpt = tf.train.adam(0.01);
    const trainable = [k1, gamma, beta, k2, b2];
    const peerMoving = { mean: new Array<number>(6).fill(0), variance: new Array<number>(6).fill(1) };

    const x = tensor(xs, [n, 5]);
    const y = tensor(labels, [n], 'int32');
    const opt = new Adam({ learningRate: 0.01 });
    for (let step = 0; step < 5; step++) {
      await model.fit(x, y, { optimizer: opt, loss: sparseCategoricalCrossentropy({ fromLogits: true }), epochs: 1, batchSize: n, shuffle: false, seed: 1 });
      tf.tidy(() => {
        const { mean, variance } = tf.moments(tf.matMul(tx, k1), 0);
        const m = mean.dataSync();
        const v = variance.dataSync();
        peerMoving.mean = peerMoving.mean.map((a, j) => 0.99 * a + 0.01 * m[j]);
        peerMoving.variance = peerMoving.variance.map((a, j) => 0.99 * a + 0.01 * v[j]);
        peerOpt.minimize(peerLoss, false, trainable);
      });
      const ours = model.trainableVariables.map((v) => Array.from(v.dataSync()));
      const theirs = trainable.map((v) => Array.from(v.dataSync()));
      ours.forEach((w, i) => w.forEach((value, j) => expect(value).toBeCloseTo(theirs[i][j], 5)));
    }
    // The running statistics follow Keras's rule (momentum 0.99) from the same batch moments.
    const [movingMean, movingVariance] = model.parameters().filter((v) => !v.trainable);
    Array.from(movingMean.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(peerMoving.mean[j], 6));
    Array.from(movingVariance.dataSync()).forEach((v, j) => expect(v).toBeCloseTo(peerMoving.variance[j], 6));
    dispose([x, y]);
    opt.dispose();
    model.dispose();
    tf.dispose([tx, ty, ...trainable]);
    peerOpt.dispose();
  });
});
