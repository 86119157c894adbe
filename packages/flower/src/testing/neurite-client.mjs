// A Neurite Flower client as its own process, for the end-to-end tests: the
// built package (dist/) with a tiny deterministic ClientApp that does what
// examples/flower's Python client does (pull every array towards the value
// partition-id + 1; report num-examples), and records the exact .npy bytes it
// sends so the test can recompute FedAvg independently.
// Usage: node neurite-client.mjs '<json options>'; events go to stdout as JSON lines.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { arrayFromTyped, arrayRecord, arrayToTyped, connect, metricRecord, recordDict, recordNumber } from '../../dist/index.js';

const options = JSON.parse(process.argv[2] ?? '{}');
const partition = Number(options.nodeConfig?.['partition-id'] ?? 0);
const numExamples = Number(options.nodeConfig?.['num-examples'] ?? 10 * (partition + 1));
const out = (event) => process.stdout.write(`${JSON.stringify(event, (_k, v) => (typeof v === 'bigint' ? v.toString() : v))}\n`);

function pulled(array, name, lr, epochs) {
  const { data, shape } = arrayToTyped(array, name);
  const w = data.slice();
  const target = partition + 1;
  // float32 arithmetic step by step, as NumPy's `(w - lr * (w - t)).astype(float32)` on float32 arrays.
  const f = w instanceof Float32Array ? Math.fround : (x) => x;
  for (let e = 0; e < epochs; e++) for (let i = 0; i < w.length; i++) w[i] = f(w[i] - f(f(lr) * f(w[i] - target)));
  return arrayFromTyped(w, shape);
}

function record(dir, arrays, info) {
  mkdirSync(dir, { recursive: true });
  for (const [name, a] of arrays) writeFileSync(join(dir, `${name}.npy`), a.data);
  writeFileSync(join(dir, 'arrays.json.tmp'), JSON.stringify({ names: [...arrays.keys()], ...info }));
  renameSync(join(dir, 'arrays.json.tmp'), join(dir, 'arrays.json'));
}

const app = {
  handlers: {
    async train(message, context) {
      const config = message.content.get('config');
      const lr = config.values.has('lr') ? recordNumber(config, 'lr') : 0.1;
      const epochs = config.values.has('local-epochs') ? recordNumber(config, 'local-epochs') : 1;
      const updated = new Map();
      for (const [name, a] of message.content.get('arrays').arrays) updated.set(name, pulled(a, name, lr, epochs));
      const recordDir = context.runConfig.get('record-dir');
      if (recordDir) {
        const round = recordNumber(config, 'server-round');
        record(join(String(recordDir), `node-${context.nodeId}`, `round-${round}`), updated, { 'num-examples': numExamples, 'partition-id': partition, client: 'neurite' });
      }
      return recordDict({ arrays: arrayRecord(updated), metrics: metricRecord({ 'num-examples': BigInt(numExamples), train_loss: 0 }) });
    },
    async evaluate() {
      return recordDict({ metrics: metricRecord({ 'num-examples': BigInt(numExamples), eval_loss: 0 }) });
    },
  },
};

const handle = connect({ ...options, onEvent: out }, app);
process.once('SIGTERM', () => void handle.stop().then(() => process.exit(0)));
handle.done.then(
  () => process.exit(0),
  (err) => {
    out({ type: 'fatal', error: `${err.name}: ${err.message}` });
    process.exit(1);
  },
);
