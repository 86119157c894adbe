import { dispose, tensor } from '../index.js';
import type { Case } from './case.js';
import { rngFor } from './case.js';
import { FLOAT32, expectTensor } from './compare.js';
import { gradientCase } from './finite-differences.js';
import { sampleInputs } from './inputs.js';
import { asList, caseName, inputDType, resultDType, type OpSpec } from './op-spec.js';

/** Forward values of `spec.fn` against its float64 reference on seeded inputs. */
export function forwardCase(spec: OpSpec): Case {
  const name = caseName(spec, 'forward');
  return {
    name,
    run: () => {
      const values = sampleInputs(spec.inputs, rngFor(name), spec.distinct);
      const xs = values.map((v, i) => tensor(v.data, v.shape, inputDType(spec.inputs[i])));
      try {
        const out = asList(spec.fn(...xs));
        try {
          const expected = asList(spec.ref(...values));
          const scales = spec.scale ? asList(spec.scale(...values)) : [];
          if (out.length !== expected.length) throw new Error(`${name}: ${out.length} outputs, expected ${expected.length}`);
          out.forEach((y, k) =>
            expectTensor(out.length > 1 ? `${name} (output ${k})` : name, y, expected[k], {
              dtype: resultDType(spec),
              tol: spec.tol ?? FLOAT32,
              scale: scales[k],
            }),
          );
        } finally {
          dispose(out);
        }
      } finally {
        dispose(xs);
      }
    },
  };
}

/** The forward case and, unless `grad: false`, the gradient case of a spec. */
export function opCases(...specs: OpSpec[]): Case[] {
  return specs.flatMap((spec) => (spec.grad === false ? [forwardCase(spec)] : [forwardCase(spec), gradientCase(spec)]));
}
