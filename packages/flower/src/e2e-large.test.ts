import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFlowerEnv, runServerApp, startSuperLink, stopAll, writeArrayDir, type NamedArray } from './harness/index.js';
import { DEFAULT_CHUNK_SIZE } from './inflatable.js';
import { expectFedAvg } from './testing/fedavg-check.js';
import { removeClientLogs, requireDist, startNeuriteClient } from './testing/neurite-process.js';

const env = ensureFlowerEnv();
if (!env.ok) console.warn(env.reason);

// 22 MB of float32 weights: five 5 MiB ArrayChunks. Varied values, so no two chunks
// are equal and content addressing cannot shrink the transfer.
const ELEMENTS = 5_500_000;

function initialModel(dir: string): void {
  const values = new Float64Array(ELEMENTS);
  let x = 12345;
  for (let i = 0; i < ELEMENTS; i++) {
    x = (Math.imul(x, 1103515245) + 12345) >>> 0;
    values[i] = x / 2 ** 32 - 0.5;
  }
  const arrays = new Map<string, NamedArray>([
    ['big.kernel', { dtype: 'float32', shape: [ELEMENTS / 100, 100], values }],
    ['big.bias', { dtype: 'float32', shape: [100], values: new Float64Array(100) }],
  ]);
  writeArrayDir(dir, arrays);
}

describe.skipIf(!env.ok)('a 22 MB model (several 5 MiB chunks) through a real Flower run', () => {
  afterAll(stopAll, 30_000);

  for (const transport of ['http', 'grpc'] as const) {
    it(`two Neurite clients, 2 rounds of FedAvg over ${transport}`, async () => {
      if (!env.ok) return;
      requireDist();
      expect(ELEMENTS * 4).toBeGreaterThan(4 * DEFAULT_CHUNK_SIZE);
      const work = mkdtempSync(join(tmpdir(), 'neurite-flower-large-'));
      const superlink = await startSuperLink({ bin: env.bin, grpcFleet: transport === 'grpc' });
      try {
        initialModel(join(work, 'init'));
        const address = transport === 'grpc' ? superlink.grpcFleetAddress! : superlink.fleetAddress;
        const clients = [0, 1].map((p) => startNeuriteClient({ superlink: address, transport, nodeConfig: { 'partition-id': p, 'num-examples': 10 * (p + 1) } }));
        const run = runServerApp({ superlink, rounds: 2, minClients: 2, evaluate: false, recordDir: join(work, 'record'), initDir: join(work, 'init') });
        const globals = await run.done;
        expectFedAvg(join(work, 'record'), globals, 2, { clients: 2, neurite: 2 });
        const round = clients[0]!.events().find((e) => e.type === 'round')!;
        // Every chunk came down and went up: more than the model's bytes each way.
        expect(round.bytesIn as number).toBeGreaterThan(ELEMENTS * 4);
        expect(round.bytesOut as number).toBeGreaterThan(ELEMENTS * 4);
        console.log(`22 MB round over ${transport}:`, JSON.stringify(round));
      } finally {
        await stopAll();
      removeClientLogs();
        await superlink.stop();
        rmSync(work, { recursive: true, force: true });
      }
    }, 150_000);
  }
});
