import { expect } from 'vitest';
import * as nn from '../index.js';
import type { Random, Tensor } from '../index.js';
import { rngFor, type Case } from './case.js';
import { EXACT, FLOAT32, TRANSCENDENTAL, expectTensor, expectValues } from './compare.js';
import { opCases } from './forward.js';
import { input, int32, sampleInputs, uniform } from './inputs.js';
import * as R from './reference.js';
import * as M from './reference-math.js';

/** Gradients of compositions: accumulation on fan-out and a whole small network. */
function compositionCases(): Case[] {
  return opCases(
    {
      op: 'fan-out',
      variant: 'x*x + exp(x)*x',
      inputs: [input([3, 4])],
      fn: (x) => nn.tidy(() => nn.add(nn.mul(x, x), nn.mul(nn.exp(x), x))),
      ref: (x) => R.map(x, (v) => v * v + Math.exp(v) * v),
      tol: TRANSCENDENTAL,
    },
    {
      op: 'fan-out',
      variant: 'through a broadcast reduction',
      inputs: [input([3, 4])],
      fn: (x) => nn.tidy(() => nn.mul(x, nn.sum(x, 0, true))),
      ref: (x) => R.zip(x, R.reduce(x, 0, true, R.folds.sum), (a, b) => a * b),
    },
    {
      op: 'MLP loss',
      variant: 'tanh hidden layer, softmax cross-entropy',
      inputs: [input([4, 3]), input([3, 5]), input([5]), input([5, 2]), input([2]), int32([4], [0, 1, 1, 0])],
      fn: (x, w1, b1, w2, b2, y) =>
        nn.tidy(() => {
          const hidden = nn.tanh(nn.add(nn.matMul(x, w1), b1));
          const logits = nn.add(nn.matMul(hidden, w2), b2);
          return nn.mean(nn.softmaxCrossEntropyWithLogits(nn.oneHot(y, 2, 1, 0, logits.dtype), logits));
        }),
      ref: (x, w1, b1, w2, b2, y) => {
        const hidden = R.map(R.zip(R.matMul(x, w1), b1, (a, b) => a + b), Math.tanh);
        const logits = R.zip(R.matMul(hidden, w2), b2, (a, b) => a + b);
        return R.reduce(R.softmaxCrossEntropy(R.oneHot(y, 2), logits), undefined, false, R.folds.mean);
      },
      tol: TRANSCENDENTAL,
    },
  );
}

/** A case with its own checks; `run` draws inputs from the case's own seed. */
function custom(name: string, run: (rng: Random) => void, needs?: 'float64'): Case {
  return { name, needs, run: () => run(rngFor(name)) };
}

function withTensors<T>(tensors: Tensor[], body: () => T): T {
  try {
    return body();
  } finally {
    nn.dispose(tensors);
  }
}

/** A float32 tensor of reference values (a Float64Array alone would make a float64 tensor). */
const f32 = (v: R.Ref): Tensor => nn.tensor(v.data, v.shape, 'float32');

function draw(rng: Random, shape: number[]): R.Ref {
  return sampleInputs([input(shape)], rng)[0];
}

