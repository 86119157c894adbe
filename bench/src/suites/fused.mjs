// @ts-check
import { lean } from '../budgets.mjs';
import { makeInputs } from '../inputs.mjs';

/**
 * What Neurite's fused kernels gain over the same math composed from
 * primitives, on the same backend and in the same rounds (issue #3): the
 * ratio `js/js.composed` is how many times faster the fused form is. tfjs
 * runs the same two forms (its own fused matMul, its Adam) for scale.
 * The fused softmax cross-entropy is in the crossEntropy suite.
 */

/** The MLP's first layer: batch 64, 784 inputs, 128 relu units. */
const [M, K, N] = [64, 784, 128];

/**
 * relu(x @ W + b) and its gradients with respect to x, W and b for a seeded
 * upstream gradient: forward plus backward of a dense layer in training.
 * Fused: core's fusedMatMul (one kernel forward; activationGrad then two
 * matMuls back) and tf.fused.matMul. Composed: matMul, add, relu.
 * @type {import('../types.js').Case}
 */
const dense = {
  id: `dense-${M}x${K}x${N}`,
  label: `dense ${M}×${K} · ${K}×${N} + bias, relu: forward + backward`,
  // Forward matMul plus the two of the backward pass.
  work: 3 * 2 * M * K * N,
  tolerance: 1e-4,
  variants: ['fused', 'composed'],
  async prepare(c, { seed, variant }) {
    /** @type {any} */
    const lib = c.lib;
    const shapes = [[M, K], [K, N], [N], [M, N]];
    const [x, w, b, dy] = makeInputs(shapes, seed).map((d, i) => c.tensor(d, shapes[i]));
    /** @type {(x: unknown, w: unknown, b: unknown) => unknown} */
    const layer =
      variant === 'composed'
        ? (x, w, b) => lib.relu(lib.add(lib.matMul(x, w), b))
        : c.kind === 'neurite'
          ? (x, w, b) => lib.fusedMatMul(x, w, { bias: b, activation: 'relu' })
          : (x, w, b) => lib.fused.matMul({ a: x, b: w, bias: b, activation: 'relu' });
    /** @type {(xs: unknown[]) => unknown[]} */
    const grads = lib.grads((/** @type {unknown} */ x, /** @type {unknown} */ w, /** @type {unknown} */ b) => lib.sum(lib.mul(layer(x, w, b), dy)));
    const y = layer(x, w, b);
    const gs = grads([x, w, b]);
    const output = [c.read(y), ...gs.map((g) => c.read(g))];
    [y, ...gs].forEach((t) => c.dispose(t));
    return {
      output,
      run: () => lib.tidy(() => void grads([x, w, b])),
      dispose: () => [x, w, b, dy].forEach((t) => c.dispose(t)),
    };
  },
};

/** The MLP's four weights: 101,770 parameters. */
const ADAM_SHAPES = [[K, N], [N], [N, 10], [10]];
const ADAM_SIZE = ADAM_SHAPES.reduce((n, s) => n + s.reduce((a, b) => a * b, 1), 0);
let tfjsVariables = 0;

/**
 * One Adam step over the MLP's weights. Fused: @neurite/optimizers' Adam,
 * whose step is core's in-place adamUpdate kernel (one pass over w, g, m, v);
 * composed: the same class with the fused path turned off, i.e. its update
 * rule written in core ops. tfjs: its Adam optimizer (one form). Memory-bound:
 * GB/s counts w, g, m, v read and w, m, v written once.
 * @type {import('../types.js').Case}
 */
const adam = {
  id: `adam-${ADAM_SIZE}`,
  label: `Adam step, ${ADAM_SIZE.toLocaleString('en-US')} weights in 4 variables`,
  unit: 'GB/s',
  work: 7 * 4 * ADAM_SIZE,
  // w after the first step, w ~ N(0, 1) moved by ~lr: the forms differ only in rounding.
  tolerance: 1e-6,
  variants: ['fused', 'composed'],
  async prepare(c, { seed, variant }) {
    /** @type {any} */
    const lib = c.lib;
    const shapes = ADAM_SHAPES;
    const n = shapes.length;
    const data = makeInputs([...shapes, ...shapes], seed);
    /** @type {any[]} */
    const grads = data.slice(n).map((d, i) => c.tensor(d.map((g) => g * 0.01), shapes[i]));
    if (c.kind === 'neurite') {
      const { Adam } = await import('@neurite/optimizers');
      const vars = data.slice(0, n).map((d, i) => lib.variable(c.tensor(d, shapes[i]), { name: `w${i}` }));
      class ComposedAdam extends Adam {
        /** @override */
        fusedStep() {
          return false;
        }
      }
      const opt = variant === 'composed' ? new ComposedAdam({ learningRate: 1e-3 }) : new Adam({ learningRate: 1e-3 });
      const step = () => opt.applyGradients(new Map(vars.map((v, i) => [v, grads[i]])));
      step();
      return {
        output: vars.map((v) => c.read(v)),
        run: step,
        dispose: () => [...vars, ...grads].forEach((t) => c.dispose(t)),
      };
    }
    if (variant === 'composed') return null;
    const names = shapes.map(() => `bench_adam_${tfjsVariables++}`);
    const vars = data.slice(0, n).map((d, i) => lib.variable(lib.tensor(d, shapes[i]), true, names[i]));
    const opt = lib.train.adam(1e-3, 0.9, 0.999, 1e-7);
    const step = () => opt.applyGradients(Object.fromEntries(names.map((name, i) => [name, grads[i]])));
    step();
    return {
      output: vars.map((/** @type {unknown} */ v) => c.read(v)),
      run: step,
      dispose: () => {
        opt.dispose();
        [...vars, ...grads].forEach((t) => c.dispose(t));
      },
    };
  },
};

/** @type {import('../types.js').Suite} */
export default {
  name: 'fused',
  unit: 'GFLOP/s',
  cases: [dense, adam].map(lean),
};
