// @ts-check
import { Bench } from 'tinybench';
import { maxRelErrorOfParts as maxRelError } from './agree.mjs';
import { REFERENCE, RATIO_PAIRS } from './contenders.mjs';
import { makeInputs } from './inputs.mjs';
import { summarize } from './stats.mjs';

/** @typedef {import('./types.js').Contender} Contender */
/** @typedef {import('./types.js').Instance} Instance */

/** Throughput units: work per second divided by this. */
const SCALE = { 'GFLOP/s': 1e9, 'GB/s': 1e9, 'samples/s': 1 };

/** @param {unknown} e */
const reasonOf = (e) => (e instanceof Error ? e.message : String(e)).split('\n')[0];

/** @param {Function} f */
const isAsync = (f) => f.constructor.name === 'AsyncFunction';

/**
 * A case in the op form (input shapes and one op) as an instance: seeded
 * tensors in, the op's result read for the agreement check, the op timed.
 * @param {import('./types.js').Case} kase
 * @param {Contender} c
 * @param {Float32Array[]} data
 * @returns {Instance}
 */
function opInstance(kase, c, data) {
  const shapes = kase.inputs ?? [];
  const run = /** @type {NonNullable<import('./types.js').Case['run']>} */ (kase.run);
  const inputs = data.map((d, i) => c.tensor(d, shapes[i]));
  try {
    const out = run(c.lib, inputs, c);
    const output = c.read(out);
    c.dispose(out);
    return { output, run: () => c.dispose(run(c.lib, inputs, c)), dispose: () => inputs.forEach((t) => c.dispose(t)) };
  } catch (e) {
    for (const t of inputs) c.dispose(t);
    throw e;
  }
}

/**
 * Measures one case for every contender on the same seeded inputs: first the
 * outputs are checked against the reference (a fast wrong kernel must never
 * count as fast), then contenders are timed in alternating tinybench rounds.
 * Alternating matters on a shared machine: load from other jobs comes and goes
 * over seconds, and taking turns spreads it over both sides of a ratio.
 * A contender that cannot run the case (a kernel its backend lacks, a layer
 * not written yet) is listed as unavailable with the reason; the rest go on.
 * @param {import('./types.js').Suite} suite
 * @param {import('./types.js').Case} kase
 * @param {Contender[]} contenders
 * @param {import('./types.js').Budget} budget
 * @param {number} seed
 * @returns {Promise<import('./types.js').CaseResult>}
 */
