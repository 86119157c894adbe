// Child process of the crash suite (runtime/crash.test.ts): saves checkpoints of
// rounds 1, 2, 3, ... to argv[2] as fast as it can and prints each round once it
// is saved, until the test kills it with SIGKILL. It runs the built checkpoint code
// (what users run), importing no more of the package than that.
import { saveServerState } from '../../dist/runtime/checkpoint.js';
import { crashState } from './crash-state.mjs';

const path = process.argv[2];
process.stdout.write('started\n');
for (let round = 1; ; round++) {
  await saveServerState(path, crashState(round));
  process.stdout.write(`saved ${round}\n`);
}
