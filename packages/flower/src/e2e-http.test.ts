import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFlowerEnv, runServerApp, startSuperLink, stopAll } from './harness/index.js';
import { expectFedAvg } from './testing/fedavg-check.js';
import { removeClientLogs, requireDist, startNeuriteClient } from './testing/neurite-process.js';

const env = ensureFlowerEnv();
if (!env.ok) console.warn(env.reason);

describe.skipIf(!env.ok)('Neurite clients in a real Flower federation over the HTTP Fleet API', () => {
  afterAll(stopAll, 30_000);

  it('three Neurite client processes complete 3 rounds of Flower FedAvg; each global model is the example-weighted mean of their replies', async () => {
    if (!env.ok) return;
    requireDist();
    const recordDir = mkdtempSync(join(tmpdir(), 'neurite-flower-record-'));
    const superlink = await startSuperLink({ bin: env.bin });
    try {
      const clients = [0, 1, 2].map((p) => startNeuriteClient({ superlink: superlink.fleetAddress, transport: 'http', nodeConfig: { 'partition-id': p, 'num-examples': 10 * (p + 1) } }));
      const run = runServerApp({ superlink, rounds: 3, minClients: 3, evaluate: false, recordDir });
      const globals = await run.done;
      expectFedAvg(recordDir, globals, 3, { clients: 3, neurite: 3 });
      for (const c of clients) {
        const rounds = c.events().filter((e) => e.type === 'round');
        expect(rounds.map((e) => [e.messageType, e.serverRound])).toEqual([['train', 1], ['train', 2], ['train', 3]]);
        expect(rounds.every((e) => e.error === undefined)).toBe(true);
      }
      console.log('one round, client 0:', JSON.stringify(clients[0]!.events().find((e) => e.type === 'round')));
      // Round wall time as the ServerApp saw it: between the global models it wrote (a report, not an assertion).
      const written = [0, 1, 2, 3].map((r) => statSync(join(run.outDir, `round-${r}`, 'arrays.json')).mtimeMs);
      console.log('round wall times (ms):', written.slice(1).map((t, i) => Math.round(t - written[i]!)).join(', '));
    } finally {
      await stopAll();
      removeClientLogs();
      await superlink.stop();
      rmSync(recordDir, { recursive: true, force: true });
    }
  }, 120_000);
});
