// Child process of out-crash.test.ts: what `neurite train --out DIR` does
// with its directory (open it once, checkpoint again and again), with every
// weight set to the checkpoint's number, printing "saved N" after each save
// returns. The test kills it with SIGKILL at a random moment. Runs the built
// CLI package (dist/), as `neurite` does.
import { register } from '@neurite/backend-js';
import { setBackend, tensor } from '@neurite/core';
import { dense, sequential } from '@neurite/layers';
import { openCheckpointWriter } from 'neurite';

const [dir, first] = process.argv.slice(2);
register();
await setBackend('js');
const model = sequential([dense({ units: 64, inputShape: [784] }), dense({ units: 10, activation: 'softmax' })]);
const writer = await openCheckpointWriter(dir);
process.stdout.write('ready\n');
for (let n = Number(first); ; n++) {
  const values = model.parameters().map((v) => tensor(new Float32Array(v.size).fill(n), v.shape));
  model.setWeights(values);
  for (const t of values) t.dispose();
  await writer.save(model, { createdBy: 'neurite train', task: 'multiclass', dataset: 'mnist', model: 'mlp', seed: n, epochs: n, interrupted: false });
  process.stdout.write(`saved ${n}\n`);
}
