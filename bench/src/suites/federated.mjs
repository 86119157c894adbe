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
 * and averages the answers. The pool starts once per contender and one round
 * runs before timing (it builds the clients' models and sends the workers
 * their data), because a simulation is a long-lived pool; starting workers is
 * a one-off the rounds do not pay. Training goes on from round to round.
 *
 * Neurite's single-threaded backends only: each worker starts its own copy of
 * the contender's backend (wasm-threads would put more threads on the two
 * cores than there are; wasm-scalar adds nothing here).
 */

const CLIENTS = 10;
const WORKERS = 2;
/** Rows per client, from a seeded IID split of @neurite/data's 8,000 MNIST training digits. */
const ROWS = 320;
const TRAINING = { epochs: 1, batchSize: 32, learningRate: 0.1 };
/** Untimed rounds per contender and variant before the timed ones. */
const WARMUP_ROUNDS = 2;
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

/** @type {Map<number, Promise<import('@neurite/federated').ClientSpec[]>>} */
const specs = new Map();

/**
 * The 10 clients: an IID split of the 8,000 training digits (seeded), the
 * first `rows` of each client's share.
 * @param {number} seed
 * @param {number} rows
 */
function clientSpecs(seed, rows) {
  if (!specs.has(rows)) {
    specs.set(rows, (async () => {
      const { loadMnistArrays, partition } = await import('@neurite/data');
      const fed = await import('@neurite/federated');
      const { train } = await loadMnistArrays('standard');
      const parts = partition(train.y, { kind: 'iid' }, { clients: CLIENTS, seed }).map((p) => p.subarray(0, rows));
      return fed.clientSpecs({ model: MODEL, train, partition: parts, training: TRAINING });
    })());
  }
  return /** @type {Promise<import('@neurite/federated').ClientSpec[]>} */ (specs.get(rows));
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
 * @param {string} id
 * @param {number} rows per client
 * @param {string[]} contenders
 * @returns {import('../types.js').Case}
 */
const fedAvgRound = (id, rows, contenders) => ({
  id,
  label: `FedAvg round, ${CLIENTS} clients × ${rows} digits, MLP 784-128-10, SGD batch ${TRAINING.batchSize}, on ${WORKERS} worker threads (in-process: this thread)`,
  // Client examples trained per round.
  work: CLIENTS * rows * TRAINING.epochs,
  // The weights after the first round. The same backend gives the same weights in a worker as
  // in this thread (the seeds are keyed by round and client); across backends, one round of
  // SGD from the same start moves them apart by float32 rounding only.
  tolerance: 1e-4,
  variants: [`workers-${WORKERS}`, 'in-process'],
  contenders,
  // A round takes 0.1-0.8 s; one call per contender and variant a round is enough.
  budget: {
    short: { rounds: 3, time: 0, iterations: 1, warmupTime: 0, warmupIterations: 0 },
    full: { rounds: 6, time: 0, iterations: 3, warmupTime: 0, warmupIterations: 1 },
  },
  async prepare(c, { seed, variant }) {
    const fed = await import('@neurite/federated');
    const clients = await clientSpecs(seed, rows);
    const pool = variant === 'in-process' ? null : new fed.WorkerPool(clients, { workers: WORKERS, backend: WORKER_BACKENDS[c.id] });
    const proxies = pool ? pool.proxies : clients.map((s) => new fed.LocalClient(s));
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
      for (let i = 0; i < WARMUP_ROUNDS; i++) await step();
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
  cases: [fedAvgRound(`fedavg-${CLIENTS}`, ROWS, Object.keys(WORKER_BACKENDS))],
};
