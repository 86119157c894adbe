/**
 * The worker-thread side of WorkerPool: starts the backend it was told to,
 * hosts its share of the clients and answers fit and evaluate requests one
 * at a time. Runs from dist/ (built JavaScript) only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { registerBackend, setBackend, type Backend } from '@neurite/core';
import { LocalClient } from './local-client.js';
import type { EvaluateRes, FitRes, SecAggReply } from './messages.js';
import { failsIn } from './task.js';
import { buffersOf, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function start(): Promise<Map<number, LocalClient>> {
  const mod = (await import(init.backend.module)) as Record<string, (o?: unknown) => Backend<any> | Promise<Backend<any>>>;
  const factory = mod[init.backend.factory];
  if (typeof factory !== 'function') throw new Error(`backend module '${init.backend.module}' has no export '${init.backend.factory}'`);
  const backend = await factory(init.backend.options);
  registerBackend(init.backend.name, () => backend);
  await setBackend(init.backend.name);
  return new Map(init.clients.map((spec) => [spec.id, new LocalClient(spec)]));
}

const clients = start();
clients.then(
  () => send({ kind: 'ready' }),
  (e: unknown) => send({ kind: 'init-failed', message: e instanceof Error ? e.message : String(e) }),
);

// One request at a time: a backend is single-threaded, and answers come back in order.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  queue = queue.then(() => handle(req));
});

async function handle(req: WorkerRequest): Promise<void> {
  try {
    const client = (await clients).get(req.clientId);
    if (!client) throw new Error(`no client ${req.clientId} in this worker`);
    let result: FitRes | EvaluateRes | SecAggReply;
    const b = client.spec.behaviour;
    const trainsIn = req.kind === 'fit' ? req.ins.round : req.kind === 'secagg' && req.req.step === 'mask' ? req.req.ins.round : undefined;
    // Faults that only a thread can show: ending mid-round, and a busy loop that never yields.
    if (trainsIn !== undefined && failsIn(b, trainsIn) && b!.kind === 'exit') process.exit(3);
    if (trainsIn !== undefined && failsIn(b, trainsIn) && b!.kind === 'hang') for (;;);
    if (req.kind === 'secagg') {
      result = await client.secAgg(req.req);
      send({ id: req.id, kind: 'ok', result });
    } else if (req.kind === 'fit') {
      result = await client.fit(req.ins);
      send({ id: req.id, kind: 'ok', result }, buffersOf([...(result as FitRes).params]));
    } else {
      result = await client.evaluate(req.ins);
      send({ id: req.id, kind: 'ok', result });
    }
  } catch (e) {
    send({ id: req.id, kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}
