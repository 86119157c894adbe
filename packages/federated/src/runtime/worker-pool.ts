import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { ArgumentError } from '@neurite/core';
import { cloneWeights, sameWeights, type Weights } from '../weights.js';
import type { Client, EvaluateIns, EvaluateRes, FitIns, FitRes, SecAggReply, SecAggRequest } from './messages.js';
import { checkSpec, type ClientSpec } from './task.js';
import { buffersOf, type BackendSpec, type WorkerInit, type WorkerReply, type WorkerRequest } from './worker-protocol.js';

export interface WorkerPoolOptions {
  /** Number of worker threads. Every worker can train every client; each call goes to the first free one. */
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
type Answer = FitRes | EvaluateRes | SecAggReply;

/**
 * One call waiting for a worker. Fit and evaluate carry their weights
 * separately (`weights`), so a worker receives each version of the global
 * weights once instead of once per client. A call pinned to a slot
 * (secure aggregation keeps per-client keys inside one worker) waits for
 * that slot.
 */
interface Task {
  clientId: number;
  request: DistributiveOmit<Exclude<WorkerRequest, { kind: 'weights' }>, 'id' | 'weights'>;
  weights?: Weights;
  transfer: ArrayBuffer[];
  pinned?: WorkerSlot;
  resolve(v: Answer): void;
  reject(e: Error): void;
}

/**
 * One worker thread, running at most one call at a time (so a call that
 * hangs holds up only itself); restarted on the next call after it died
 * or was terminated.
 */
class WorkerSlot {
  private worker: Worker | undefined;
  private ready: Promise<void> | undefined;
  /** The call in flight, if any, and the id it was sent with. */
  running: Task | undefined;
  private runningId = 0;
  private nextId = 1;
  /** The weights this worker holds (a private copy to compare against) and their version number. */
  private held: { weights: Weights; version: number } | undefined;
  private nextVersion = 1;

  constructor(
    private readonly url: URL,
    private readonly init: WorkerInit,
    /** Told when the slot is free again, after a call settled or the worker went away. */
    private readonly onFree: () => void,
  ) {}

  private start(): Promise<void> {
    if (this.ready) return this.ready;
    const worker = new Worker(this.url, { workerData: this.init });
    this.worker = worker;
    this.ready = new Promise<void>((resolve, reject) => {
      worker.on('message', (m: WorkerReply) => {
        if (m.kind === 'ready') return resolve();
        if (m.kind === 'init-failed') {
          const why = `worker could not start: ${m.message}`;
          reject(new Error(why));
          // The call waiting on this start fails with the reason, then the thread is ended.
          this.detach(worker, why);
          return void worker.terminate();
        }
        // A late answer from a worker that was terminated, or to a call that was given up, belongs to no one now.
        const task = this.running;
        if (!task || this.worker !== worker || m.id !== this.runningId) return;
        this.running = undefined;
        // Hand this worker its next call before the answer is processed, so it does not wait on this thread.
        this.onFree();
        if (m.kind === 'ok') task.resolve(m.result);
        else task.reject(new Error(m.message));
      });
      const fail = (why: string) => {
        reject(new Error(why));
        this.detach(worker, why);
      };
      worker.on('error', (e) => fail(`worker failed: ${e.message}`));
      worker.on('exit', (code) => fail(`worker exited with code ${code}`));
    });
    // A start that fails is reported through the call waiting on it.
    this.ready.catch(() => {});
    return this.ready;
  }

  /** Sends a task to this (free) slot's worker, starting the worker first if needed. */
  run(task: Task): void {
    this.running = task;
    void this.send(task).catch((e: unknown) => this.settleRunning(task, e instanceof Error ? e : new Error(String(e))));
  }

  private async send(task: Task): Promise<void> {
    await this.start();
    const worker = this.worker;
    if (!worker || this.running !== task) throw new Error('worker terminated before the call was sent');
    let version: number | undefined;
    if (task.weights) {
      if (!this.held || !sameWeights(this.held.weights, task.weights)) {
        // A private copy to compare later calls against: the caller may reuse its arrays.
        this.held = { weights: cloneWeights(task.weights), version: this.nextVersion++ };
        worker.postMessage({ kind: 'weights', version: this.held.version, params: this.held.weights } satisfies WorkerRequest);
      }
      version = this.held.version;
    }
    this.runningId = this.nextId++;
    worker.postMessage({ ...task.request, id: this.runningId, ...(version !== undefined ? { weights: version } : {}) } as WorkerRequest, task.transfer);
  }

  private settleRunning(task: Task, error: Error): void {
    if (this.running !== task) return;
    this.running = undefined;
    task.reject(error);
    this.onFree();
  }

  /** Forgets a worker that died or is being ended: its call fails, and the next call starts a fresh one. */
  private detach(worker: Worker, why: string): void {
    if (this.worker !== worker) return;
    this.worker = undefined;
    this.ready = undefined;
    this.held = undefined;
    if (this.running) this.settleRunning(this.running, new Error(why));
  }

