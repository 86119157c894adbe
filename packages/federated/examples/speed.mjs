// Simulation throughput: the same federated run with 10 clients in this thread
// and on N worker threads (default 2), each timed after one untimed warm-up round
// (worker start-up excluded, as in a long-lived simulation).
// Usage (after npm run build): node packages/federated/examples/speed.mjs [wasm|js] [workers] [rounds]
import { registerBackend, setBackend } from '@neurite/core';
import { loadMnistArrays, partition } from '@neurite/data';
import { fedAvg, timeSimulation } from '@neurite/federated';

const [name = 'wasm', workers = '2', rounds = '3'] = process.argv.slice(2);
const spec =
  name === 'js'
    ? { module: '@neurite/backend-js', factory: 'createJsBackend', name: 'js' }
    : { module: '@neurite/backend-wasm', factory: 'createWasmBackend', name: 'wasm', options: { simd: true } };
const mod = await import(spec.module);
const backend = await mod[spec.factory](spec.options);
registerBackend(spec.name, () => backend);
await setBackend(spec.name);

const { train } = await loadMnistArrays('standard');
const parts = partition(train.y, { kind: 'iid' }, { clients: 10, seed: 1 });
const r = await timeSimulation({
  model: { kind: 'mlp', inputs: 784, hidden: [128], outputs: 10 },
  train,
  partition: parts,
  training: { epochs: 1, batchSize: 10, learningRate: 0.1 },
  strategy: fedAvg(),
  rounds: Number(rounds),
  seed: 1,
  workers: Number(workers),
  backend: spec,
});
console.log(
  `${name}, 10 clients, ${rounds} rounds: in-process ${r.inProcess.toFixed(0)} examples/s, ${workers} workers ${r.workers.toFixed(0)} examples/s, speed-up ${r.speedup.toFixed(2)}x`,
);
