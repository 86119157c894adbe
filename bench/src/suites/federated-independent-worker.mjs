// @ts-check

/**
 * One thread of the federated suite's `independent` yardstick: it starts
 * its own backend and trains its share of the clients, one after another,
 * whenever it is told to, from the same starting weights each time. Two of
 * these side by side do the pool's work with nothing shared and no server:
 * what the two cores can give this workload at best.
 */
import { parentPort, workerData } from 'node:worker_threads';

/** @type {{ backend: import('@neurite/federated').BackendSpec, clients: import('@neurite/federated').ClientSpec[], params: import('@neurite/federated').NamedArray[] }} */
const { backend, clients, params } = workerData;
const core = await import('@neurite/core');
const fed = await import('@neurite/federated');
const mod = await import(backend.module);
const instance = await mod[backend.factory](backend.options);
core.registerBackend(backend.name, () => instance);
await core.setBackend(backend.name);
const locals = clients.map((spec) => new fed.LocalClient(spec));
const port = /** @type {import('node:worker_threads').MessagePort} */ (parentPort);

port.on('message', async (/** @type {{ seed: number }} */ { seed }) => {
  /** @type {import('@neurite/federated').NamedArray[] | undefined} */
  let first;
  for (const client of locals) {
    const res = await client.fit({ round: 1, params, config: { seed: seed * 1000 + client.id } });
    first ??= [...res.params];
  }
  port.postMessage(first);
});
port.postMessage('ready');
