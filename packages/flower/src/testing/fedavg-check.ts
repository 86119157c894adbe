import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { numberedDirs, readArrayDir, type ArrayDir, type GlobalRound } from '../harness/index.js';

/**
 * The end-to-end oracle: each global model the ServerApp wrote equals the
 * example-weighted mean of the arrays the clients recorded sending in that
 * round (recomputed here in float64 from the recorded .npy files; Flower's
 * FedAvg sums in float32, hence the relative tolerance).
 */
export function sentInRound(recordDir: string, round: number): (ArrayDir & { node: string })[] {
  return readdirSync(recordDir)
    .filter((d) => d.startsWith('node-'))
    .flatMap((node) => numberedDirs(join(recordDir, node), 'round-').filter((r) => r.n === round).map((r) => ({ node, ...readArrayDir(r.path) })));
}

/** `clients`: how many replies each round aggregates (a number, or per round the counts allowed when timing decides). */
export function expectFedAvg(recordDir: string, globals: GlobalRound[], rounds: number, options: { clients: number | ((round: number) => number[]); neurite?: number }): void {
  expect(globals.map((g) => g.round)).toEqual([...Array(rounds + 1).keys()]);
  for (let round = 1; round <= rounds; round++) {
    const sent = sentInRound(recordDir, round);
    const allowed = typeof options.clients === 'number' ? [options.clients] : options.clients(round);
    expect(allowed, `round ${round}: ${sent.length} clients recorded a reply`).toContain(sent.length);
    if (options.neurite !== undefined) expect(sent.filter((s) => s.info.client === 'neurite'), `round ${round}: Neurite clients`).toHaveLength(options.neurite);
    const weights = sent.map((s) => Number(s.info['num-examples']));
    const global = globals[round]!.arrays;
    expect([...global.keys()]).toEqual([...sent[0]!.arrays.keys()]);
    for (const [name, aggregated] of global) {
      const values = sent.map((s) => s.arrays.get(name)!.values);
      const expected = weightedMean(values, weights);
      // Guard against a vacuous pass: the weights must matter, i.e. the plain mean differs.
      const plain = weightedMean(values, weights.map(() => 1));
      expect(maxRelDiff(plain, expected), `round ${round} ${name}: weighted and plain means differ`).toBeGreaterThan(1e-4);
      expect(aggregated.dtype).toBe('float32');
      expect(aggregated.shape).toEqual(sent[0]!.arrays.get(name)!.shape);
      expect(maxRelDiff(aggregated.values, expected), `round ${round} ${name}: global vs weighted mean`).toBeLessThan(1e-5);
    }
  }
}

function weightedMean(values: Float64Array[], weights: number[]): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float64Array(values[0]!.length);
  values.forEach((v, k) => v.forEach((x, i) => (out[i]! += (x * weights[k]!) / total)));
  return out;
}

function maxRelDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < b.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
}
