import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFlowerEnv, runServerApp, startSuperLink, stopAll } from './harness/index.js';
import { expectFedAvg } from './testing/fedavg-check.js';
import { removeClientLogs, requireDist, startNeuriteClient } from './testing/neurite-process.js';

const env = ensureFlowerEnv();
if (!env.ok) console.warn(env.reason);

describe.skipIf(!env.ok)('Neurite clients in a real Flower federation over the gRPC Fleet API', () => {
  afterAll(stopAll, 30_000);

  it('three Neurite client processes complete 3 rounds of FedAvg (train and evaluate) through the SuperLink gRPC compatibility server', async () => {
    if (!env.ok) return;
    requireDist();
    const recordDir = mkdtempSync(join(tmpdir(), 'neurite-flower-record-'));
    const superlink = await startSuperLink({ bin: env.bin, grpcFleet: true });
    try {
      const clients = [0, 1, 2].map((p) => startNeuriteClient({ superlink: superlink.grpcFleetAddress!, transport: 'grpc', nodeConfig: { 'partition-id': p, 'num-examples': 10 * (p + 1) } }));
      const run = runServerApp({ superlink, rounds: 3, minClients: 3, evaluate: true, recordDir });
      const globals = await run.done;
      expectFedAvg(recordDir, globals, 3, { clients: 3, neurite: 3 });
      for (const c of clients) {
        const events = c.events();
        expect(events.find((e) => e.type === 'connected')).toMatchObject({ transport: 'grpc' });
        const rounds = events.filter((e) => e.type === 'round');
        expect(rounds.map((e) => [e.messageType, e.serverRound])).toEqual([1, 2, 3].flatMap((r) => [['train', r], ['evaluate', r]]));
        expect(rounds.every((e) => e.error === undefined)).toBe(true);
      }
      // A report of one round (train and evaluate) as a client sees it; not an assertion.
      for (const e of clients[0]!.events().filter((e) => e.type === 'round' && e.serverRound === 1)) console.log('round 1 over gRPC:', JSON.stringify(e));
    } finally {
      await stopAll();
      removeClientLogs();
      await superlink.stop();
      rmSync(recordDir, { recursive: true, force: true });
    }
  }, 120_000);
});
