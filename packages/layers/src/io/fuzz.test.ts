/**
 * Loading untrusted files: random damage to a valid model.json (deleted
 * fields, values of the wrong type or absurd size, injected keys) must give a
 * model or a ModelFormatError - never another exception, a hang or a
 * polluted prototype. Deterministic (seeded) so a failure reproduces.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { ModelFormatError, Random } from '@neurite/core';
import { batchNormalization } from '../layers/batch-normalization.js';
import { dense } from '../layers/dense.js';
import { dropout } from '../layers/dropout.js';
import { embedding } from '../layers/embedding.js';
import { flatten } from '../layers/flatten.js';
import { sequential } from '../sequential.js';
import { useJs } from '../testing/backend.js';
import { fromArtifacts, toArtifacts } from './artifacts.js';

type J = null | boolean | number | string | J[] | { [k: string]: J };

const ODD_VALUES: J[] = [null, true, -1, 0, 1.5, 1e300, -1e300, 2 ** 31, 2 ** 53, '', 'x'.repeat(300), '__proto__', [], {}, [1e9, 1e9], { __proto__x: 1 }, [[[[[]]]]]];

/** Every container in the tree with its keys, to pick a mutation site from. */
function sites(v: J, out: { parent: J[] | { [k: string]: J }; key: string | number }[] = []) {
  if (Array.isArray(v)) v.forEach((c, i) => (out.push({ parent: v, key: i }), sites(c, out)));
  else if (v !== null && typeof v === 'object') Object.keys(v).forEach((k) => (out.push({ parent: v, key: k }), sites(v[k], out)));
  return out;
}

beforeAll(useJs);

describe('fuzzing fromArtifacts', () => {
  it('600 damaged model.json files: a model or a ModelFormatError, nothing else', () => {
    const m = sequential([embedding({ inputDim: 7, outputDim: 3, inputShape: [2] }), flatten(), dense({ units: 4, activation: 'relu' }), batchNormalization(), dropout({ rate: 0.1 }), dense({ units: 2 })]);
    const { modelJson, weights } = toArtifacts(m);
    m.dispose();
    const text = JSON.stringify(modelJson);
    const rng = new Random(2024);
    const outcomes = { loaded: 0, rejected: 0 };
    for (let i = 0; i < 600; i++) {
      const json = JSON.parse(text) as J;
      const all = sites(json);
      for (let k = 0; k <= rng.int(3); k++) {
        const site = all[rng.int(all.length)];
        const kind = rng.int(3);
        if (kind === 0 && !Array.isArray(site.parent)) delete (site.parent as Record<string, J>)[site.key as string];
        // An own '__proto__' key (assignment would set the prototype instead), which JSON.stringify writes out.
        else if (kind === 1 && !Array.isArray(site.parent)) Object.defineProperty(site.parent, '__proto__', { value: { polluted: true, units: 5 }, enumerable: true, configurable: true, writable: true });
        else (site.parent as Record<string | number, J>)[site.key] = ODD_VALUES[rng.int(ODD_VALUES.length)];
      }
      let damaged = JSON.stringify(json);
      if (i % 7 === 0) damaged = damaged.replace('{', '{"__proto__":{"polluted":true},');
      try {
        fromArtifacts({ modelJson: damaged, weights }).dispose();
        outcomes.loaded++;
      } catch (e) {
        if (!(e instanceof ModelFormatError)) throw new Error(`mutation ${i} threw ${(e as Error).name}: ${(e as Error).message}\n${damaged}`);
        outcomes.rejected++;
      }
    }
    expect(outcomes.rejected).toBeGreaterThan(300);
    expect(outcomes.loaded).toBeGreaterThan(0); // some damage is harmless (a changed name, a dropped optional field)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('every truncation of model.json text is rejected cleanly', () => {
    const m = sequential([dense({ units: 2, inputShape: [3] })]);
    const { modelJson, weights } = toArtifacts(m);
    m.dispose();
    const text = JSON.stringify(modelJson);
    for (let cut = 0; cut < text.length; cut += 7) {
      expect(() => fromArtifacts({ modelJson: text.slice(0, cut), weights })).toThrow(ModelFormatError);
    }
  });
});
