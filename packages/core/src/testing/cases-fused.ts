import * as nn from '../index.js';
import type { FusedActivation, Tensor } from '../index.js';
import { rngFor, type Case } from './case.js';
import { FLOAT32, SUMMATION, TRANSCENDENTAL, expectTensor } from './compare.js';
import { opCases } from './forward.js';
import { awayFrom, input, positive, uniform } from './inputs.js';
import type { OpSpec } from './op-spec.js';
import * as R from './reference.js';
import * as M from './reference-math.js';

/*
 * Fused kernels: each is checked against the float64 reference of the ops it
 * replaces, and differentiated (to second order where its gradient is itself a
 * fused kernel).
 */

const ACTIVATE: Record<FusedActivation, (z: number) => number> = {
  linear: (z) => z,
  relu: M.relu,
  sigmoid: M.sigmoid,
  tanh: Math.tanh,
  elu: M.elu,
};
/** f'(z) written through y = f(z), as activationGrad computes it. */
const SLOPE: Record<FusedActivation, (y: number) => number> = {
  linear: () => 1,
  relu: (y) => (y > 0 ? 1 : 0),
  sigmoid: (y) => y * (1 - y),
  tanh: (y) => 1 - y * y,
  elu: (y) => (y > 0 ? 1 : y + 1),
};
const ACTIVATIONS = Object.keys(ACTIVATE) as FusedActivation[];

function fusedMatMulSpecs(): OpSpec[] {
  const layouts: [number[], number[], boolean, boolean][] = [
    [[3, 4], [4, 5], false, false],
    [[4, 3], [5, 4], true, true],
    [[9, 33], [33, 7], false, false],
  ];
  return ACTIVATIONS.flatMap((activation) =>
    layouts.map(([a, b, transposeA, transposeB]): OpSpec => {
      const n = transposeB ? b[0] : b[1];
      return {
        op: 'fusedMatMul',
        variant: `${activation} [${a}]x[${b}]${transposeA ? ' transposeA' : ''}${transposeB ? ' transposeB' : ''}`,
        inputs: [input(a), input(b), input([n])],
        fn: (x, w, bias) => nn.fusedMatMul(x, w, { bias, activation, transposeA, transposeB }),
        ref: (x, w, bias) => {
          const z = R.matMul(x, w, transposeA, transposeB);
          return R.map(R.zip(z, R.broadcastTo(bias, z.shape), (p, q) => p + q), ACTIVATE[activation]);
        },
        // The pre-activation errs like a dot product; the activations are at most 1-Lipschitz.
        scale: (x, w, bias) => R.zip(R.matMul(R.map(x, Math.abs), R.map(w, Math.abs), transposeA, transposeB), R.broadcastTo(R.map(bias, Math.abs), [1, n]), (p, q) => p + q),
        tol: activation === 'linear' || activation === 'relu' ? SUMMATION : TRANSCENDENTAL,
        // relu's kink: a pre-activation within a finite-difference step of 0 has no derivative.
        grad: activation !== 'relu' || a[0] === 3,
      };
    }),
  );
}

function activationGradSpecs(): OpSpec[] {
  const outputs: Record<FusedActivation, ReturnType<typeof uniform>> = {
    linear: uniform(-2, 2),
    relu: awayFrom([0], 0.1, -2, 2),
    sigmoid: uniform(0.05, 0.95),
    tanh: uniform(-0.95, 0.95),
    elu: awayFrom([0], 0.1, -0.95, 2),
  };
  return ACTIVATIONS.map(
    (activation): OpSpec => ({
      op: 'activationGrad',
      variant: activation,
      inputs: [input([3, 4]), input([3, 4], outputs[activation])],
      fn: (dy, y) => nn.activationGrad(dy, y, activation),
      ref: (dy, y) => R.zip(dy, y, (d, v) => d * SLOPE[activation](v)),
    }),
  );
}

/**
 * The first-order gradient of softmax cross-entropy is a fused kernel; its
 * own gradient (second order) is checked by differentiating it here.
 */
function crossEntropyGradientSpecs(): OpSpec[] {
  return [
    {
      op: 'softmaxCrossEntropyWithLogits',
      variant: 'gradient as a function (second order)',
      inputs: [input([3, 4], uniform(0, 1)), input([3, 4], uniform(-3, 3)), input([3], positive)],
      fn: (y, z, dy) => nn.tidy(() => nn.grads((yy: Tensor, zz: Tensor) => nn.softmaxCrossEntropyWithLogits(yy, zz))([y, z], dy)[1]),
      ref: (y, z, dy) => {
        const s = R.softmax(z);
        const total = R.reduce(y, -1, true, R.folds.sum);
        const scale = R.broadcastTo(R.reshape(dy, [3, 1]), [3, 4]);
        return R.zip(scale, R.zip(R.zip(s, R.broadcastTo(total, [3, 4]), (a, b) => a * b), y, (a, b) => a - b), (a, b) => a * b);
      },
      tol: TRANSCENDENTAL,
    },
  ];
}

