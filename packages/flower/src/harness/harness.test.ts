import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFlowerEnv, readArrayDir, runServerApp, startPythonSuperNode, startSuperLink, stopAll } from './index.js';

const env = ensureFlowerEnv();
// Not silent: without Python the reason (what to install) is printed once.
if (!env.ok) console.warn(env.reason);

describe.skipIf(!env.ok)('Flower harness (real SuperLink, ServerApp and Python SuperNodes)', () => {
  afterAll(stopAll, 30_000);

  it('runs 2 rounds of Flower FedAvg and each global model is the example-weighted mean of what the clients sent', async () => {
    if (!env.ok) return;
    const recordDir = mkdtempSync(join(tmpdir(), 'neurite-flower-record-'));
    const superlink = await startSuperLink({ bin: env.bin });
    try {
      // Unequal example counts, so a plain mean would not pass for the weighted one.
      await startPythonSuperNode({ bin: env.bin, fleetAddress: superlink.fleetAddress, nodeConfig: { 'partition-id': 0, 'num-examples': 10 } });
      await startPythonSuperNode({ bin: env.bin, fleetAddress: superlink.fleetAddress, nodeConfig: { 'partition-id': 1, 'num-examples': 30 } });
      const run = runServerApp({ superlink, rounds: 2, minClients: 2, evaluate: false, recordDir });
      const globals = await run.done;

      expect(globals.map((g) => g.round)).toEqual([0, 1, 2]);
      const nodes = readdirSync(recordDir).filter((d) => d.startsWith('node-')).map((d) => join(recordDir, d));
      expect(nodes).toHaveLength(2);
      for (const round of [1, 2]) {
        const sent = nodes.map((node) => readArrayDir(join(node, `round-${round}`)));
        const weights = sent.map((s) => Number(s.info['num-examples']));
        expect([...weights].sort((a, b) => a - b)).toEqual([10, 30]);
        // The two clients sent different arrays, so the weights matter to the mean.
        expect(maxAbsDiff(sent[0]!.arrays.get('dense.bias')!.values, sent[1]!.arrays.get('dense.bias')!.values)).toBeGreaterThan(0.01);
        const global = globals[round]!.arrays;
        expect([...global.keys()]).toEqual([...sent[0]!.arrays.keys()]);
        for (const [name, aggregated] of global) {
          const expected = weightedMean(sent.map((s) => s.arrays.get(name)!.values), weights);
          expect(aggregated.dtype).toBe('float32');
          expect(aggregated.shape).toEqual(sent[0]!.arrays.get(name)!.shape);
          for (let i = 0; i < expected.length; i++) expect(aggregated.values[i]).toBeCloseTo(expected[i]!, 5);
        }
        // The clients really trained on the global model they were sent.
        expect(maxAbsDiff(global.get('dense.bias')!.values, globals[round - 1]!.arrays.get('dense.bias')!.values)).toBeGreaterThan(0.01);
      }
    } finally {
      await superlink.stop();
      rmSync(recordDir, { recursive: true, force: true });
    }
  }, 120_000);
});

function weightedMean(values: Float64Array[], weights: number[]): Float64Array {
  const total = weights.reduce((a, b) => a + b, 0);
  const out = new Float64Array(values[0]!.length);
  values.forEach((v, k) => v.forEach((x, i) => (out[i]! += (x * weights[k]!) / total)));
  return out;
}

function maxAbsDiff(a: Float64Array, b: Float64Array): number {
  return a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);
}
