import { ArgumentError } from '@neurite/core';

/**
 * Solves A x = b for a k x k system (row-major, float64) by Gaussian
 * elimination with partial pivoting. Small systems only (one unknown per
 * feature or feature group). A singular system is an error, not a NaN.
 */
export function solve(a: Float64Array, b: Float64Array, k: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  let scale = 0;
  for (const v of m) scale = Math.max(scale, Math.abs(v));
  for (let col = 0; col < k; col++) {
    let pivot = col;
    for (let r = col + 1; r < k; r++) if (Math.abs(m[r * k + col]) > Math.abs(m[pivot * k + col])) pivot = r;
    if (Math.abs(m[pivot * k + col]) <= 1e-13 * Math.max(scale, 1e-300)) {
      throw new ArgumentError('solve: the weighted least-squares system is singular - use more samples, or a ridge penalty (alpha > 0)');
    }
    if (pivot !== col) {
      for (let c = 0; c < k; c++) [m[col * k + c], m[pivot * k + c]] = [m[pivot * k + c], m[col * k + c]];
      [x[col], x[pivot]] = [x[pivot], x[col]];
    }
    for (let r = col + 1; r < k; r++) {
      const f = m[r * k + col] / m[col * k + col];
      if (f === 0) continue;
      for (let c = col; c < k; c++) m[r * k + c] -= f * m[col * k + c];
      x[r] -= f * x[col];
    }
  }
  for (let r = k - 1; r >= 0; r--) {
    let s = x[r];
    for (let c = r + 1; c < k; c++) s -= m[r * k + c] * x[c];
    x[r] = s / m[r * k + r];
  }
  return x;
}

/**
 * Weighted least squares: minimises sum_i w_i (y_i - z_i . beta)^2 + alpha |beta|^2
 * over beta, with z rows of length k. Returns beta.
 */
export function weightedLeastSquares(z: Float64Array, y: Float64Array, w: Float64Array, k: number, alpha = 0): Float64Array {
  const n = y.length;
  const a = new Float64Array(k * k);
  const b = new Float64Array(k);
  for (let i = 0; i < n; i++) {
    const wi = w[i];
    if (wi === 0) continue;
    for (let p = 0; p < k; p++) {
      const zp = z[i * k + p] * wi;
      if (zp === 0) continue;
      b[p] += zp * y[i];
      for (let q = 0; q < k; q++) a[p * k + q] += zp * z[i * k + q];
    }
  }
  for (let p = 0; p < k; p++) a[p * k + p] += alpha;
  return solve(a, b, k);
}