function apiCases(): Case[] {
  return [
    custom('stopGradient gradient', (rng) => {
      const v = draw(rng, [2, 3]);
      const x = f32(v);
      withTensors([x], () => {
        // d/dx sum(stop(x) * x) is stop(x) = x, not 2x.
        const g = nn.grad((t) => nn.sum(nn.mul(nn.stopGradient(t), t)))(x);
        withTensors([g], () => expectTensor('stopGradient gradient', g, v, { dtype: 'float32', tol: EXACT }));
      });
    }),
    custom('second-order gradient', (rng) => {
      const v = draw(rng, [5]);
      const x = f32(v);
      withTensors([x], () => {
        // d/dx sum(d/dx sum(x^3)) = d/dx sum(3x^2) = 6x.
        const inner = nn.grad((t) => nn.sum(nn.mul(nn.square(t), t)));
        const g = nn.grad((t) => nn.sum(inner(t)))(x);
        withTensors([g], () => expectTensor('second-order gradient', g, R.map(v, (a) => 6 * a), { dtype: 'float32', tol: FLOAT32 }));
      });
    }),
    custom('grad with dy gives the vector-Jacobian product', (rng) => {
      const v = draw(rng, [2, 3]);
      const w = draw(rng, [2, 3]);
      const [x, dy] = [f32(v), f32(w)];
      withTensors([x, dy], () => {
        const g = nn.grad(nn.exp)(x, dy);
        withTensors([g], () => expectTensor('vjp of exp', g, R.zip(v, w, (a, b) => Math.exp(a) * b), { dtype: 'float32', tol: TRANSCENDENTAL }));
      });
    }),
    custom('valueAndGrads returns the value and zeros for an unused input', (rng) => {
      const [a, b] = [draw(rng, [3]), draw(rng, [2])];
      const xs = [f32(a), f32(b)];
      withTensors(xs, () => {
        const { value, grads } = nn.valueAndGrads((x) => nn.sum(nn.sin(x)))(xs);
        withTensors([value, ...grads], () => {
          expectTensor('value', value, R.reduce(R.map(a, Math.sin), undefined, false, R.folds.sum), { dtype: 'float32', tol: TRANSCENDENTAL });
          expectTensor('gradient of the used input', grads[0], R.map(a, Math.cos), { dtype: 'float32', tol: TRANSCENDENTAL });
          expectTensor('gradient of the unused input', grads[1], R.fill([2], 0), { dtype: 'float32', tol: EXACT });
        });
      });
    }),
    custom('cast gradient float64 to float32 and back', (rng) => {
      const v = draw(rng, [2, 3]);
      const w = draw(rng, [2, 3]);
      const x64 = nn.tensor(v.data, v.shape, 'float64');
      const x32 = nn.tensor(v.data, v.shape, 'float32');
      withTensors([x64, x32], () => {
        // The gradient of a cast is the incoming gradient, cast back to the input's dtype.
        const down = nn.grad((t) => nn.sum(nn.mul(nn.cast(t, 'float32'), nn.tensor(w.data, w.shape, 'float32'))))(x64);
        const up = nn.grad((t) => nn.sum(nn.mul(nn.cast(t, 'float64'), nn.tensor(w.data, w.shape, 'float64'))))(x32);
        withTensors([down, up], () => {
          expectTensor('d/dx of cast(float64 x, float32)', down, w, { dtype: 'float64', tol: EXACT });
          expectTensor('d/dx of cast(float32 x, float64)', up, w, { dtype: 'float32', tol: EXACT });
        });
      });
    }, 'float64'),
    custom('variableGrads keys gradients by name and skips frozen variables', (rng) => {
      const [xv, wv, bv] = [draw(rng, [4, 3]), draw(rng, [3, 2]), draw(rng, [2])];
      const x = f32(xv);
      // variable() copies its initial value; tidy() frees the temporary.
      const w = nn.tidy(() => nn.variable(f32(wv), { name: 'conformance_w' }));
      const b = nn.tidy(() => nn.variable(f32(bv), { name: 'conformance_b', trainable: false }));
      withTensors([x, w, b], () => {
        const { value, grads } = nn.variableGrads(() => nn.sum(nn.square(nn.add(nn.matMul(x, w), b))), [w, b]);
        withTensors([value, ...Object.values(grads)], () => {
          expect(Object.keys(grads)).toEqual(['conformance_w']);
          const z = R.zip(R.matMul(xv, wv), bv, (p, q) => p + q);
          // d/dW sum((xW + b)^2) = x^T 2(xW + b)
          const expected = R.matMul(xv, R.map(z, (t) => 2 * t), true, false);
          expectTensor('dL/dW', grads.conformance_w, expected, { dtype: 'float32', tol: FLOAT32, scale: R.matMul(R.map(xv, Math.abs), R.map(z, (t) => 2 * Math.abs(t)), true) });
          expectTensor('L', value, R.reduce(R.map(z, (t) => t * t), undefined, false, R.folds.sum), { dtype: 'float32', tol: FLOAT32 });
        });
      });
    }),
    custom('a training step leaves the live tensor count unchanged', (rng) => {
      // Fit y = 2x - 1 by gradient descent: the loss must fall and memory must not grow per step.
      const xv = sampleInputs([input([16, 1], uniform(-1, 1))], rng)[0];
      const x = f32(xv);
      const y = nn.tidy(() => nn.sub(nn.mul(x, 2), 1));
      const w = nn.tidy(() => nn.variable(nn.zeros([1, 1]), { name: 'conformance_step_w' }));
      const b = nn.tidy(() => nn.variable(nn.zeros([1]), { name: 'conformance_step_b' }));
      withTensors([x, y, w, b], () => {
        const losses: number[] = [];
        const counts: number[] = [];
        for (let step = 0; step < 30; step++) {
          nn.tidy(() => {
            const { value, grads } = nn.variableGrads(() => nn.mean(nn.square(nn.sub(nn.add(nn.matMul(x, w), b), y))), [w, b]);
            losses.push(value.dataSync()[0]);
            nn.assign(w, nn.sub(w, nn.mul(grads[w.name], 0.5)));
            nn.assign(b, nn.sub(b, nn.mul(grads[b.name], 0.5)));
          });
          counts.push(nn.memory().numTensors);
        }
        expect(new Set(counts).size, `live tensors after each step: ${counts.join(',')}`).toBe(1);
        expect(losses[losses.length - 1]).toBeLessThan(losses[0] * 0.01);
      });
    }),
  ];
}

