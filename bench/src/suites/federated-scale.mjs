// @ts-check
/**
 * How @neurite/federated scales with the number of clients (issue #14): a
 * FedAvg simulation of the MNIST MLP 784-128-10 with N clients of K digits
 * each, every client asked in every round, centralized evaluation after each
 * round (what `neurite federate` does). It reports the peak RSS of the
 * process and the overhead per client and round beyond local training:
 *
 *     (T(N clients × K digits) - T(10 clients × N·K/10 digits)) / ((N - 10) × rounds)
 *
 * Both runs train the same digits with the same batch size (K), so both take
 * the same SGD steps; what differs is the per-client cost: building or
 * fetching a client, sending it the weights, checking, flattening and
 * aggregating its answer. Each measurement is a fresh child process, so the
 * peak RSS is that run's alone. Not part of the tinybench suites (one number
 * per process, not a median of ratios): run it by hand.
 *
 *     node bench/src/suites/federated-scale.mjs [--backend wasm|js] [--rounds 2] [--examples 8] [--clients 10,100,1000,10000]
 *
 * Rows of a client are digits (i·K + j) mod 8,000 of the standard training
 * split: with 10,000 clients digits repeat across clients, which costs the
 * server nothing it would not pay for distinct ones.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const { values: opts } = parseArgs({
  options: {
    backend: { type: 'string', default: 'wasm' },
    rounds: { type: 'string', default: '2' },
    examples: { type: 'string', default: '8' },
    clients: { type: 'string', default: '10,100,1000,10000' },
    // Child mode: one run of --child clients with --per-client digits each, its result as one JSON line.
    child: { type: 'string' },
    'per-client': { type: 'string' },
  },
});

const rounds = Number(opts.rounds);
const K = Number(opts.examples);

/**
 * One simulation in this process: `clients` clients of `perClient` digits, batch K.
 * @param {number} clients
 * @param {number} perClient
 */
async function child(clients, perClient) {
  const core = await import('@neurite/core');
  const name = opts.backend;
  if (name === 'js') {
    const { createJsBackend } = await import('@neurite/backend-js');
    core.registerBackend('js', () => createJsBackend());
  } else {
    const { createWasmBackend } = await import('@neurite/backend-wasm');
    core.registerBackend(String(name), () => createWasmBackend({ simd: true, relaxed: false, threads: 1 }));
  }
  await core.setBackend(name);
  const { loadMnistArrays } = await import('@neurite/data');
  const fed = await import('@neurite/federated');
  const { train, test } = await loadMnistArrays('standard');
  const n = train.y.length;
  const partition = Array.from({ length: clients }, (_, i) => Int32Array.from({ length: perClient }, (_, j) => (i * perClient + j) % n));
  const t0 = performance.now();
  const result = await fed.simulate({
    model: { kind: 'mlp', inputs: 784, hidden: [128], outputs: 10 },
    train,
    test,
    partition,
    training: { epochs: 1, batchSize: K, learningRate: 0.1 },
    strategy: fed.fedAvg(),
    rounds,
    seed: 42,
  });
  const seconds = (performance.now() - t0) / 1000;
  return { clients, perClient, seconds, maxRssMB: process.resourceUsage().maxRSS / 1024, accuracy: result.history.at(-1)?.accuracy ?? null };
}

if (opts.child !== undefined) {
  const clients = Number(opts.child);
  const r = await child(clients, Number(opts['per-client'] ?? K));
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  const self = fileURLToPath(import.meta.url);
  /** @param {number} clients @param {boolean} reference */
  const measure = (clients, reference) => {
    // A reference run: 10 clients training the same N·K digits, batch K.
    const [n, per] = reference ? [10, (clients * K) / 10] : [clients, K];
    const args = [self, '--child', String(n), '--per-client', String(per), '--backend', opts.backend, '--rounds', String(rounds), '--examples', String(K)];
    const p = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (p.status !== 0) throw new Error(`child for ${clients} clients failed (${p.status}): ${p.stderr}`);
    return JSON.parse(p.stdout.trim().split('\n').at(-1) ?? '');
  };
  console.log(`| clients × digits | rounds | wall s | peak RSS MB | reference (10 clients, same digits) s | overhead per client and round, ms |`);
  console.log('|---|---|---|---|---|---|');
  for (const c of opts.clients.split(',').map(Number)) {
    const run = measure(c, false);
    const ref = c > 10 ? measure(c, true) : null;
    const overhead = ref ? ((run.seconds - ref.seconds) * 1000) / ((c - 10) * rounds) : NaN;
    console.log(`| ${c} × ${K} | ${rounds} | ${run.seconds.toFixed(2)} | ${run.maxRssMB.toFixed(0)} | ${ref ? ref.seconds.toFixed(2) : '-'} | ${ref ? overhead.toFixed(2) : '-'} |`);
  }
}
