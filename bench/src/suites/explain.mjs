// @ts-check
import { lean } from '../budgets.mjs';
import { makeInputs } from '../inputs.mjs';
import { buildModel } from '../models.mjs';
import { MLP, predictionsAroundStep, trainRows } from './mlp.mjs';

/**
 * @neurite/explain's speed targets (issue #5), on Neurite's backends only (no
 * peer runs these methods). Each method is timed beside a yardstick computed
 * on the same backend in the same rounds, as a variant of the case, so the
 * target is a ratio the gate can hold:
 *
 * - integrated gradients, 50 steps, one MNIST digit on the MLP 784-128-10,
 *   against three training steps on a batch of 50 (forward, backward, Adam; the
 *   mlp suite's `fit` step). Target: IG within 3× one step, i.e. the ratio
 *   `contender/contender.train-3x50` = time of 3 steps ÷ time of IG ≥ 1;
 * - KernelSHAP with `samples: 2048` (the default) on a 10-feature tabular MLP,
 *   against one plain forward pass of as many rows as KernelSHAP evaluates. The
 *   target (under 100 ms on backend-wasm) is absolute, which a gate of ratios
 *   cannot hold: the table reports the time, the gate holds the ratio
 *   `contender/contender.forward` = forward ÷ KernelSHAP, the share of its
 *   time spent in the model, which catches overhead growing in the method.
 *   Ten features have 2^10 - 2 = 1,022 coalitions besides the empty and the
 *   full one, fewer than 2,048, so kernelShap enumerates them all (the exact
 *   Shapley values) and evaluates 1,024 rows in one model call.
 */

/** Neurite's backends; wasm-scalar and wasm-threads are timed in full runs only (see lean). */
const NEURITE = ['js', 'wasm-simd', 'wasm-scalar', 'wasm-threads'];

const STEPS = 50;
const BATCH = 50;
const PIXELS = 784;

/** A tabular binary classifier: 10 features, two hidden layers of 64, sigmoid output. */
/** @type {import('../models.mjs').ModelSpec} */
const TABULAR = {
  inputShape: [10],
  layers: [
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 64, activation: 'relu' },
    { type: 'dense', units: 1, activation: 'sigmoid' },
  ],
  learningRate: 1e-3,
};
const FEATURES = 10;
const SAMPLES = 2048;
/** Every coalition of 10 players: what kernelShap evaluates when 2^10 - 2 <= SAMPLES. */
const COALITIONS = 2 ** FEATURES;

/** @param {unknown} x */
const asFloat32 = (x) => Float32Array.from(/** @type {ArrayLike<number>} */ (x));

/** @type {import('../types.js').Case} */
const integratedGradients = {
  id: `ig-${STEPS}`,
  label: `integrated gradients, ${STEPS} steps, 1 digit, MLP 784-128-10 (train-3x50: 3 steps, batch ${BATCH})`,
  // Rows through the model: the 50 path points (one forward + backward) and f(x), f(0) (one forward).
  work: STEPS + 2,
  // Measured 1e-7-ish between backends (seed 1); float32 sums in another order.
  tolerance: 1e-4,
  variants: ['ig', 'train-3x50'],
  contenders: NEURITE,
  async prepare(c, { seed, variant }) {
    const model = await buildModel(c, MLP, seed);
    const { x, y } = await trainRows(c, BATCH, seed);
    if (variant === 'train-3x50') {
      // The yardstick: predictions on the batch before and after a step are what it computes.
      const output = await predictionsAroundStep(c, model, x, y, BATCH);
      return {
        output,
        work: 3 * BATCH,
        async run() {
          for (let i = 0; i < 3; i++) await model.step(x, y);
        },
        dispose() {
          model.dispose();
          c.dispose(x);
          c.dispose(y);
        },
      };
    }
    const { integratedGradients: ig } = await import('@neurite/explain');
    /** @type {any} */
    const lib = c.lib;
    // The first digit of the batch, and its label as the explained class.
    const digit = lib.slice(x, [0, 0], [1, PIXELS]);
    const label = c.read(y).subarray(0, 10).indexOf(1);
    c.dispose(x);
    c.dispose(y);
    const explain = () => ig(model.model, digit, { target: label, steps: STEPS });
    const first = explain();
    if (first.evaluations !== STEPS + 2) throw new Error(`integratedGradients evaluated ${first.evaluations} rows, the case counts ${STEPS + 2}`);
    return {
      output: asFloat32(first.values),
      run: () => void explain(),
      dispose() {
        model.dispose();
        c.dispose(digit);
      },
    };
  },
};

/** @type {import('../types.js').Case} */
const kernelShap = {
  id: `kernelshap-${FEATURES}`,
  label: `KernelSHAP, ${FEATURES} features, ${SAMPLES} samples (exact, ${COALITIONS} coalitions), MLP 10-64-64-1 (forward: ${COALITIONS} rows)`,
  work: COALITIONS,
  tolerance: 1e-4,
  variants: ['kernelshap', 'forward'],
  contenders: NEURITE,
  async prepare(c, { seed, variant }) {
    const model = await buildModel(c, TABULAR, seed);
    if (variant === 'forward') {
      // As many seeded rows as KernelSHAP evaluates, through the model as its runner does:
      // the rows to a tensor, one forward pass in eval mode, the outputs read back.
      const rows = makeInputs([[COALITIONS, FEATURES]], seed + 1)[0];
      const forward = () => {
        const t = c.tensor(rows, [COALITIONS, FEATURES]);
        const out = model.model.call(t, false);
        const values = c.read(out);
        c.dispose(out);
        c.dispose(t);
        return values;
      };
      return { output: forward(), run: () => void forward(), dispose: () => model.dispose() };
    }
    const { kernelShap: shap } = await import('@neurite/explain');
    /** @type {any} */
    const x = c.tensor(makeInputs([[1, FEATURES]], seed + 2)[0], [1, FEATURES]);
    const explain = () => shap(model.model, x, { samples: SAMPLES });
    const first = explain();
    if (!first.exact || first.evaluations !== COALITIONS) {
      throw new Error(`kernelShap evaluated ${first.evaluations} rows (exact: ${first.exact}), the case counts ${COALITIONS} (exact)`);
    }
    return {
      output: asFloat32(first.values),
      run: () => void explain(),
      dispose() {
        model.dispose();
        c.dispose(x);
      },
    };
  },
};

/** @type {import('../types.js').Suite} */
export default {
  name: 'explain',
  unit: 'samples/s',
  cases: [integratedGradients, kernelShap].map(lean),
};
