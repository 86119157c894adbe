import { BackendError } from '@neurite/core';
import type { WasmExports } from './heap.js';

/*
 * Threads for the threaded build (neurite-simd-threads.wasm): one instance of
 * the module per worker over the same shared memory. Only the main instance
 * allocates (the allocator's state is in its own globals); a worker only runs
 * `matMulRows` or `matMulShared` on pointers the main thread wrote into its
 * control slot. A thread that traps inside `matMulShared` (only bad pointers
 * can make it, which core's checks rule out) releases the others from its
 * barriers (abortShared), so the call fails instead of hanging. Jobs
 * are posted and awaited with Atomics on that slot: kernels are synchronous,
 * so a message round trip through the event loop would be the wrong tool.
 */

/**
 * Multiply-adds (batch*m*n*k, or a convolution's output pixels * taps *
 * output channels) from which a float32 matMul or convolution is split across
 * threads; below it, waking and awaiting the workers (~20 µs awake, more
 * when they slept between a training step's ops) costs about what they save
 * (measured: see README, "Threads"). 2^23, about 203^3.
 */
export const THREADS_MIN_WORK = 2 ** 23;

/** Int32 fields per worker slot; 128 bytes so two slots never share a cache line. */
const SLOT_INTS = 32;
const SEQ = 0; // main bumps it to post a job, -1 asks the worker to quit
const DONE = 1; // the worker copies SEQ here when the job is finished
const FAILED = 2; // 1 when the job threw (a trap): main raises a BackendError
const ARGS = 3; // the job: its kind (a Job index), then that kernel's arguments

/** The kernels a worker runs, by the index a job starts with. */
export const Job = { rows: 0, shared: 1, convImages: 2, convFilterGrad: 3 } as const;
/** Arguments of each kind of job, after the kind. */
const ARITY = [15, 17, 8, 8];
/** Position of `sync` among a shared job's arguments, and the byte offsets of its fields (assembly/kernels/matmul-threads.ts). */
const SYNC_ARG = 11;
const SYNC_GENERATION = 8;
const SYNC_ABORTED = 12;

/**
 * Releases the threads of a shared matMul from its barriers for good (see
 * assembly/kernels/matmul-threads.ts), when one of them trapped. The workers
 * run the same steps, written out in WORKER_SOURCE. `sync` is a byte offset,
 * signed in a worker (it comes from the Int32Array control slot): `>>> 2`
 * turns either form into the right index, where `>> 2` breaks from 2 GiB up.
 */
function abortShared(buffer: ArrayBufferLike, sync: number): void {
  const i32 = new Int32Array(buffer);
  Atomics.store(i32, (sync + SYNC_ABORTED) >>> 2, 1);
  Atomics.add(i32, (sync + SYNC_GENERATION) >>> 2, 1);
  Atomics.notify(i32, (sync + SYNC_GENERATION) >>> 2);
}

/**
 * The worker's whole program, as source text so it needs no separate file:
 * Node runs it with `eval: true`, browsers from a Blob URL. It waits on its
 * slot, runs the job, stores DONE and notifies, until SEQ is -1.
 */