interface UpdateCase {
  name: string;
  slots: number;
  step: (w: nn.Variable, g: Tensor, slots: nn.Variable[], t: number) => void;
  /** The same rule on plain numbers, one element at a time; mutates `slots`. */
  reference: (w: number, g: number, slots: number[], t: number) => number;
}

function updateCases(): Case[] {
  const sgd = { lr: 0.1, momentum: 0.9, weightDecay: 0.01 };
  const adam = { lr: 0.01, beta1: 0.9, beta2: 0.999, epsilon: 1e-7, weightDecay: 0.02 };
  const cases: UpdateCase[] = [false, true].flatMap((nesterov): UpdateCase[] => [
    {
      name: `sgdUpdate ${nesterov ? 'nesterov' : 'heavy ball'}`,
      slots: 1,
      step: (w, g, [b]) => nn.sgdUpdate(w, g, b, { ...sgd, nesterov }),
      reference: (w, g, b) => {
        const gi = g + sgd.weightDecay * w;
        b[0] = sgd.momentum * b[0] + gi;
        return w - sgd.lr * (nesterov ? gi + sgd.momentum * b[0] : b[0]);
      },
    },
  ]);
  for (const decoupled of [false, true]) {
    cases.push({
      name: `adamUpdate ${decoupled ? 'decoupled (AdamW)' : 'coupled weight decay'}`,
      slots: 2,
      step: (w, g, [m, v], t) => nn.adamUpdate(w, g, m, v, { ...adam, step: t, decoupled }),
      reference: (w, g, mv, t) => {
        const gi = g + (decoupled ? 0 : adam.weightDecay * w);
        mv[0] = adam.beta1 * mv[0] + (1 - adam.beta1) * gi;
        mv[1] = adam.beta2 * mv[1] + (1 - adam.beta2) * gi * gi;
        const mHat = mv[0] / (1 - adam.beta1 ** t);
        const vHat = mv[1] / (1 - adam.beta2 ** t);
        return w - (adam.lr * mHat) / (Math.sqrt(vHat) + adam.epsilon) - (decoupled ? adam.lr * adam.weightDecay * w : 0);
      },
    });
  }
  return cases.flatMap((c): Case[] => [
    {
      name: `${c.name} matches its rule over 3 steps`,
      run: () => {
        const rng = rngFor(c.name);
        const n = 37;
        const w0 = Array.from({ length: n }, () => Math.fround(rng.next() * 4 - 2));
        const grads = [0, 1, 2].map(() => Array.from({ length: n }, () => Math.fround(rng.next() * 2 - 1)));
        const w = nn.variable(w0, { name: `${c.name}/w` });
        const slots = Array.from({ length: c.slots }, (_, k) => nn.variable(new Array<number>(n).fill(0), { name: `${c.name}/slot${k}` }));
        const expected = [...w0];
        const refSlots = w0.map(() => new Array<number>(c.slots).fill(0));
        try {
          for (let t = 1; t <= 3; t++) {
            const g = nn.tensor(grads[t - 1]);
            c.step(w, g, slots, t);
            g.dispose();
            for (let i = 0; i < n; i++) expected[i] = c.reference(expected[i], grads[t - 1][i], refSlots[i], t);
          }
          expectTensor(c.name, w, R.ref([n], expected), { dtype: 'float32', tol: FLOAT32 });
          expectTensor(`${c.name} (first slot)`, slots[0], R.ref([n], refSlots.map((s) => s[0])), { dtype: 'float32', tol: FLOAT32 });
        } finally {
          nn.dispose([w, ...slots]);
        }
      },
    },
    {
      name: `${c.name} leaves tensors that share a variable's storage alone`,
      run: () => {
        const shared = nn.tensor([1, 2, 3]);
        const w = nn.variable([0, 0, 0], { name: `${c.name}/shared` });
        const slots = Array.from({ length: c.slots }, (_, k) => nn.variable([0, 0, 0], { name: `${c.name}/s${k}` }));
        const g = nn.tensor([0.5, -0.5, 1]);
        try {
          nn.assign(w, shared);
          c.step(w, g, slots, 1);
          expectTensor(`${c.name}: the assigned tensor`, shared, R.ref([3], [1, 2, 3]), { dtype: 'float32', tol: FLOAT32 });
          const moved = w.dataSync();
          if (moved[0] === 1 && moved[1] === 2 && moved[2] === 3) throw new Error(`${c.name}: the variable did not change`);
        } finally {
          nn.dispose([shared, w, g, ...slots]);
        }
      },
    },
  ]);
}

export function fusedCases(): Case[] {
  return [...opCases(...fusedMatMulSpecs(), ...activationGradSpecs(), ...crossEntropyGradientSpecs()), ...updateCases()];
}
