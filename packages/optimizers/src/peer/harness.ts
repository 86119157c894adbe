/**
 * Test support: a backend, seeded random inputs, and runners that apply the
 * same gradients to an optimizer and to a plain-JS reference rule. Not shipped.
 */
import { dispose, listBackends, setBackend, tensor, tidy, variable, type DType, type Variable } from '@neurite/core';
import { register } from '@neurite/backend-js';
import type { Optimizer } from '../optimizer.js';

export async function useJs(): Promise<void> {
  if (!(await listBackends()).some((b) => b.name === 'js')) register();
  await setBackend('js');
}

/** mulberry32: small, seeded, good enough for test inputs. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Values in [-scale, scale). */
export function randomVec(rand: () => number, n: number, scale = 1): number[] {
  return Array.from({ length: n }, () => (rand() * 2 - 1) * scale);
}

/** Parameters (several tensors) and a gradient for each of them at each step. */
export interface Problem {
  params: number[][];
  grads: number[][][];
}

export function randomProblem(seed: number, steps = 6, sizes = [5, 3]): Problem {
  const rand = rng(seed);
  return {
    params: sizes.map((n) => randomVec(rand, n)),
    // A few gradients exactly 0 and a spread of magnitudes: zero and tiny denominators are where rules differ.
    grads: Array.from({ length: steps }, () => sizes.map((n) => randomVec(rand, n, 2).map((g) => (rand() < 0.15 ? 0 : g * 10 ** Math.floor(rand() * 3 - 1))))),
  };
}

let uid = 0;

/** A variable from plain values; `variable(tensor(...))` would leave the temporary tensor alive. */
export function makeVariable(values: number[] | number[][], name: string, dtype: DType = 'float32', trainable = true): Variable {
  return tidy(() => variable(tensor(values, undefined, dtype), { name, trainable }));
}

/** Parameter values after each step, running `opt` on variables of `dtype`. */
export function runOptimizer(opt: Optimizer, problem: Problem, dtype: DType = 'float64'): number[][][] {
  const vars: Variable[] = problem.params.map((p) => makeVariable(p, `param${uid++}`, dtype));
  const history: number[][][] = [];
  try {
    for (const stepGrads of problem.grads) {
      tidy(() => opt.applyGradients(new Map(vars.map((v, i) => [v, tensor(stepGrads[i], [stepGrads[i].length], dtype)]))));
      history.push(vars.map((v) => Array.from(v.dataSync())));
    }
  } finally {
    dispose(vars);
    opt.dispose();
  }
  return history;
}

/** An elementwise update rule in plain JS: returns the new weight, mutates its own slot values. */
export type ReferenceRule = (w: number, g: number, slots: Record<string, number>, t: number) => number;

/** The reference rule's parameter values after each step (float64, element by element). */
export function runReference(problem: Problem, rule: ReferenceRule, initialSlots: Record<string, number> = {}): number[][][] {
  const w = problem.params.map((p) => [...p]);
  const slots = problem.params.map((p) => p.map(() => ({ ...initialSlots })));
  return problem.grads.map((stepGrads, s) => {
    for (let i = 0; i < w.length; i++) for (let j = 0; j < w[i].length; j++) w[i][j] = rule(w[i][j], stepGrads[i][j], slots[i][j], s + 1);
    return w.map((p) => [...p]);
  });
}

/** Largest |a - b| / (atol + rtol * |b|) over all steps; <= 1 means close. */
export function worstError(actual: number[][][], expected: number[][][], rtol: number, atol: number): number {
  let worst = 0;
  expected.forEach((step, s) =>
    step.forEach((p, i) =>
      p.forEach((b, j) => {
        const a = actual[s][i][j];
        const nan = Number.isNaN(a) || Number.isNaN(b);
        worst = Math.max(worst, nan ? (Number.isNaN(a) && Number.isNaN(b) ? 0 : Infinity) : Math.abs(a - b) / (atol + rtol * Math.abs(b)));
      }),
    ),
  );
  return worst;
}
