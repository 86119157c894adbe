import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFlowerEnv, runServerApp, startPythonSuperNode, startSuperLink, stopAll } from './harness/index.js';
import { expectFedAvg } from './testing/fedavg-check.js';
import { removeClientLogs, requireDist, startNeuriteClient } from './testing/neurite-process.js';

const env = ensureFlowerEnv();
if (!env.ok) console.warn(env.reason);

describe.skipIf(!env.ok)('a mixed federation: Neurite clients and Flower Python SuperNodes in one run', () => {
  afterAll(stopAll, 30_000);

  it('two Neurite and two Python clients complete 2 rounds of FedAvg; the global model is the weighted mean of all four replies', async () => {
    if (!env.ok) return;
    requireDist();
    const recordDir = mkdtempSync(join(tmpdir(), 'neurite-flower-record-'));
    const superlink = await startSuperLink({ bin: env.bin });
    try {
      // Interleaved example counts, so each kind of client's arrays carry a different weight.
      await startPythonSuperNode({ bin: env.bin, fleetAddress: superlink.fleetAddress, nodeConfig: { 'partition-id': 0, 'num-examples': 10 } });
      await startPythonSuperNode({ bin: env.bin, fleetAddress: superlink.fleetAddress, nodeConfig: { 'partition-id': 2, 'num-examples': 30 } });
      const clients = [1, 3].map((p) => startNeuriteClient({ superlink: superlink.fleetAddress, transport: 'http', nodeConfig: { 'partition-id': p, 'num-examples': 10 * (p + 1) } }));
      const run = runServerApp({ superlink, rounds: 2, minClients: 4, evaluate: false, recordDir });
      const globals = await run.done;
      expectFedAvg(recordDir, globals, 2, { clients: 4, neurite: 2 });
      for (const c of clients) expect(c.events().filter((e) => e.type === 'round').map((e) => e.serverRound)).toEqual([1, 2]);
    } finally {
      await stopAll();
      removeClientLogs();
      await superlink.stop();
      rmSync(recordDir, { recursive: true, force: true });
    }
  }, 150_000);
});