const WORKER_SOURCE = `
const SLOT_INTS = ${SLOT_INTS}, SEQ = ${SEQ}, DONE = ${DONE}, FAILED = ${FAILED}, ARGS = ${ARGS};
const ARITY = ${JSON.stringify(ARITY)};
const SHARED = ${Job.shared}, SYNC_ARG = ${SYNC_ARG};
function abortShared(buffer, sync) {
  const i32 = new Int32Array(buffer);
  Atomics.store(i32, (sync + ${SYNC_ABORTED}) >>> 2, 1);
  Atomics.add(i32, (sync + ${SYNC_GENERATION}) >>> 2, 1);
  Atomics.notify(i32, (sync + ${SYNC_GENERATION}) >>> 2);
}
function start(data, post) {
  const { module, memory, control, slot } = data;
  const instance = new WebAssembly.Instance(module, {
    env: { memory, abort() { throw new Error('wasm abort'); } },
  });
  const e = instance.exports;
  const kernels = [e.matMulRows, e.matMulShared, e.conv2dImages, e.conv2dFilterGrad];
  const ctl = new Int32Array(memory.buffer, control + slot * SLOT_INTS * 4, SLOT_INTS);
  post('ready');
  let seen = 0;
  for (;;) {
    Atomics.wait(ctl, SEQ, seen);
    const seq = Atomics.load(ctl, SEQ);
    if (seq === seen) continue;
    if (seq < 0) return;
    seen = seq;
    const kind = ctl[ARGS];
    try {
      kernels[kind](...ctl.subarray(ARGS + 1, ARGS + 1 + ARITY[kind]));
      ctl[FAILED] = 0;
    } catch {
      ctl[FAILED] = 1;
      // The other threads of a shared matMul would wait for this one at their next barrier.
      if (kind === SHARED) abortShared(memory.buffer, ctl[ARGS + 1 + SYNC_ARG]);
    }
    Atomics.store(ctl, DONE, seq);
    Atomics.notify(ctl, DONE);
  }
}
if (typeof self === 'undefined') {
  // import(), not require: the source runs as an ES module when the parent was started with
  // --input-type=module (workers inherit it). The port holds the start message until it is listened to.
  import('node:worker_threads').then(({ parentPort }) => parentPort.once('message', (data) => start(data, (m) => parentPort.postMessage(m))));
} else {
  self.onmessage = (event) => { self.onmessage = null; start(event.data, (m) => self.postMessage(m)); };
}
`;

/** What both worker kinds share: post the start message, hear 'ready' or an error, end. */
interface ThreadHandle {
  ready: Promise<void>;
  /** Settles when the worker has ended. */
  exited: Promise<void>;
  terminate(): void;
}

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function spawnNode(init: unknown): Promise<ThreadHandle> {
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(WORKER_SOURCE, { eval: true, name: 'neurite-wasm' });
  const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
  const ready = new Promise<void>((resolve, reject) => {
    worker.once('message', () => resolve());
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`worker exited with code ${code} before it was ready`)));
  });
  worker.postMessage(init);
  // Referenced until ready (so a pending start keeps the process up), then never again: idle workers must not keep Node alive.
  void ready.then(() => worker.unref(), () => undefined);
  return { ready, exited, terminate: () => void worker.terminate() };
}

function spawnBrowser(init: unknown): ThreadHandle {
  const url = URL.createObjectURL(new Blob([WORKER_SOURCE], { type: 'text/javascript' }));
  const worker = new Worker(url, { name: 'neurite-wasm' });
  URL.revokeObjectURL(url);
  const ready = new Promise<void>((resolve, reject) => {
    worker.onmessage = () => resolve();
    worker.onerror = (event) => reject(new Error(event.message));
  });
  worker.postMessage(init);
  return { ready, exited: Promise.resolve(), terminate: () => worker.terminate() };
}

/** Why threads cannot run here, or null when they can. */
export function threadsUnavailable(): string | null {
  if (typeof SharedArrayBuffer === 'undefined') {
    return 'SharedArrayBuffer is unavailable (in browsers the page must be cross-origin isolated: COOP/COEP headers)';
  }
  if (!isNode) {
    if (typeof Worker === 'undefined') return 'Web Workers are unavailable';
    if ((globalThis as { crossOriginIsolated?: boolean }).crossOriginIsolated === false) return 'the page is not cross-origin isolated (COOP/COEP headers)';
  }
  return null;
}

/** Whether this thread may block in Atomics.wait (not a browser's main thread). */
function canBlock(): boolean {
  try {
    Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 1, 0);
    return true;
  } catch {
    return false;
  }
}

export class ThreadPool {
  private seq = 0;
  private closed = false;
  private readonly block = canBlock();

  private constructor(
    private readonly exports: WasmExports,
    private readonly control: Int32Array,
    private readonly controlPtr: number,
    private readonly handles: ThreadHandle[],
  ) {}

