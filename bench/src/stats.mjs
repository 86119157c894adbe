// @ts-check

/**
 * Quantile with linear interpolation between closest ranks (NumPy's default),
 * so the median of an even count is the mean of the middle two.
 * @param {number[]} sorted ascending
 * @param {number} q in [0, 1]
 */
export function quantile(sorted, q) {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}

/** @param {number[]} samples latencies in ms, any order */
export function summarize(samples) {
  const sorted = [...samples].sort((a, b) => a - b);
  return { samples: sorted.length, median: quantile(sorted, 0.5), p75: quantile(sorted, 0.75), p99: quantile(sorted, 0.99) };
}
