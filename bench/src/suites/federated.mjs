// @ts-check

/**
 * @neurite/federated's simulation speed (issue #6): the same FedAvg run, 10
 * clients training the MNIST MLP 784-128-10, with the clients in this thread
 * and on 2 worker threads. Target: the threads reach at least 1.6× the
 * throughput in this thread, i.e. the ratio
 * `contender/contender.in-process` = time of an in-process round ÷ time of a
 * round on the workers ≥ 1.6 (2 is the ceiling on 2 cores).
 *
 * A timed call is one round: the server sends the global weights to all 10
 * clients, each trains one local epoch of SGD on its rows, the server checks
 * and averages the answers. The pool starts once per contender and the
 * warm-up rounds run before timing (they start the workers, send them the
 * data and build the clients' models), because a simulation is a long-lived
 * pool; starting workers is a one-off the rounds do not pay. Training goes
 * on from round to round.
 *
 * Two cases:
 * - `fedavg-10` is the issue's run, what `neurite federate --dataset mnist
 *   --clients 10` does by default: all 8,000 training digits split IID over
 *   the 10 clients (800 each), local batch 10.
 * - `fedavg-10x320` has short rounds (320 digits per client, batch 32, about
 *   a tenth of the work): there the fixed costs of a round (sending weights,
 *   checking and averaging 10 answers on this thread, which shares a core
 *   with a worker) weigh most.
 *
 * Neurite's single-threaded backends only: each worker starts its own copy of
 * the contender's backend (wasm-threads would put more threads on the two
 * cores than there are; wasm-scalar adds nothing here).
 */

const CLIENTS = 10;
const WORKERS = 2;
const MODEL = { kind: /** @type {const} */ ('mlp'), inputs: 784, hidden: [128], outputs: 10 };

/**
 * How a worker thread starts each contender's backend (only names cross the
 * thread boundary): the same build and options as in contenders.mjs.
 * @type {Record<string, import('@neurite/federated').BackendSpec>}
 */
const WORKER_BACKENDS = {
  js: { module: '@neurite/backend-js', factory: 'createJsBackend', name: 'js' },
  'wasm-simd': { module: '@neurite/backend-wasm', factory: 'createWasmBackend', name: 'wasm-simd', options: { simd: true, relaxed: false, threads: 1 } },
};

/**
 * @typedef {object} Workload
 * @property {number} rows digits per client, from a seeded IID split of the 8,000 MNIST training digits (neurite/data)
 * @property {import('@neurite/federated').LocalTraining} training
 * @property {number} warmupRounds untimed rounds per contender and variant before the timed ones
 * @property {import('../types.js').Case['budget']} budget
 */

/** @type {Map<string, Promise<import('@neurite/federated').ClientSpec[]>>} */
const specs = new Map();

/**
 * The 10 clients: an IID split of the 8,000 training digits (seeded), the
 * first `rows` of each client's share.
 * @param {number} seed
 * @param {Workload} w
 */
function clientSpecs(seed, { rows, training }) {
  const key = `${seed}/${rows}/${training.batchSize}`;
  if (!specs.has(key)) {
    specs.set(key, (async () => {
      const { loadMnistArrays, partition } = await import('@neurite/data');
      const fed = await import('@neurite/federated');
      const { train } = await loadMnistArrays('standard');
      const parts = partition(train.y, { kind: 'iid' }, { clients: CLIENTS, seed }).map((p) => p.subarray(0, rows));
      return fed.clientSpecs({ model: MODEL, train, partition: parts, training });
    })());
  }
  return /** @type {Promise<import('@neurite/federated').ClientSpec[]>} */ (specs.get(key));
}

/** @param {readonly { values: Float32Array }[]} w */
const concat = (w) => {
  const out = new Float32Array(w.reduce((n, a) => n + a.values.length, 0));
  let at = 0;
  for (const a of w) {
    out.set(a.values, at);
    at += a.values.length;
  }
  return out;
};

/**
 * The yardstick of what two threads can give this workload on this machine:
 * two plain worker threads, each with its own backend and half of the
 * clients (dealt round-robin), each training its clients one after another
 * from the same fixed weights, with nothing sent between rounds but a seed.
 * One call is one such round on both threads. Independent processes measured
 * the same: on this 2-core VM two wasm-simd trainings side by side each run
 * 1.3-1.7× slower than one alone (js 1.1-1.35×), so the pool's speed-up is
 * bounded by this, not by 2.
 * @param {import('@neurite/federated').ClientSpec[]} clients
 * @param {import('@neurite/federated').BackendSpec} backend
 * @param {import('@neurite/federated').NamedArray[]} params
 * @param {number} warmupRounds
 * @returns {Promise<import('../types.js').Instance>}
 */
