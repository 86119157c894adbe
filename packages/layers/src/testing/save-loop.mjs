// Child process of the crash-safety test (io/crash.test.ts): saves the same
// model over and over into one directory, each time with every weight set to
// the save's number, and prints "saved N" after each save returns. The test
// kills it with SIGKILL at a random moment. Runs on the built packages
// (dist/), as a user's program would.
import { register } from '@neurite/backend-js';
import { setBackend, tensor } from '@neurite/core';
import { dense, save, sequential } from '@neurite/layers';

const [dir, first] = process.argv.slice(2);
register();
await setBackend('js');
const model = sequential([dense({ units: 64, inputShape: [784] }), dense({ units: 10 })]);
process.stdout.write('ready\n');
for (let n = Number(first); ; n++) {
  const values = model.parameters().map((v) => tensor(new Float32Array(v.size).fill(n), v.shape));
  model.setWeights(values);
  for (const t of values) t.dispose();
  await save(model, dir, { metadata: { n } });
  process.stdout.write(`saved ${n}\n`);
}