  /** Ends the thread (a stuck client cannot be interrupted otherwise); the next call starts a fresh one. */
  async terminate(): Promise<void> {
    const w = this.worker;
    if (!w) return;
    this.detach(w, 'worker terminated');
    await w.terminate();
  }
}

/** Fresh copies of the weights, so the caller's arrays survive being transferred. */
function copyParams<T extends { params: FitIns['params'] }>(ins: T): T {
  return { ...ins, params: cloneWeights(ins.params) };
}

/**
 * The clients' data in shared memory: every worker sees the same bytes
 * instead of a copy each (a worker can train any client).
 */
function shareData(spec: ClientSpec): ClientSpec {
  const x = new Float32Array(new SharedArrayBuffer(spec.data.x.byteLength));
  const y = new Int32Array(new SharedArrayBuffer(spec.data.y.byteLength));
  x.set(spec.data.x);
  y.set(spec.data.y);
  return { ...spec, data: { x, y } };
}

/**
 * Clients on worker threads: real parallelism, one backend per thread.
 * Every worker gets every client's data once, at start, in shared memory;
 * a call goes to whichever worker is free, so the threads stay busy even
 * when one of them shares its core with this thread or is slowed down.
 * Each worker receives each new version of the weights once. A worker
 * that dies or is terminated fails the one call it was running and is
 * restarted for the next; the other calls go on. Secure aggregation keeps
 * a client's keys in one worker, so its steps go to the client's home
 * worker (dealt round-robin).
 */
export class WorkerPool {
  private readonly slots: WorkerSlot[];
  private readonly queue: Task[] = [];
  /** One Client per spec, in the order given. */
  readonly clients: WorkerClient[];

  /** @deprecated The former name of `clients`. */
  get proxies(): WorkerClient[] {
    return this.clients;
  }

  constructor(specs: readonly ClientSpec[], options: WorkerPoolOptions) {
    const n = options.workers;
    if (!Number.isInteger(n) || n < 1) throw new ArgumentError(`WorkerPool: workers must be an integer >= 1, got ${n}`);
    for (const s of specs) checkSpec(s);
    const url = options.workerUrl ?? defaultWorkerUrl();
    const init: WorkerInit = { backend: options.backend, clients: specs.map(shareData) };
    this.slots = Array.from({ length: Math.min(n, specs.length) }, () => new WorkerSlot(url, init, () => this.dispatch()));
    this.clients = specs.map((s, i) => this.client(s.id, this.slots[i % this.slots.length]));
  }

  /** Gives every free worker the oldest call it may run. */
  private dispatch(): void {
    for (const slot of this.slots) {
      if (slot.running) continue;
      const k = this.queue.findIndex((t) => !t.pinned || t.pinned === slot);
      if (k < 0) continue;
      const [task] = this.queue.splice(k, 1);
      slot.run(task);
    }
  }

  private submit(task: Omit<Task, 'resolve' | 'reject'>): Promise<Answer> {
    return new Promise((resolve, reject) => {
      this.queue.push({ ...task, resolve, reject });
      this.dispatch();
    });
  }

  /** The server gave up on this client's call: drop it if it is still queued, end its worker if it is running. */
  private abandon(clientId: number): void {
    for (let k = this.queue.length - 1; k >= 0; k--) {
      if (this.queue[k].clientId !== clientId) continue;
      const [task] = this.queue.splice(k, 1);
      task.reject(new Error('abandoned before it ran'));
    }
    for (const slot of this.slots) if (slot.running?.clientId === clientId) void slot.terminate();
  }

  /** What a WorkerClient needs of its pool. */
  private readonly port: PoolPort = { submit: (task) => this.submit(task), abandon: (id) => this.abandon(id) };

  private client(id: number, home: WorkerSlot): WorkerClient {
    return new WorkerClient(id, this.port, home);
  }

  async close(): Promise<void> {
    for (const task of this.queue.splice(0)) task.reject(new Error('the worker pool was closed'));
    await Promise.all(this.slots.map((s) => s.terminate()));
  }
}

interface PoolPort {
  submit(task: Omit<Task, 'resolve' | 'reject'>): Promise<Answer>;
  abandon(clientId: number): void;
}

/**
 * A client trained on a WorkerPool's threads: the Client the server sees.
 * Fit and evaluate go to whichever worker is free; the weights are copied
 * once per worker, when that worker first needs them (see WorkerSlot.send).
 * Secure aggregation steps go to the client's home worker, which keeps its
 * keys.
 */
export class WorkerClient implements Client {
  constructor(
    readonly id: number,
    private readonly pool: PoolPort,
    private readonly home: WorkerSlot,
  ) {}

  async fit({ params, ...rest }: FitIns): Promise<FitRes> {
    return (await this.pool.submit({ clientId: this.id, request: { kind: 'fit', clientId: this.id, ins: rest }, weights: params, transfer: [] })) as FitRes;
  }

  async evaluate({ params, ...rest }: EvaluateIns): Promise<EvaluateRes> {
    return (await this.pool.submit({ clientId: this.id, request: { kind: 'evaluate', clientId: this.id, ins: rest }, weights: params, transfer: [] })) as EvaluateRes;
  }

  async secAgg(req: SecAggRequest): Promise<SecAggReply> {
    const copy = req.step === 'mask' ? { ...req, ins: copyParams(req.ins) } : req;
    const transfer = copy.step === 'mask' ? buffersOf([...copy.ins.params]) : [];
    return (await this.pool.submit({ clientId: this.id, request: { kind: 'secagg', clientId: this.id, req: copy }, transfer, pinned: this.home })) as SecAggReply;
  }

  abandon(): void {
    this.pool.abandon(this.id);
  }
}
