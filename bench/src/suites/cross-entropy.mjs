// @ts-check
import { Random } from '@neurite/core';
import { lean } from '../budgets.mjs';
import { makeInputs } from '../inputs.mjs';

/**
 * Softmax cross-entropy of one-hot labels, mean over rows, and its gradient
 * with respect to the logits: the loss of every classifier, per training step.
 * Neurite's fused form is core's `softmaxCrossEntropyWithLogits` (one kernel
 * for the loss, one for the gradient); tfjs's is `tf.losses.softmaxCrossEntropy`
 * (its own gradient). The composed variant is -mean(sum(labels * logSoftmax(z)))
 * from primitives in both libraries, the way it is written without a fused op.
 * Memory-bound: GB/s counts labels and logits read and the gradient written once.
 * @param {number} rows
 * @param {number} classes
 * @returns {import('../types.js').Case}
 */
function crossEntropyCase(rows, classes) {
  return {
    id: `${rows}x${classes}`,
    label: `${rows}×${classes}, loss + gradient`,
    work: 3 * 4 * rows * classes,
    // The loss sums `classes` terms per row in another order than the reference.
    tolerance: 1e-5,
    variants: ['fused', 'composed'],
    async prepare(c, { seed, variant }) {
      /** @type {any} */
      const lib = c.lib;
      const [z] = makeInputs([[rows, classes]], seed);
      const y = new Float32Array(rows * classes);
      const random = new Random(seed + 100);
      for (let r = 0; r < rows; r++) y[r * classes + random.int(classes)] = 1;
      const logits = c.tensor(z, [rows, classes]);
      const labels = c.tensor(y, [rows, classes]);
      /** @param {unknown} t */
      const composed = (t) => lib.neg(lib.mean(lib.sum(lib.mul(labels, lib.logSoftmax(t)), -1)));
      /** @type {(t: unknown) => unknown} */
      const loss =
        variant === 'composed'
          ? composed
          : c.kind === 'neurite'
            ? (t) => lib.mean(lib.softmaxCrossEntropyWithLogits(labels, t))
            : (t) => lib.losses.softmaxCrossEntropy(labels, t);
      const valueAndGrad = lib.valueAndGrad(loss);
      const { value, grad } = valueAndGrad(logits);
      const output = [c.read(value), c.read(grad)];
      c.dispose(value);
      c.dispose(grad);
      return {
        output,
        run: () => lib.tidy(() => void valueAndGrad(logits)),
        dispose: () => [logits, labels].forEach((t) => c.dispose(t)),
      };
    },
  };
}

/** @type {import('../types.js').Suite} */
export default {
  name: 'crossEntropy',
  unit: 'GB/s',
  // The MNIST batch (what the MLP step runs) and a wide one where the passes over memory dominate.
  cases: [crossEntropyCase(64, 10), crossEntropyCase(128, 1000)].map(lean),
};
