import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureFlowerEnv, runServerApp, startSuperLink, stopAll } from './harness/index.js';
import { expectFedAvg, sentInRound } from './testing/fedavg-check.js';
import { removeClientLogs, requireDist, startNeuriteClient, type NeuriteClient } from './testing/neurite-process.js';
import { startTcpProxy } from './testing/tcp-proxy.js';

const env = ensureFlowerEnv();
if (!env.ok) console.warn(env.reason);

async function until(what: string, check: () => boolean, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const count = (c: NeuriteClient, type: string) => c.events().filter((e) => e.type === type).length;

describe.skipIf(!env.ok)('Neurite clients recover: a restarted SuperLink, a killed client', () => {
  afterAll(stopAll, 30_000);

  it('clients rejoin a SuperLink restarted without its state; a client killed mid-run is replaced and the run completes', async () => {
    if (!env.ok) return;
    requireDist();
    const recordDir = mkdtempSync(join(tmpdir(), 'neurite-flower-record-'));
    const superlink = await startSuperLink({ bin: env.bin });
    try {
      // The shortest heartbeat Flower accepts, so a killed node is declared offline after 20 s.
      const client = (p: number) => startNeuriteClient({ superlink: superlink.fleetAddress, nodeConfig: { 'partition-id': p, 'num-examples': 10 * (p + 1) }, heartbeatInterval: 10, backoff: { initialMs: 200, maxMs: 1000 } });
      const clients = [0, 1, 2].map(client);
      await until('three nodes joined', () => clients.every((c) => count(c, 'connected') === 1));

      // The restarted SuperLink has forgotten every node: each must notice and register again.
      await superlink.restart();
      await until('three nodes joined again', () => clients.every((c) => count(c, 'connected') === 2));
      for (const c of clients) expect(count(c, 'rejoining') + count(c, 'reconnecting')).toBeGreaterThan(0);

      const run = runServerApp({ superlink, rounds: 3, minClients: 3, evaluate: false, recordDir });
      void run.done.catch(() => undefined);
      await until('client 2 answered round 1', () => clients[2]!.events().some((e) => e.type === 'round' && e.serverRound === 1), 90_000);
      clients[2]!.process.child.kill('SIGKILL');
      const replacement = client(2);
      const globals = await run.done;

      // Round 2 went to the dead node (answered by the SuperLink with NODE_UNAVAILABLE once its
      // heartbeats stopped) and, if it had joined by then, to the replacement.
      expectFedAvg(recordDir, globals, 3, { clients: (r) => (r === 2 ? [2, 3] : [3]) });
      expect(replacement.events().some((e) => e.type === 'round' && e.serverRound === 3)).toBe(true);
      expect(sentInRound(recordDir, 3).map((s) => Number(s.info['partition-id'])).sort()).toEqual([0, 1, 2]);
    } finally {
      await stopAll();
      removeClientLogs();
      await superlink.stop();
      rmSync(recordDir, { recursive: true, force: true });
    }
  }, 180_000);

  it('clients ride out the SuperLink being unreachable mid-run (connections cut for 4 s) and the run completes', async () => {
    if (!env.ok) return;
    requireDist();
    const recordDir = mkdtempSync(join(tmpdir(), 'neurite-flower-record-'));
    const superlink = await startSuperLink({ bin: env.bin });
    const proxy = await startTcpProxy(superlink.fleetAddress);
    try {
      const clients = [0, 1, 2].map((p) => startNeuriteClient({ superlink: proxy.address, nodeConfig: { 'partition-id': p, 'num-examples': 10 * (p + 1) }, backoff: { initialMs: 200, maxMs: 1000 } }));
      const run = runServerApp({ superlink, rounds: 3, minClients: 3, evaluate: false, recordDir });
      void run.done.catch(() => undefined);
      await until('client 0 answered round 1', () => clients[0]!.events().some((e) => e.type === 'round' && e.serverRound === 1), 90_000);
      await proxy.cut();
      await new Promise((r) => setTimeout(r, 4000));
      await proxy.restore();
      const globals = await run.done;
      expectFedAvg(recordDir, globals, 3, { clients: 3, neurite: 3 });
      for (const c of clients) {
        expect(count(c, 'reconnecting'), 'each client noticed the outage').toBeGreaterThan(0);
        expect(c.events().filter((e) => e.type === 'round').map((e) => e.serverRound)).toEqual([1, 2, 3]);
      }
    } finally {
      await proxy.close();
      await stopAll();
      removeClientLogs();
      await superlink.stop();
      rmSync(recordDir, { recursive: true, force: true });
    }
  }, 180_000);
});