export async function measureCase(suite, kase, contenders, budget, seed) {
  const data = kase.inputs ? makeInputs(kase.inputs, seed) : [];
  const variants = kase.variants ?? [undefined];
  /** @type {{ id: string, variant: string | undefined, c: Contender, inst: Instance }[]} */
  const prepared = [];
  /** @type {{ contender: string, reason: string }[]} */
  const unavailable = [];
  for (const c of contenders) {
    if (kase.contenders && !kase.contenders.includes(c.id)) continue;
    for (const variant of variants) {
      const id = variant === variants[0] ? c.id : `${c.id}.${variant}`;
      try {
        await c.activate();
        const inst = kase.prepare ? await kase.prepare(c, { seed, short: budget.short, variant }) : opInstance(kase, c, data);
        if (inst) prepared.push({ id, variant, c, inst });
      } catch (e) {
        unavailable.push({ contender: id, reason: reasonOf(e) });
      }
    }
  }
  const unit = kase.unit ?? suite.unit;
  if (prepared.length === 0) return { id: kase.id, label: kase.label, work: kase.work, unit, timings: [], ratios: [], unavailable };
  const referenceId = (prepared.find((p) => p.id === REFERENCE) ?? prepared[0]).c.id;
  const primary = prepared.find((p) => p.c.id === referenceId && p.variant === variants[0]) ?? prepared[0];
  /**
   * What a row is checked against: the reference contender's row of the same
   * variant (a variant may be a yardstick that computes something else, e.g.
   * training steps beside an explanation), else its primary row.
   * @param {{ variant: string | undefined }} p
   */
  const referenceOf = (p) => (prepared.find((r) => r.c.id === referenceId && r.variant === p.variant) ?? primary).inst.output;
  // Untimed contenders served the agreement check; only their state remains to free.
  const skip = [...(kase.untimed ?? []), ...(budget.short ? (kase.untimedShort ?? []) : [])];
  const untimed = prepared.filter((p) => skip.includes(p.c.id));
  for (const p of untimed) {
    await p.c.activate();
    await p.inst.dispose();
    const err = maxRelError(p.inst.output, referenceOf(p));
    if (!(err <= kase.tolerance)) throw new Error(`bench: ${suite.name}/${kase.id}: ${p.id} disagrees with the reference (max rel error ${err.toExponential(2)})`);
  }
  // Known wrong results are checked, reported with their error and reason, and never timed.
  const wrong = prepared.filter((p) => !untimed.includes(p) && kase.wrong?.[p.c.id] !== undefined);
  for (const p of wrong) {
    await p.c.activate();
    await p.inst.dispose();
    const err = maxRelError(p.inst.output, referenceOf(p));
    if (err <= kase.tolerance) {
      throw new Error(`bench: ${suite.name}/${kase.id}: ${p.id} now agrees with the reference (max rel error ${err.toExponential(2)}) - remove it from the case's \`wrong\` list`);
    }
    unavailable.push({ contender: p.id, reason: `wrong result, max rel error ${err.toExponential(1)}: ${kase.wrong?.[p.c.id]}` });
  }
  const timed = prepared.filter((p) => !untimed.includes(p) && !wrong.includes(p));

  const b = { ...budget, ...kase.budget?.[budget.short ? 'short' : 'full'] };
  /** @type {Map<string, number[]>} */
  const samples = new Map(timed.map((p) => [p.id, []]));
  for (let round = 0; round < b.rounds; round++) {
    const first = round === 0;
    const warmupIterations = first ? b.warmupIterations : Math.min(1, b.warmupIterations);
    const warmupTime = first ? b.warmupTime : 0;
    const bench = new Bench({
      time: b.time,
      iterations: b.iterations,
      // Later rounds only need one call to bring caches back after the other contender ran.
      warmup: warmupIterations > 0 || warmupTime > 0,
      warmupTime,
      warmupIterations,
      retainSamples: true,
      throws: true,
    });
    const order = round % 2 === 0 ? timed : [...timed].reverse();
    for (const p of order) {
      const { inst } = p;
      // tinybench calls a plain function once to see whether it returns a promise: an async run must say so.
      const fn = isAsync(inst.run) ? async () => { await inst.run(); } : () => { inst.run(); };
      bench.add(p.id, fn, { beforeAll: () => p.c.activate() });
    }
    await bench.run();
    for (const task of bench.tasks) {
      const r = task.result;
      if (r.state !== 'completed') throw new Error(`bench: ${suite.name}/${kase.id} on ${task.name} ended '${r.state}'`);
      samples.get(task.name)?.push(...(r.latency.samples ?? []));
    }
  }
  for (const p of timed) {
    await p.c.activate();
    await p.inst.dispose();
  }

  const timings = timed.map((p) => {
    const s = summarize(samples.get(p.id) ?? []);
    const err = maxRelError(p.inst.output, referenceOf(p));
    const work = p.inst.work ?? kase.work;
    return { contender: p.id, ...s, throughput: work / (s.median / 1e3) / SCALE[unit], maxRelError: err, agrees: err <= kase.tolerance };
  });
  return { id: kase.id, label: kase.label, work: kase.work, unit, timings, ratios: ratios(suite, kase, timings), unavailable };
}

/**
 * The contender pairs of RATIO_PAIRS on the primary variant, and each other
 * variant against the primary on the same contender (e.g. js/js.composed).
 * @param {import('./types.js').Suite} suite
 * @param {import('./types.js').Case} kase
 * @param {import('./types.js').Timing[]} timings
 */
function ratios(suite, kase, timings) {
  const pairs = [...RATIO_PAIRS];
  for (const variant of (kase.variants ?? []).slice(1)) {
    for (const t of timings) if (!t.contender.includes('.')) pairs.push([t.contender, `${t.contender}.${variant}`]);
  }
  /** @type {import('./types.js').Ratio[]} */
  const out = [];
  for (const [numerator, denominator] of pairs) {
    const n = timings.find((t) => t.contender === numerator);
    const d = timings.find((t) => t.contender === denominator);
    if (!n || !d) continue;
    out.push({ id: `${suite.name}/${kase.id}:${numerator}/${denominator}`, numerator, denominator, value: d.median / n.median });
  }
  return out;
}
