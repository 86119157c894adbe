import { add, dispose, grads, mul, sum, tensor, type DType, type Tensor } from '../index.js';
import { rngFor, type Case, type CaseEnv } from './case.js';
import { expectValues, type Tolerance } from './compare.js';
import { sampleInputs } from './inputs.js';
import { asList, caseName, type OpSpec } from './op-spec.js';
import { ref, type Ref } from './reference.js';

/**
 * How the numerical gradient is taken and how close the analytic one must be:
 * |numerical - analytic| <= rtol * |analytic| + atol * (1 + sum |y * W|).
 * The loss magnitude sets the absolute part because rounding noise in L,
 * divided by the step, is what limits a central difference.
 */
interface FiniteDifferences {
  readonly dtype: DType;
  readonly eps: number;
  readonly rtol: number;
  readonly atol: number;
}

/**
 * float64: truncation error eps^2 * f''' / 6 is ~1e-11 and rounding noise
 * 1e-16 * |L| / eps ~1e-11 * |L|, so 1e-6 relative is tight yet safe.
 */
const FLOAT64_FD: FiniteDifferences = { dtype: 'float64', eps: 1e-5, rtol: 1e-6, atol: 1e-8 };

/**
 * Fallback for backends without float64. float32 rounding noise in L is
 * ~6e-8 * |L|, divided by the step; a larger step trades it against
 * truncation error (eps^2 * f''' / 6 ~ 4e-6 * f'''). 1e-2 relative still
 * catches a wrong factor or sign but not a subtly wrong gradient.
 */
const FLOAT32_FD: FiniteDifferences = { dtype: 'float32', eps: 5e-3, rtol: 1e-2, atol: 1e-4 };

/**
 * float32 analytic gradients against the float64 ones: the same formulas in
 * two precisions, so they differ by float32 rounding of a few chained ops.
 * The absolute part is relative to the largest gradient element, because
 * cancellation (softmax, variance) makes individual elements tiny.
 */
const FLOAT32_VS_FLOAT64 = { rtol: 1e-4, atolOfMax: 1e-5 };

/**
 * The gradient of L = sum_k sum(y_k * W_k), y = spec.fn(inputs) and W_k fixed
 * random weights, with respect to every float input: `grads()` against
 * central finite differences (float64 when the backend has it), and the
 * float32 analytic gradient against the float64 one.
 */
export function gradientCase(spec: OpSpec): Case {
  const name = caseName(spec, 'gradient');
  return {
    name,
    run: (env: CaseEnv) => {
      const rng = rngFor(name);
      const values = sampleInputs(spec.inputs, rng, spec.distinct);
      const weights = asList(spec.ref(...values)).map((y) =>
        ref(
          y.shape,
          Array.from(y.data, () => Math.fround(rng.next() * 2 - 1)),
        ),
      );
      const wrt = spec.inputs.flatMap((s, i) => (s.dtype === 'int32' ? [] : [i]));
      const fd = env.float64 ? FLOAT64_FD : FLOAT32_FD;
      const analytic = analyticGradients(spec, values, weights, wrt, fd.dtype);
      const { numerical, lossScale } = numericalGradients(spec, values, weights, wrt, fd);
      wrt.forEach((input, k) => {
        const tol: Tolerance = { rtol: fd.rtol, atol: fd.atol * (1 + lossScale) };
        expectValues(`${name}: dL/d(input ${input}) vs ${fd.dtype} finite differences`, analytic[k], numerical[k], tol);
      });
      if (env.float64) {
        const single = analyticGradients(spec, values, weights, wrt, 'float32');
        wrt.forEach((input, k) => {
          const largest = analytic[k].reduce((m, v) => Math.max(m, Math.abs(v)), 0);
          const tol: Tolerance = { rtol: FLOAT32_VS_FLOAT64.rtol, atol: FLOAT32_VS_FLOAT64.atolOfMax * Math.max(1, largest) };
          expectValues(`${name}: float32 dL/d(input ${input}) vs float64`, single[k], analytic[k], tol);
        });
      }
    },
  };
}

function makeInputs(spec: OpSpec, values: readonly Ref[], dtype: DType): Tensor[] {
  return values.map((v, i) => tensor(v.data, v.shape, spec.inputs[i].dtype === 'int32' ? 'int32' : dtype));
}

/** Gradients from `grads()`, checked for shape and dtype, as float64 arrays. */
function analyticGradients(spec: OpSpec, values: readonly Ref[], weights: readonly Ref[], wrt: number[], dtype: DType): Float64Array[] {
  const xs = makeInputs(spec, values, dtype);
  try {
    const loss = (...sources: Tensor[]): Tensor => {
      const all = [...xs];
      wrt.forEach((input, k) => (all[input] = sources[k]));
      const terms = asList(spec.fn(...all)).map((y, k) => sum(mul(y, tensor(weights[k].data, weights[k].shape, y.dtype))));
      return terms.reduce((a, b) => add(a, b));
    };
    const gs = grads(loss)(wrt.map((i) => xs[i]));
    try {
      return gs.map((g, k) => {
        const x = xs[wrt[k]];
        if (g.dtype !== x.dtype || g.shape.join() !== x.shape.join()) {
          throw new Error(
            `${caseName(spec, 'gradient')}: gradient ${k} is [${g.shape}] ${g.dtype} for an input of [${x.shape}] ${x.dtype}`,
          );
        }
        return Float64Array.from(g.dataSync());
      });
    } finally {
      dispose(gs);
    }
  } finally {
    dispose(xs);
  }
}

/**
 * Central differences of L, one element at a time. L is accumulated in JS
 * float64 from the op's outputs, so only the op itself rounds.
 */
function numericalGradients(
  spec: OpSpec,
  values: readonly Ref[],
  weights: readonly Ref[],
  wrt: number[],
  fd: FiniteDifferences,
): { numerical: Float64Array[]; lossScale: number } {
  const round = fd.dtype === 'float32' ? Math.fround : (v: number) => v;
  let lossScale = 0;
  const evaluate = (vals: readonly Ref[]): number => {
    const xs = makeInputs(spec, vals, fd.dtype);
    try {
      const ys = asList(spec.fn(...xs));
      try {
        let loss = 0;
        let scale = 0;
        ys.forEach((y, k) => {
          const data = y.dataSync();
          for (let i = 0; i < data.length; i++) {
            loss += data[i] * weights[k].data[i];
            scale += Math.abs(data[i] * weights[k].data[i]);
          }
        });
        lossScale = Math.max(lossScale, scale);
        return loss;
      } finally {
        dispose(ys);
      }
    } finally {
      dispose(xs);
    }
  };
  const numerical = wrt.map((input) => {
    const x = values[input];
    const out = new Float64Array(x.data.length);
    for (let j = 0; j < x.data.length; j++) {
      const perturbed = (delta: number): [number, number] => {
        const data = Float64Array.from(x.data);
        data[j] = round(x.data[j] + delta);
        const vals = values.map((v, i) => (i === input ? { shape: x.shape, data } : v));
        return [data[j], evaluate(vals)];
      };
      const [xPlus, lossPlus] = perturbed(fd.eps);
      const [xMinus, lossMinus] = perturbed(-fd.eps);
      out[j] = (lossPlus - lossMinus) / (xPlus - xMinus);
    }
    return out;
  });
  return { numerical, lossScale };
}
