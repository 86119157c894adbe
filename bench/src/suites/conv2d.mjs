// @ts-check
import { lean } from '../budgets.mjs';
import { makeInputs } from '../inputs.mjs';

/**
 * 2-D convolution and max pooling, NHWC, on MNIST-sized images: a 3×3 'same'
 * convolution from 8 to 16 channels over a batch of 16 28×28 maps, forward,
 * and forward plus both gradients (what a conv layer runs per training step),
 * and a 2×2 max pool, forward and with its gradient. Neurite's are core's `conv2d` and `maxPool2d` (rows show
 * "unavailable" on a backend without the kernels); tfjs's are `tf.conv2d` and
 * `tf.maxPool`. The gradient case compares dx and dfilter one by one.
 */

const [B, H, W, CI, CO, KS] = [16, 28, 28, 8, 16, 3];
const X = [B, H, W, CI];
const F = [KS, KS, CI, CO];
const Y = [B, H, W, CO];
const FORWARD_FLOPS = 2 * B * H * W * KS * KS * CI * CO;

/**
 * @param {import('../types.js').Contender} c
 * @param {string} name
 * @returns {any}
 */
function op(c, name) {
  /** @type {any} */
  const lib = c.lib;
  if (typeof lib[name] !== 'function') throw new Error(`@neurite/core has no ${name} op in this build`);
  return lib[name];
}

/**
 * @param {import('../types.js').Contender} c
 * @returns {(x: unknown, f: unknown) => unknown}
 */
function conv(c) {
  if (c.kind === 'tfjs') {
    /** @type {any} */
    const tf = c.lib;
    return (x, f) => tf.conv2d(x, f, 1, 'same');
  }
  const conv2d = op(c, 'conv2d');
  return (x, f) => conv2d(x, f, { strides: 1, padding: 'same' });
}

/**
 * @param {import('../types.js').Contender} c
 * @returns {(x: unknown) => unknown}
 */
function maxPool(c) {
  if (c.kind === 'tfjs') {
    /** @type {any} */
    const tf = c.lib;
    return (x) => tf.maxPool(x, 2, 2, 'valid');
  }
  const pool = op(c, 'maxPool2d');
  return (x) => pool(x, { poolSize: 2, strides: 2, padding: 'valid' });
}

/** @type {import('../types.js').Suite} */
export default {
  name: 'conv2d',
  unit: 'GFLOP/s',
  cases: /** @type {import('../types.js').Case[]} */ ([
    {
      id: '3x3-same',
      label: `${B}×${H}×${W}×${CI} ⊛ ${KS}×${KS}×${CI}×${CO}, 'same'`,
      inputs: [X, F],
      work: FORWARD_FLOPS,
      // Sums of 72 products in another order than the reference.
      tolerance: 1e-5,
      run: (lib, [x, f], c) => conv(c)(x, f),
    },
    {
      id: '3x3-same-grad',
      label: `the same, forward + dx + dfilter`,
      // Forward, backprop to the input and to the filter: each as many multiply-adds as the forward pass.
      work: 3 * FORWARD_FLOPS,
      // dfilter sums 12,544 products per entry.
      tolerance: 1e-4,
      // tfjs-cpu: 1-3 s a call (its filter gradient); it computes the reference once in the
      // gate, and full runs take two calls a round instead of five.
      untimedShort: ['tfjs-cpu'],
      budget: { full: { iterations: 2 } },
      async prepare(c, { seed }) {
        /** @type {any} */
        const lib = c.lib;
        const [x, f, dy] = makeInputs([X, F, Y], seed).map((d, i) => c.tensor(d, [X, F, Y][i]));
        const f2 = conv(c);
        /** @type {(xs: unknown[]) => unknown[]} */
        const grads = lib.grads((/** @type {unknown} */ a, /** @type {unknown} */ b) => lib.sum(lib.mul(f2(a, b), dy)));
        const gs = grads([x, f]);
        const output = gs.map((g) => c.read(g));
        gs.forEach((g) => c.dispose(g));
        return {
          output,
          run: () => lib.tidy(() => void grads([x, f])),
          dispose: () => [x, f, dy].forEach((t) => c.dispose(t)),
        };
      },
    },
    {
      id: 'maxpool-2x2',
      label: `max pool 2×2, stride 2, ${B}×${H}×${W}×${CO}`,
      unit: 'GB/s',
      inputs: [Y],
      // Reads the input once, writes a quarter of it.
      work: 4 * B * H * W * CO * (1 + 1 / 4),
      tolerance: 0,
      run: (lib, [x], c) => {
        /** @type {any} */
        const l = lib;
        return maxPool(c)(x);
      },
    },
    {
      id: 'maxpool-2x2-grad',
      label: 'the same, gradient (forward + dx)',
      unit: 'GB/s',
      // The forward pass reads x and writes y; the backward reads x and dy and writes dx.
      work: 4 * B * H * W * CO * (1 + 1 / 4 + 1 + 1 / 4 + 1),
      // Each dx is one dy (or zero): exact.
      tolerance: 0,
      wrong: {
        // Measured with tfjs-backend-wasm 4.22 on the reference's inputs: dx misses the dy of some windows
        // (on a 2×4×4×3 input, 3 of 24 windows gave no gradient at all); tfjs-cpu and Neurite agree.
        'tfjs-wasm': "tfjs-backend-wasm's MaxPoolGrad drops the gradient of some windows",
      },
      async prepare(c, { seed }) {
        /** @type {any} */
        const lib = c.lib;
        const yShape = [B, H / 2, W / 2, CO];
        const [x, dy] = makeInputs([Y, yShape], seed).map((d, i) => c.tensor(d, [Y, yShape][i]));
        const pool = maxPool(c);
        /** @type {(x: unknown) => unknown} */
        const dx = lib.grad((/** @type {unknown} */ a) => lib.sum(lib.mul(pool(a), dy)));
        const g = dx(x);
        const output = c.read(g);
        c.dispose(g);
        return {
          output,
          run: () => lib.tidy(() => void dx(x)),
          dispose: () => [x, dy].forEach((t) => c.dispose(t)),
        };
      },
    },
  ]).map(lean),
};
