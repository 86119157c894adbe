// The main job (`npm start`): train both examples from fixed seeds and print
// one table. The same seed gives the same numbers on every run.
import * as nt from '@neurite/core';
import { TRUE_B, TRUE_W, recovered, trainLinearRegression } from './linear-regression.mjs';
import { isMain, useBackend } from './setup.mjs';
import { formatXor, trainXor } from './xor.mjs';

/** Runs both examples; the rows are what the table prints, `ok` whether both reached their goal. */
export async function trainAll({ seed = 1, backend = 'auto' } = {}) {
  const name = await useBackend(backend);
  const timed = async (fn) => {
    const t0 = performance.now();
    const result = await fn();
    return { ...result, seconds: (performance.now() - t0) / 1000 };
  };
  const xor = await timed(() => trainXor({ seed, backend: name }));
  const linear = await timed(() => trainLinearRegression({ seed, backend: name }));
  const xorOk = xor.predictions.every((p, i) => Math.round(p) === [0, 1, 1, 0][i]);
  return { backend: name, seed, xor, linear, ok: xorOk && recovered(linear) };
}

function table(rows) {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  return rows.map((r) => r.map((cell, c) => String(cell).padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

if (isMain(import.meta.url)) {
  const seed = 1;
  const r = await trainAll({ seed });
  const { xor, linear } = r;
  console.log(`Neurite examples on backend '${r.backend}', seed ${seed}\n`);
  console.log(`${formatXor(xor)}\n`);
  console.log(
    table([
      ['task', 'result', 'loss', 'steps', 'time', 'live tensors before/after'],
      ['xor (2-2-1 tanh)', `predictions ${xor.predictions.map((p) => p.toFixed(2)).join(' ')}`, xor.loss.toFixed(4), xor.steps, `${xor.seconds.toFixed(2)} s`, `${xor.tensorsBefore} / ${xor.tensorsAfter}`],
      ['linear regression', `w ${linear.w.toFixed(3)} (${TRUE_W}), b ${linear.b.toFixed(3)} (${TRUE_B})`, linear.loss.toFixed(4), linear.steps, `${linear.seconds.toFixed(2)} s`, `${linear.tensorsBefore} / ${linear.tensorsAfter}`],
    ]),
  );
  console.log(`\n${r.ok ? 'both solved' : 'NOT SOLVED'}; ${nt.memory().numTensors} tensors live at exit`);
  if (!r.ok) process.exitCode = 1;
}