  /** Starts `workers` workers, each instantiating `module` over `memory`; resolves when all are ready. */
  static async create(workers: number, module: WebAssembly.Module, memory: WebAssembly.Memory, exports: WasmExports): Promise<ThreadPool> {
    const controlPtr = exports.alloc(workers * SLOT_INTS * 4);
    if (controlPtr === 0) throw new BackendError('wasm: out of memory allocating the threads control block');
    new Int32Array(memory.buffer, controlPtr, workers * SLOT_INTS).fill(0);
    const control = new Int32Array(memory.buffer, controlPtr, workers * SLOT_INTS);
    const handles: ThreadHandle[] = [];
    try {
      for (let slot = 0; slot < workers; slot++) {
        const init = { module, memory, control: controlPtr, slot };
        handles.push(isNode ? await spawnNode(init) : spawnBrowser(init));
      }
      await Promise.all(handles.map((h) => h.ready));
    } catch (e) {
      for (const h of handles) h.terminate();
      exports.free(controlPtr);
      throw e;
    }
    return new ThreadPool(exports, control, controlPtr, handles);
  }

  /** Settles when every worker has ended (after `dispose()`). */
  get exited(): Promise<void> {
    return Promise.all(this.handles.map((h) => h.exited)).then(() => undefined);
  }

  /** Threads a job is split over: the workers and the calling thread. */
  get size(): number {
    return this.handles.length + 1;
  }

  /**
   * Runs `jobs[0]` on this thread and `jobs[w]` on worker w at once, each
   * `[kind, ...arguments]` (see Job), and returns when all are done.
   */
  run(jobs: readonly (readonly number[])[]): void {
    if (this.closed) throw new BackendError('wasm: matMul after dispose() - create a new backend');
    if (jobs.length > this.size) throw new BackendError(`wasm: ${jobs.length} parts for ${this.size} threads`);
    // Never 0 (a worker's initial `seen`) nor negative (quit), however many jobs run.
    const seq = (this.seq = (this.seq % 0x7fffffff) + 1);
    const posted: number[] = [];
    for (let w = 1; w < jobs.length; w++) {
      const base = (w - 1) * SLOT_INTS;
      this.control.set(jobs[w], base + ARGS);
      Atomics.store(this.control, base + SEQ, seq);
      Atomics.notify(this.control, base + SEQ);
      posted.push(base);
    }
    let failure: unknown = null;
    const [kind, ...args] = jobs[0];
    try {
      const e = this.exports;
      const kernel = [e.matMulRows, e.matMulShared, e.conv2dImages, e.conv2dFilterGrad][kind];
      if (args.length !== ARITY[kind]) throw new BackendError(`wasm: job ${kind} takes ${ARITY[kind]} arguments, not ${args.length}`);
      (kernel as (...xs: number[]) => void)(...args);
    } catch (e) {
      failure = e;
      // The workers of a shared matMul would wait for this thread at their next barrier.
      if (kind === Job.shared) abortShared(this.control.buffer, args[SYNC_ARG]);
    }
    // Always wait for every worker, even after a failure here: they are still writing into memory the caller will reuse.
    for (const base of posted) {
      for (;;) {
        const done = Atomics.load(this.control, base + DONE);
        if (done === seq) break;
        if (this.block) Atomics.wait(this.control, base + DONE, done);
      }
      if (this.control[base + FAILED] !== 0) failure ??= new Error('a worker trapped');
    }
    if (failure !== null) throw new BackendError('wasm: matMul failed in a thread - the module trapped', { cause: failure });
  }

  /** Whether this thread may block (in Atomics.wait or wasm's memory.atomic.wait). */
  get canWait(): boolean {
    return this.block;
  }

  /** Asks every worker to quit and terminates it; the pool is unusable afterwards. */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    for (let w = 0; w < this.handles.length; w++) {
      Atomics.store(this.control, w * SLOT_INTS + SEQ, -1);
      Atomics.notify(this.control, w * SLOT_INTS + SEQ);
      this.handles[w].terminate();
    }
    this.exports.free(this.controlPtr);
  }
}