async function independentThreads(clients, backend, params, warmupRounds) {
  const { Worker } = await import('node:worker_threads');
  const url = new URL('./federated-independent-worker.mjs', import.meta.url);
  const threads = Array.from({ length: WORKERS }, (_, k) => new Worker(url, { workerData: { backend, params, clients: clients.filter((_, i) => i % WORKERS === k) } }));
  /** @param {import('node:worker_threads').Worker} w */
  const next = (w) =>
    new Promise((resolve, reject) => {
      const fail = (/** @type {Error} */ e) => reject(e);
      w.once('error', fail);
      w.once('message', (m) => {
        w.off('error', fail);
        resolve(m);
      });
    });
  let seed = 0;
  const round = async () => {
    const answers = Promise.all(threads.map(next));
    seed++;
    for (const w of threads) w.postMessage({ seed });
    return /** @type {import('@neurite/federated').NamedArray[][]} */ (await answers);
  };
  try {
    await Promise.all(threads.map(next));
    /** @type {Float32Array | undefined} */
    let output;
    for (let i = 0; i < Math.max(1, warmupRounds); i++) output ??= concat((await round())[0]);
    return {
      output: /** @type {Float32Array} */ (output),
      run: round,
      async dispose() {
        await Promise.all(threads.map((w) => w.terminate()));
      },
    };
  } catch (e) {
    await Promise.all(threads.map((w) => w.terminate()));
    throw e;
  }
}

/**
 * @param {string} id
 * @param {Workload} workload
 * @param {string[]} contenders
 * @returns {import('../types.js').Case}
 */
const fedAvgRound = (id, workload, contenders) => ({
  id,
  label: `FedAvg round, ${CLIENTS} clients × ${workload.rows} digits, MLP 784-128-10, SGD batch ${workload.training.batchSize}, on ${WORKERS} worker threads (in-process: this thread)`,
  // Client examples trained per round.
  work: CLIENTS * workload.rows * workload.training.epochs,
  // The weights after the first round. The same backend gives the same weights in a worker as
  // in this thread (the seeds are keyed by round and client); across backends, one round of
  // SGD from the same start moves them apart by float32 rounding only.
  tolerance: 1e-4,
  // independent: the same client training on the same 2 threads with nothing shared and no server
  // (see independentThreads), the ceiling the pool's ratio is held against.
  variants: [`workers-${WORKERS}`, 'in-process', 'independent'],
  contenders,
  budget: workload.budget,
  async prepare(c, { seed, variant }) {
    const fed = await import('@neurite/federated');
    const clients = await clientSpecs(seed, workload);
    if (variant === 'independent') return independentThreads(clients, WORKER_BACKENDS[c.id], fed.initialWeights(MODEL, seed), workload.warmupRounds);
    const pool = variant === 'in-process' ? null : new fed.WorkerPool(clients, { workers: WORKERS, backend: WORKER_BACKENDS[c.id] });
    /** @type {import('@neurite/federated').Client[]} */
    const proxies = pool ? pool.clients : clients.map((s) => new fed.LocalClient(s));
    let params = fed.initialWeights(MODEL, seed);
    /** @type {Float32Array | undefined} */
    let afterFirst;
    let round = 0;
    const step = async () => {
      // A fresh seed per call: another shuffle of each client's rows, as in a run's next round.
      const r = await fed.runFederated({ clients: proxies, strategy: fed.fedAvg(), initialParams: params, rounds: 1, seed: seed + round++ });
      params = r.params;
      afterFirst ??= concat(params);
    };
    try {
      // Warm-up: the first round starts the workers, sends them their clients' data and builds
      // the models; both let each thread's JIT compile the training code (every worker compiles
      // its own copy, on the same two cores).
      for (let i = 0; i < workload.warmupRounds; i++) await step();
    } catch (e) {
      await pool?.close();
      throw e;
    }
    return {
      output: /** @type {Float32Array} */ (afterFirst),
      run: step,
      async dispose() {
        if (pool) await pool.close();
        else await Promise.all(proxies.map((p) => p.close?.()));
      },
    };
  },
});

/** @type {import('../types.js').Suite} */
export default {
  name: 'federated',
  unit: 'samples/s',
  cases: [
    // 8,000 digits a round: 0.3-3 s; one call per contender and variant a round is enough, and one
    // warm-up round (800 steps per thread) lets every thread's JIT compile the training code.
    fedAvgRound(`fedavg-${CLIENTS}`, {
      rows: 800,
      training: { epochs: 1, batchSize: 10, learningRate: 0.1 },
      warmupRounds: 1,
      budget: {
        short: { rounds: 3, time: 0, iterations: 1, warmupTime: 0, warmupIterations: 0 },
        full: { rounds: 5, time: 0, iterations: 2, warmupTime: 0, warmupIterations: 0 },
      },
    }, Object.keys(WORKER_BACKENDS)),
    // 0.05-0.6 s a round.
    fedAvgRound(`fedavg-${CLIENTS}x320`, {
      rows: 320,
      training: { epochs: 1, batchSize: 32, learningRate: 0.1 },
      warmupRounds: 2,
      budget: {
        short: { rounds: 3, time: 0, iterations: 1, warmupTime: 0, warmupIterations: 0 },
        full: { rounds: 6, time: 0, iterations: 3, warmupTime: 0, warmupIterations: 1 },
      },
    }, Object.keys(WORKER_BACKENDS)),
  ],
};
