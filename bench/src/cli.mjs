#!/usr/bin/env node
// @ts-check
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { ensureStableAllocator } from './allocator.mjs';
import { BUDGETS } from './budgets.mjs';
import { loadContenders } from './contenders.mjs';
import { checkFloors } from './gate.mjs';
import { machine } from './machine.mjs';
import { measureCase } from './measure.mjs';
import { toMarkdown, writeResults } from './report.mjs';
import { SUITES } from './suites/index.mjs';

const USAGE = `Usage: node src/cli.mjs [--short] [--gate] [--suite NAME[,NAME]] [--seed N]

  --short   fewer samples (the CI run, under two minutes); writes results/gate.*
  --gate    exit 1 when a ratio is below its floor in floors.json
  --suite   run only these suites: ${SUITES.map((s) => s.name).join(', ')}
  --seed    seed of the generated inputs (default 1)

A full run of every suite writes results/latest.json and results/latest.md.`;

ensureStableAllocator();

/** @param {string} message */
function usageError(message) {
  console.error(`bench: ${message}\n\n${USAGE}`);
  process.exit(2);
}

/** @type {{ short: boolean, gate: boolean, suite?: string, seed: string, help: boolean }} */
let args = { short: false, gate: false, seed: '1', help: false };
try {
  args = parseArgs({
    options: {
      short: { type: 'boolean', default: false },
      gate: { type: 'boolean', default: false },
      suite: { type: 'string' },
      seed: { type: 'string', default: '1' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  }).values;
} catch (e) {
  usageError(e instanceof Error ? e.message : String(e));
}
if (args.help) {
  console.log(USAGE);
  process.exit(0);
}
const seed = Number(args.seed);
if (!Number.isInteger(seed)) usageError(`--seed must be an integer, got '${args.seed}'`);
const wanted = args.suite?.split(',').map((s) => s.trim());
const unknown = wanted?.filter((w) => !SUITES.some((s) => s.name === w)) ?? [];
if (unknown.length > 0) usageError(`unknown suite '${unknown.join("', '")}'`);
const suites = SUITES.filter((s) => !wanted || wanted.includes(s.name));

const mode = args.short ? 'short' : 'full';
const budget = BUDGETS[mode];
const { loaded: contenders, unavailable } = await loadContenders();
const started = Date.now();

/** @type {import('./types.js').Results} */
const results = {
  date: new Date().toISOString(),
  mode,
  machine: machine(),
  contenders: contenders.map(({ id, label, version }) => ({ id, label, version })),
  unavailable,
  suites: [],
};
for (const suite of suites) {
  const suiteStarted = Date.now();
  const cases = [];
  const skipped = [];
  for (const kase of suite.cases) {
    if (budget.short && kase.fullOnly) {
      skipped.push({ id: kase.id, reason: 'full runs only' });
      continue;
    }
    const r = await measureCase(suite, kase, contenders, budget, seed);
    const times = r.timings.map((t) => `${t.contender} ${t.median.toPrecision(3)} ms`).join(', ');
    const ratios = r.ratios.map((x) => `${x.numerator}/${x.denominator} ${x.value.toFixed(2)}×`).join(', ');
    const missing = r.unavailable.map((u) => `${u.contender} unavailable (${u.reason})`).join('; ');
    console.error(`${suite.name} ${kase.label}: ${times}${ratios ? ` -> ${ratios}` : ''}${missing ? ` [${missing}]` : ''}`);
    cases.push(r);
  }
  results.suites.push({ name: suite.name, unit: suite.unit, cases, skipped });
  console.error(`bench: ${suite.name} took ${((Date.now() - suiteStarted) / 1000).toFixed(0)} s`);
}

// A subset or a short run must not overwrite the table the README quotes.
const name = mode === 'short' ? 'gate' : wanted ? 'partial' : 'latest';
const resultsDir = fileURLToPath(new URL('../results/', import.meta.url));
writeResults(resultsDir, name, results);
console.log(toMarkdown(results));
console.log(`bench: ${((Date.now() - started) / 1000).toFixed(0)} s, wrote results/${name}.json and results/${name}.md`);

let failed = false;
for (const s of results.suites) {
  for (const c of s.cases) {
    for (const t of c.timings.filter((x) => !x.agrees)) {
      console.error(`bench: ${s.name} ${c.label}: ${t.contender} disagrees with the reference (max rel error ${t.maxRelError.toExponential(2)})`);
      failed = true;
    }
  }
}
if (args.gate) {
  const floorsFile = new URL('../floors.json', import.meta.url);
  const floors = /** @type {{ floors: Record<string, number> }} */ (JSON.parse(readFileSync(floorsFile, 'utf8'))).floors;
  const gate = checkFloors(results, floors, suites.map((s) => s.name));
  console.log('\n| ratio | measured | floor | |\n|---|--:|--:|---|');
  for (const r of gate.rows) {
    console.log(`| ${r.id} | ${r.value === undefined ? 'missing' : `${r.value.toFixed(2)}×`} | ${r.floor.toFixed(2)}× | ${r.ok ? 'ok' : 'BELOW FLOOR'} |`);
  }
  if (!gate.ok) {
    console.error('bench: a ratio fell below its floor in bench/floors.json');
    failed = true;
  } else console.log(`bench: gate passed (${gate.rows.length} ratios at or above their floors)`);
}
process.exit(failed ? 1 : 0);
