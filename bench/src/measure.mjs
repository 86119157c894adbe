// @ts-check
import { Bench } from 'tinybench';
import { maxRelError } from './agree.mjs';
import { REFERENCE, RATIO_PAIRS } from './contenders.mjs';
import { makeInputs } from './inputs.mjs';
import { summarize } from './stats.mjs';

/** @typedef {import('./types.js').Contender} Contender */

/**
 * Measures one case for every contender on the same seeded inputs: first the
 * outputs are checked against the reference (a fast wrong kernel must never
 * count as fast), then contenders are timed in alternating tinybench rounds.
 * Alternating matters on a shared machine: load from other jobs comes and goes
 * over seconds, and taking turns spreads it over both sides of a ratio.
 * @param {import('./types.js').Suite} suite
 * @param {import('./types.js').Case} kase
 * @param {Contender[]} contenders
 * @param {import('./types.js').Budget} budget
 * @param {number} seed
 * @returns {Promise<import('./types.js').CaseResult>}
 */
export async function measureCase(suite, kase, contenders, budget, seed) {
  const data = makeInputs(kase.inputs, seed);
  const prepared = [];
  for (const c of contenders) {
    await c.activate();
    const inputs = data.map((d, i) => c.tensor(d, kase.inputs[i]));
    const out = kase.run(c.lib, inputs, c);
    prepared.push({ c, inputs, output: c.read(out) });
    c.dispose(out);
  }
  const reference = prepared.find((p) => p.c.id === REFERENCE) ?? prepared[0];
  // Untimed contenders served the agreement check; only their inputs remain to free.
  const skip = [...(kase.untimed ?? []), ...(budget.short ? (kase.untimedShort ?? []) : [])];
  const untimed = prepared.filter((p) => skip.includes(p.c.id));
  for (const p of untimed) {
    for (const t of p.inputs) p.c.dispose(t);
    const err = maxRelError(p.output, reference.output);
    if (!(err <= kase.tolerance)) throw new Error(`bench: ${suite.name}/${kase.id}: ${p.c.id} disagrees with the reference (max rel error ${err.toExponential(2)})`);
  }
  const timed = prepared.filter((p) => !untimed.includes(p));

  /** @type {Map<string, number[]>} */
  const samples = new Map(timed.map((p) => [p.c.id, []]));
  for (let round = 0; round < budget.rounds; round++) {
    const first = round === 0;
    const bench = new Bench({
      time: budget.time,
      iterations: budget.iterations,
      // Later rounds only need one call to bring caches back after the other contender ran.
      warmupTime: first ? budget.warmupTime : 0,
      warmupIterations: first ? budget.warmupIterations : 1,
      retainSamples: true,
      throws: true,
    });
    const order = round % 2 === 0 ? timed : [...timed].reverse();
    for (const p of order) {
      bench.add(p.c.id, () => p.c.dispose(kase.run(p.c.lib, p.inputs, p.c)), { beforeAll: () => p.c.activate() });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`bench: ${suite.name}/${kase.id} on ${task.name} ended '${r.state}'`);
      samples.get(task.name)?.push(...(r.latency.samples ?? []));
    }
  }
  for (const p of timed) for (const t of p.inputs) p.c.dispose(t);

  const timings = timed.map((p) => {
    const s = summarize(samples.get(p.c.id) ?? []);
    const err = maxRelError(p.output, reference.output);
    return { contender: p.c.id, ...s, throughput: kase.work / (s.median / 1e3) / 1e9, maxRelError: err, agrees: err <= kase.tolerance };
  });
  return { id: kase.id, label: kase.label, work: kase.work, timings, ratios: ratios(suite, kase, timings) };
}

/**
 * @param {import('./types.js').Suite} suite
 * @param {import('./types.js').Case} kase
 * @param {import('./types.js').Timing[]} timings
 */
function ratios(suite, kase, timings) {
  /** @type {import('./types.js').Ratio[]} */
  const out = [];
  for (const [numerator, denominator] of RATIO_PAIRS) {
    const n = timings.find((t) => t.contender === numerator);
    const d = timings.find((t) => t.contender === denominator);
    if (!n || !d) continue;
    out.push({ id: `${suite.name}/${kase.id}:${numerator}/${denominator}`, numerator, denominator, value: d.median / n.median });
  }
  return out;
}
