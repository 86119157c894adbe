import { createJsBackend } from '@neurite/backend-js';
import { beforeAll, describe, expect, it } from 'vitest';
import * as M from '../testing/reference-math.js';
import { grad, registerBackend, setBackend, sum, tensor, type Tensor } from '../index.js';
import * as nn from '../index.js';

/**
 * A constant in a gradient formula that becomes a float32 tensor (e.g. a
 * `where` whose branches are both plain numbers) rounds the gradient of a
 * float64 input to about 1e-8. These derivatives are written from the
 * definitions in float64, so the bound below only passes when every constant
 * keeps float64 precision.
 */
const RELATIVE = 1e-12;

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

const X = [-2.7, -1.3, -0.6, -0.05, 0.05, 0.4, 1.1, 2.9, 5.3, 7.1];
const POSITIVE = [0.05, 0.3, 0.9, 1.7, 3.3, 6.1];
const phi = (x: number) => Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);

interface Case {
  name: string;
  fn: (x: Tensor) => Tensor;
  /** dy/dx in float64. */
  df: (x: number) => number;
  inputs?: number[];
}

const CASES: Case[] = [
  { name: 'neg', fn: nn.neg, df: () => -1 },
  { name: 'abs', fn: nn.abs, df: Math.sign },
  { name: 'exp', fn: nn.exp, df: Math.exp },
  { name: 'expm1', fn: nn.expm1, df: Math.exp },
  { name: 'log', fn: nn.log, df: (x) => 1 / x, inputs: POSITIVE },
  { name: 'log1p', fn: nn.log1p, df: (x) => 1 / (1 + x), inputs: POSITIVE },
  { name: 'sqrt', fn: nn.sqrt, df: (x) => 0.5 / Math.sqrt(x), inputs: POSITIVE },
  { name: 'rsqrt', fn: nn.rsqrt, df: (x) => -0.5 * x ** -1.5, inputs: POSITIVE },
  { name: 'square', fn: nn.square, df: (x) => 2 * x },
  { name: 'reciprocal', fn: nn.reciprocal, df: (x) => -1 / (x * x) },
  { name: 'sin', fn: nn.sin, df: Math.cos },
  { name: 'cos', fn: nn.cos, df: (x) => -Math.sin(x) },
  { name: 'tanh', fn: nn.tanh, df: (x) => 1 / Math.cosh(x) ** 2, inputs: X.filter((x) => Math.abs(x) < 4) },
  { name: 'sigmoid', fn: nn.sigmoid, df: (x) => Math.exp(-x) / (1 + Math.exp(-x)) ** 2, inputs: X.filter((x) => Math.abs(x) < 4) },
  { name: 'relu', fn: nn.relu, df: (x) => (x > 0 ? 1 : 0) },
  { name: 'relu6', fn: nn.relu6, df: (x) => (x > 0 && x < 6 ? 1 : 0) },
  { name: 'leakyRelu', fn: (x) => nn.leakyRelu(x), df: (x) => (x > 0 ? 1 : 0.2) },
  { name: 'leakyRelu alpha 0.01', fn: (x) => nn.leakyRelu(x, 0.01), df: (x) => (x > 0 ? 1 : 0.01) },
  { name: 'elu', fn: nn.elu, df: (x) => (x > 0 ? 1 : Math.exp(x)) },
  { name: 'selu', fn: nn.selu, df: (x) => M.SELU_SCALE * (x > 0 ? 1 : M.SELU_ALPHA * Math.exp(x)) },
  { name: 'gelu', fn: nn.gelu, df: (x) => 0.5 * (1 + M.erf(x / Math.SQRT2)) + x * phi(x) },
  { name: 'erf', fn: nn.erf, df: (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x) },
  { name: 'softplus', fn: nn.softplus, df: M.sigmoid },
  // Number operands of binary ops take the tensor's dtype.
  { name: 'mul by 0.1', fn: (x) => nn.mul(x, 0.1), df: () => 0.1 },
  { name: 'div by 0.3', fn: (x) => nn.div(x, 0.3), df: () => 1 / 0.3 },
  { name: '0.7 minus x', fn: (x) => nn.sub(0.7, x), df: () => -1 },
  { name: 'pow 1/3', fn: (x) => nn.pow(x, 1 / 3), df: (x) => (1 / 3) * x ** (-2 / 3), inputs: POSITIVE },
  { name: '1.1 to the x', fn: (x) => nn.pow(1.1, x), df: (x) => Math.log(1.1) * 1.1 ** x },
  { name: 'clip 0.1..0.7', fn: (x) => nn.clip(x, 0.1, 0.7), df: (x) => (x > 0.1 && x < 0.7 ? 1 : 0), inputs: [-1, 0.3, 0.5, 2] },
];

describe('float64 gradients keep float64 constants', () => {
  it.each(CASES)('$name', ({ fn, df, inputs = X }) => {
    const x = tensor(inputs, undefined, 'float64');
    const g = grad((t) => sum(fn(t)))(x);
    expect(g.dtype).toBe('float64');
    const got = Array.from(g.dataSync());
    inputs.forEach((v, i) => {
      const want = df(v);
      expect(Math.abs(got[i] - want), `${v}: got ${got[i]}, want ${want}`).toBeLessThanOrEqual(RELATIVE * Math.max(1, Math.abs(want)));
    });
    x.dispose();
    g.dispose();
  });

  it('leakyRelu with alpha 0.2 has a gradient of exactly 0.2 below zero', () => {
    const x = tensor([-3, -0.5, 2], undefined, 'float64');
    const g = grad((t) => sum(nn.leakyRelu(t, 0.2)))(x);
    expect(Array.from(g.dataSync())).toEqual([0.2, 0.2, 1]);
    x.dispose();
    g.dispose();
  });
});
