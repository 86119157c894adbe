import { createJsBackend } from '@neurite/backend-js';
import { beforeAll, describe, expect, it } from 'vitest';
import { fusedMatMul, grad, memory, mul, registerBackend, setBackend, sum, tanh, tensor, withGradientOverrides, type GradientOverrideNode } from './index.js';

beforeAll(async () => {
  registerBackend('js', createJsBackend);
  await setBackend('js');
});

describe('withGradientOverrides', () => {
  it('replaces the backward rule of the named op, per recorded op, and only inside the call', () => {
    const x = tensor([0.5, -1]);
    const f = (t: typeof x) => sum(tanh(tanh(t)));
    const seen: string[] = [];
    // A rule that passes dy straight through: d/dx sum(tanh(tanh(x))) becomes 1 for every element.
    const g = withGradientOverrides({ tanh: (dy, node) => (seen.push(node.name), [mul(dy, 1)]) }, () => grad(f)(x));
    expect(Array.from(g.dataSync())).toEqual([1, 1]);
    expect(seen).toEqual(['tanh', 'tanh']);
    const normal = grad(f)(x);
    const t = Math.tanh(0.5);
    expect(normal.dataSync()[0]).toBeCloseTo((1 - Math.tanh(t) ** 2) * (1 - t * t), 6);
    [x, g, normal].forEach((t) => t.dispose());
  });

  it('falls back to the op gradient when the rule returns undefined, and sees kernel attributes', () => {
    const a = tensor([[1, 2]]);
    const w = tensor([[0.5], [-0.25]]);
    const attrs: unknown[] = [];
    const rule = (_dy: unknown, node: GradientOverrideNode) => {
      attrs.push(node.attrs);
      return undefined;
    };
    const before = memory().numTensors;
    const g = withGradientOverrides({ fusedMatMul: rule }, () => grad((t) => sum(fusedMatMul(t, w, { activation: 'tanh' })))(a));
    const z = 1 * 0.5 + 2 * -0.25;
    const d = 1 - Math.tanh(z) ** 2;
    expect(Array.from(g.dataSync())).toEqual([expect.closeTo(0.5 * d, 6), expect.closeTo(-0.25 * d, 6)]);
    expect(attrs).toEqual([{ transposeA: false, transposeB: false, activation: 'tanh' }]);
    g.dispose();
    expect(memory().numTensors).toBe(before);
    a.dispose();
    w.dispose();
  });

  it('restores the previous rules when fn throws', () => {
    expect(() =>
      withGradientOverrides({ tanh: () => [null] }, () => {
        throw new Error('boom');
      }),
    ).toThrow('boom');
    const x = tensor([0]);
    const g = grad((t) => sum(tanh(t)))(x);
    expect(g.dataSync()[0]).toBe(1);
    x.dispose();
    g.dispose();
  });
});
