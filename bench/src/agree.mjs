// @ts-check

/**
 * Error of `actual` against `expected`, relative to the largest magnitude in
 * `expected`. Element-wise relative error is meaningless where a result is
 * near zero (matMul of random data has many such entries); scaling by the
 * largest entry keeps the check strict where it matters and stable elsewhere.
 * @param {Float32Array} actual
 * @param {Float32Array} expected
 */
export function maxRelError(actual, expected) {
  if (actual.length !== expected.length) return Infinity;
  let scale = 0;
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]));
    const d = Math.abs(actual[i] - expected[i]);
    // NaN must fail, and `NaN > worst` is false.
    worst = d > worst || Number.isNaN(d) ? d : worst;
  }
  return Number.isNaN(worst) ? Infinity : worst / Math.max(scale, Number.MIN_VALUE);
}

/**
 * maxRelError of each part (gradients of different inputs, the loss and a
 * gradient) against the same part of `expected`, the worst of them: parts of
 * different scales are each held to the tolerance on their own scale.
 * @param {Float32Array | Float32Array[]} actual
 * @param {Float32Array | Float32Array[]} expected
 */
export function maxRelErrorOfParts(actual, expected) {
  const a = Array.isArray(actual) ? actual : [actual];
  const e = Array.isArray(expected) ? expected : [expected];
  if (a.length !== e.length) return Infinity;
  return a.reduce((worst, part, i) => Math.max(worst, maxRelError(part, e[i])), 0);
}