/**
 * Where a function is not differentiable, core picks a convention; every
 * backend must give the same numbers for it.
 */
function conventionCases(): Case[] {
  return [
    custom('max gradient splits ties equally', () => {
      const x = nn.tensor([[1, 3, 3], [2, 0, 2]]);
      withTensors([x], () => {
        const g = nn.grad((t) => nn.sum(nn.max(t, 1)))(x);
        withTensors([g], () => expectTensor('d max', g, R.ref([2, 3], [0, 0.5, 0.5, 0.5, 0, 0.5]), { dtype: 'float32', tol: EXACT }));
      });
    }),
    custom('maximum gradient on ties goes to the first operand', () => {
      const xs = [nn.tensor([1, 2, 3]), nn.tensor([1, 5, 3])];
      withTensors(xs, () => {
        const [ga, gb] = nn.grads((a, b) => nn.sum(nn.maximum(a, b)))(xs);
        withTensors([ga, gb], () => {
          expectTensor('d/da', ga, R.ref([3], [1, 0, 1]), { dtype: 'float32', tol: EXACT });
          expectTensor('d/db', gb, R.ref([3], [0, 1, 0]), { dtype: 'float32', tol: EXACT });
        });
      });
    }),
    custom('cast to int32 stops the gradient', () => {
      const x = nn.tensor([1.5, -2.5]);
      withTensors([x], () => {
        const g = nn.grad((t) => nn.sum(nn.mul(nn.cast(nn.cast(t, 'int32'), 'float32'), t)))(x);
        // Only the direct factor t contributes: d/dt (trunc(t) * t) taken with trunc constant is trunc(t).
        withTensors([g], () => expectTensor('d/dx', g, R.ref([2], [1, -2]), { dtype: 'float32', tol: EXACT }));
      });
    }),
  ];
}

/** A derivative checked against its closed form rather than finite differences. */
function closedFormCases(): Case[] {
  return [
    custom('gelu gradient matches the closed form', (rng) => {
      const v = draw(rng, [8]);
      const x = f32(v);
      withTensors([x], () => {
        const g = nn.grad((t) => nn.sum(nn.gelu(t)))(x);
        const pdf = (a: number) => Math.exp(-0.5 * a * a) / Math.sqrt(2 * Math.PI);
        const expected = R.map(v, (a) => 0.5 * (1 + M.erf(a / Math.SQRT2)) + a * pdf(a));
        withTensors([g], () => expectValues('gelu gradient', g.dataSync(), expected.data, TRANSCENDENTAL));
      });
    }),
  ];
}

export function autogradCases(): Case[] {
  return [...compositionCases(), ...apiCases(), ...conventionCases(), ...closedFormCases()];
}
