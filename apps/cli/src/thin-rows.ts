/**
 * `--limit` for the federated commands: every k-th MNIST example, spread over
 * the whole set, so a limited run keeps all ten digits whatever the loader's
 * row order (the same rows for `federate` and `flower-client`).
 */
export function thinRows(d: { x: Float32Array; y: Int32Array }, limit: number | undefined): { x: Float32Array; y: Int32Array } {
  if (limit === undefined || limit >= d.y.length) return d;
  const step = d.y.length / limit;
  const x = new Float32Array(limit * 784);
  const y = new Int32Array(limit);
  for (let i = 0; i < limit; i++) {
    const r = Math.floor(i * step);
    x.set(d.x.subarray(r * 784, (r + 1) * 784), i * 784);
    y[i] = d.y[r];
  }
  return { x, y };
}
