import { createJsBackend } from '@neurite/backend-js';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Backend, KernelName } from './backend.js';
import { conv2d, fusedMatMul, softmaxCrossEntropyWithLogits, grads, matMul, randomNormal, registerBackend, setBackend, sum, variable, variableGrads } from './index.js';

/** The js backend with a call counter in front of every kernel. */
const calls = new Map<string, number>();
function countingBackend(): Backend {
  const inner = createJsBackend();
  const kernels = { ...inner.kernels } as Record<KernelName, (...a: unknown[]) => void>;
  for (const name of Object.keys(kernels) as KernelName[]) {
    const k = kernels[name];
    kernels[name] = (...a: unknown[]) => {
      calls.set(name, (calls.get(name) ?? 0) + 1);
      k(...a);
    };
  }
  return { ...inner, name: 'counting', kernels: kernels as Backend['kernels'] };
}

beforeAll(async () => {
  registerBackend('counting', countingBackend);
  await setBackend('counting');
});

function count(f: () => void): Map<string, number> {
  calls.clear();
  f();
  return new Map(calls);
}

describe('backward computes only the gradients someone asked for', () => {
  const data = () => randomNormal([8, 5], 0, 1, { seed: 1 });

  it('matMul of data and a weight runs one matMul backwards, not two', () => {
    const x = data();
    const w = variable(randomNormal([5, 3], 0, 1, { seed: 2 }));
    const both = count(() => grads((a, b) => sum(matMul(a, b)))([x, w]).forEach((g) => g.dispose()));
    const weightOnly = count(() => Object.values(variableGrads(() => sum(matMul(x, w)), [w]).grads).forEach((g) => g.dispose()));
    expect(both.get('matMul')).toBe(3);
    expect(weightOnly.get('matMul')).toBe(2);
  });

  it('fusedMatMul skips the data gradient too', () => {
    const x = data();
    const w = variable(randomNormal([5, 3], 0, 1, { seed: 3 }));
    const b = variable(randomNormal([3], 0, 1, { seed: 4 }));
    const n = count(() => Object.values(variableGrads(() => sum(fusedMatMul(x, w, { bias: b, activation: 'relu' })), [w, b]).grads).forEach((g) => g.dispose()));
    expect(n.get('matMul')).toBe(1);
  });

  it('conv2d of an image skips conv2dBackpropInput', () => {
    const image = randomNormal([2, 6, 6, 1], 0, 1, { seed: 5 });
    const f = variable(randomNormal([3, 3, 1, 4], 0, 1, { seed: 6 }));
    const n = count(() => Object.values(variableGrads(() => sum(conv2d(image, f, { padding: 'same' })), [f]).grads).forEach((g) => g.dispose()));
    expect(n.get('conv2dBackpropFilter')).toBe(1);
    expect(n.get('conv2dBackpropInput')).toBeUndefined();
    const withInput = count(() => grads((a, b) => sum(conv2d(a, b, { padding: 'same' })))([image, f]).forEach((g) => g.dispose()));
    expect(withInput.get('conv2dBackpropInput')).toBe(1);
  });

  it('softmax cross-entropy leaves the labels gradient out unless asked', () => {
    const labels = randomNormal([4, 3], 0, 1, { seed: 7 });
    const z = variable(randomNormal([4, 3], 0, 1, { seed: 8 }));
    const logitsOnly = count(() => Object.values(variableGrads(() => sum(softmaxCrossEntropyWithLogits(labels, z)), [z]).grads).forEach((g) => g.dispose()));
    expect(logitsOnly.get('softmaxCrossEntropyGrad')).toBe(1);
    expect(logitsOnly.get('exp')).toBeUndefined();
    const both = count(() => grads((a, b) => sum(softmaxCrossEntropyWithLogits(a, b)))([labels, z]).forEach((g) => g.dispose()));
    expect(both.get('exp')).toBeGreaterThan(0);
  });
});
