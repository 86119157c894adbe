import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ArgumentError } from '@neurite/core';
import type { ClientProxy, EvaluateIns, EvaluateRes, FitIns, FitRes, SecAggReply, SecAggRequest } from './messages.js';
import { checkSpec, type ClientSpec } from './task.js';
import { buffersOf, type BackendSpec, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** Number of worker threads; clients are dealt to them round-robin. */
  workers: number;
  backend: BackendSpec;
  /** The worker script; default: dist/runtime/worker-entry.js of this package (also when running from src/ under vitest). */
  workerUrl?: URL;
}

/**
 * Where the worker script is. Built code finds it beside itself. Source code
 * run by vitest (a .ts file) cannot be a worker under Node 20, so it points
 * at the package's built dist/ instead: build the package before running
 * the worker tests (`npm run build -w @neurite/federated`; CI's `npm test`
 * builds first).
 */
export function defaultWorkerUrl(): URL {
  const here = import.meta.url;
  const url = here.endsWith('.ts') ? new URL('../../dist/runtime/worker-entry.js', here) : new URL('./worker-entry.js', here);
  if (!existsSync(fileURLToPath(url))) {
    throw new ArgumentError(`WorkerPool: the worker script ${fileURLToPath(url)} does not exist - build the package first (npm run build -w @neurite/federated)`);
  }
  return url;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

interface Pending {
  resolve(v: FitRes | EvaluateRes | SecAggReply): void;
  reject(e: Error): void;
}

/** One worker thread and the clients it hosts; restarted on the next call after it died or was terminated. */
class WorkerSlot {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  private pending = new Map<number, Pending>();
  private nextId = 1;

  constructor(
    private readonly url: URL,
    private readonly init: WorkerInit,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(this.url, { workerData: this.init });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerReply) => {
        if (m.kind === 'ready') return resolve();
        if (m.kind === 'init-failed') {
          reject(new Error(`worker could not start: ${m.message}`));
          return void this.terminate();
        }
        const p = this.pending.get(m.id);
        if (!p) return;
        this.pending.delete(m.id);
        if (m.kind === 'ok') p.resolve(m.result);
        else p.reject(new Error(m.message));
      });
      const fail = (why: string) => {
        reject(new Error(why));
        this.detach(worker, why);
      };
      worker.on('error', (e) => fail(`worker failed: ${e.message}`));
      worker.on('exit', (code) => fail(`worker exited with code ${code}`));
    });
    // A start that fails is reported through the calls waiting on it.
    this.ready.catch(() => {});
    return this.ready;
  }

  async call(req: DistributiveOmit<WorkerRequest, 'id'>, transfer: ArrayBuffer[]): Promise<FitRes | EvaluateRes | SecAggReply> {
    await this.start();
    const worker = this.worker;
    if (!worker) throw new Error('worker terminated before the call was sent');
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      worker.postMessage({ ...req, id } as WorkerRequest, transfer);
    });
  }

  /** Forgets a worker that died or is being ended: its pending calls fail, and the next call starts a fresh one. */
  private detach(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    for (const p of this.pending.values()) p.reject(new Error(why));
    this.pending.clear();
  }

  /** Ends the thread (a stuck client cannot be interrupted otherwise); the next call starts a fresh one at once. */
  async terminate(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.detach(w, 'worker terminated');
    await w.terminate();
  }
}

/** Fresh copies of the weights, so the caller's arrays survive being transferred. */
function copyParams<T extends { params: FitIns['params'] }>(ins: T): T {
  return { ...ins, params: ins.params.map((a) => ({ name: a.name, shape: [...a.shape], values: a.values.slice() })) };
}

/**
 * Clients on worker threads: real parallelism, one backend per thread.
 * Each worker gets its clients' data once, at start; each call sends the
 * weights as transferred ArrayBuffers. A worker that dies or is terminated
 * fails its pending calls and is restarted on the next one.
 */
export class WorkerPool {
  private readonly slots: WorkerSlot[];
  private readonly slotOf = new Map<number, WorkerSlot>();
  readonly proxies: ClientProxy[];

  constructor(specs: readonly ClientSpec[], options: WorkerPoolOptions) {
    const n = options.workers;
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`WorkerPool: workers must be an integer >= 1, got ${n}`);
    for (const s of specs) checkSpec(s);
    const url = options.workerUrl ?? defaultWorkerUrl();
    const groups: ClientSpec[][] = Array.from({ length: Math.min(n, specs.length) }, () => []);
    specs.forEach((s, i) => groups[i % groups.length].push(s));
    this.slots = groups.map((clients) => new WorkerSlot(url, { backend: options.backend, clients }));
    groups.forEach((g, k) => g.forEach((s) => this.slotOf.set(s.id, this.slots[k])));
    this.proxies = specs.map((s) => this.proxy(s.id));
  }

  private proxy(id: number): ClientProxy {
    const slot = this.slotOf.get(id)!;
    return {
      id,
      fit: async (ins: FitIns) => {
        const copy = copyParams(ins);
        return (await slot.call({ kind: 'fit', clientId: id, ins: copy }, buffersOf([...copy.params]))) as FitRes;
      },
      evaluate: async (ins: EvaluateIns) => {
        const copy = copyParams(ins);
        return (await slot.call({ kind: 'evaluate', clientId: id, ins: copy }, buffersOf([...copy.params]))) as EvaluateRes;
      },
      secAgg: async (req: SecAggRequest) => {
        const copy = req.step === 'mask' ? { ...req, ins: copyParams(req.ins) } : req;
        return (await slot.call({ kind: 'secagg', clientId: id, req: copy }, copy.step === 'mask' ? buffersOf([...copy.ins.params]) : [])) as SecAggReply;
      },
      abandon: () => void slot.terminate(),
    };
  }

  async close(): Promise<void> {
    await Promise.all(this.slots.map((s) => s.terminate()));
  }
}
