/**
 * The worker-thread side of WorkerPool: starts the backend it was told to,
 * can train any of the pool's clients (each is set up on its first call
 * here) and answers requests one at a time. Runs from dist/ (built
 * JavaScript) only.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { registerBackend, setBackend, type Backend } from '@neurite/core';
import { withFaults } from './faulty-client.js';
import { LocalClient } from './local-client.js';
import type { Client, EvaluateRes, FitRes, SecAggReply } from './messages.js';
import { failsIn, type ClientSpec } from './task.js';
import type { Weights } from '../weights.js';
import { buffersOf, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

const port = parentPort!;
const init = workerData as WorkerInit;
const send = (reply: WorkerReply, transfer: ArrayBuffer[] = []) => port.postMessage(reply, transfer);

async function start(): Promise<Map<number, ClientSpec>> {
  const mod = (await import(init.backend.module)) as Record<string, (o?: unknown) => Backend<any> | Promise<Backend<any>>>;
  const factory = mod[init.backend.factory];
  if (typeof factory !== 'function') throw new Error(`backend module '${init.backend.module}' has no export '${init.backend.factory}'`);
  const backend = await factory(init.backend.options);
  registerBackend(init.backend.name, () => backend);
  await setBackend(init.backend.name);
  return new Map(init.clients.map((spec) => [spec.id, spec]));
}

const specs = start();
/** The clients this worker has run so far (they hold no tensors between calls, see LocalClient), with their faults. */
const clients = new Map<number, { client: Client; spec: ClientSpec }>();
/** The latest weights the pool sent (fit and evaluate name the version they start from). */
let weights: { version: number; params: Weights } | undefined;

async function clientFor(id: number): Promise<{ client: Client; spec: ClientSpec }> {
  let entry = clients.get(id);
  if (!entry) {
    const spec = (await specs).get(id);
    if (!spec) throw new Error(`no client ${id} in this pool`);
    entry = { client: withFaults(new LocalClient(spec), spec.behaviour), spec };
    clients.set(id, entry);
  }
  return entry;
}

function weightsOf(version: number): Weights {
  if (weights?.version !== version) throw new Error(`weights version ${version} was not sent to this worker (it holds ${weights?.version ?? 'none'})`);
  return weights.params;
}

specs.then(
  () => send({ kind: 'ready' }),
  (e: unknown) => send({ kind: 'init-failed', message: e instanceof Error ? e.message : String(e) }),
);

// One request at a time, in the order sent: a backend is single-threaded, and new weights
// take effect for the calls sent after them.
let queue: Promise<void> = Promise.resolve();
port.on('message', (req: WorkerRequest) => {
  queue = queue.then(() => {
    if (req.kind === 'weights') weights = { version: req.version, params: req.params };
    else return handle(req);
  });
});

async function handle(req: Exclude<WorkerRequest, { kind: 'weights' }>): Promise<void> {
  try {
    const { client, spec } = await clientFor(req.clientId);
    let result: FitRes | EvaluateRes | SecAggReply;
    const b = spec.behaviour;
    const trainsIn = req.kind === 'fit' ? req.ins.round : req.kind === 'secagg' && req.req.step === 'mask' ? req.req.ins.round : undefined;
    // Faults that only a thread can show: ending mid-round, and a busy loop that never yields.
    if (trainsIn !== undefined && failsIn(b, trainsIn) && b!.kind === 'exit') process.exit(3);
    if (trainsIn !== undefined && failsIn(b, trainsIn) && b!.kind === 'hang') for (;;);
    if (req.kind === 'secagg') {
      result = await client.secAgg!(req.req);
      send({ id: req.id, kind: 'ok', result });
    } else if (req.kind === 'fit') {
      result = await client.fit({ ...req.ins, params: weightsOf(req.weights) });
      const res = result as FitRes;
      send({ id: req.id, kind: 'ok', result }, buffersOf([...(res.params ?? res.update)]));
    } else {
      result = await client.evaluate({ ...req.ins, params: weightsOf(req.weights) });
      send({ id: req.id, kind: 'ok', result });
    }
  } catch (e) {
    send({ id: req.id, kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  }
}
