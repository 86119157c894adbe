import { beforeAll, describe, expect, it } from 'vitest';
import { mean, variance, type Tensor } from '@neurite/core';
import { constant, fans, getInitializer, glorotNormal, glorotUniform, heNormal, heUniform, lecunNormal, lecunUniform, ones, zeros } from './initializers.js';
import { useJs } from './testing/backend.js';

beforeAll(useJs);

const stats = (t: Tensor) => {
  const m = mean(t);
  const v = variance(t);
  const out = { mean: m.dataSync()[0], variance: v.dataSync()[0], max: Math.max(...Array.from(t.dataSync(), Math.abs)) };
  m.dispose();
  v.dispose();
  t.dispose();
  return out;
};

describe('initializers', () => {
  it('fans follow Keras (receptive field folded in above rank 2)', () => {
    expect(fans([3, 5])).toEqual([3, 5]);
    expect(fans([7])).toEqual([7, 7]);
    expect(fans([3, 3, 4, 8])).toEqual([36, 72]);
  });

  it.each([
    ['glorotUniform', glorotUniform, 2 / (200 + 100)],
    ['glorotNormal', glorotNormal, 2 / (200 + 100)],
    ['heNormal', heNormal, 2 / 200],
    ['heUniform', heUniform, 2 / 200],
    ['lecunNormal', lecunNormal, 1 / 200],
    ['lecunUniform', lecunUniform, 1 / 200],
  ] as const)('%s has the variance its rule asks for', (_name, make, want) => {
    const s = stats(make({ seed: 5 }).create([200, 100]));
    expect(Math.abs(s.mean)).toBeLessThan(0.01);
    expect(s.variance / want).toBeGreaterThan(0.93);
    expect(s.variance / want).toBeLessThan(1.07);
  });

  it('uniform variants stay within their limit; truncated normals within 2 sigma', () => {
    expect(stats(glorotUniform({ seed: 1 }).create([50, 50])).max).toBeLessThanOrEqual(Math.sqrt(6 / 100) + 1e-6);
    const sigma = Math.sqrt(2 / 50) / 0.8796256610342398;
    expect(stats(heNormal({ seed: 1 }).create([50, 50])).max).toBeLessThanOrEqual(2 * sigma + 1e-6);
  });

  it('the same seed gives the same values, another seed others', () => {
    const a = glorotUniform({ seed: 9 }).create([4, 4]);
    const b = glorotUniform({ seed: 9 }).create([4, 4]);
    const c = glorotUniform({ seed: 10 }).create([4, 4]);
    expect(Array.from(a.dataSync())).toEqual(Array.from(b.dataSync()));
    expect(Array.from(a.dataSync())).not.toEqual(Array.from(c.dataSync()));
    [a, b, c].forEach((t) => t.dispose());
  });

  it('constants, and names resolve (unknown names are an error)', () => {
    const t = [zeros().create([2]), ones().create([2]), constant(0.5).create([2])];
    expect(t.map((x) => Array.from(x.dataSync()))).toEqual([[0, 0], [1, 1], [0.5, 0.5]]);
    t.forEach((x) => x.dispose());
    expect(getInitializer('heNormal').name).toBe('heNormal');
    expect(() => getInitializer('nope' as never)).toThrow(/unknown initializer 'nope'/);
  });
});
