#!/usr/bin/env node
// Copies a compact table of the latest full bench run (bench/results/latest.json,
// throughput per contender and the ratios, see toSummary in bench/src/report.mjs)
// into README.md between the bench markers, so the README shows numbers from a
// real run and says which machine they came from. Run after `npm run bench`.
import { readFileSync, writeFileSync } from 'node:fs';
import { toSummary } from '../bench/src/report.mjs';

const readmeUrl = new URL('../README.md', import.meta.url);
const results = JSON.parse(readFileSync(new URL('../bench/results/latest.json', import.meta.url), 'utf8'));
if (results.mode !== 'full') {
  console.error('update-readme-bench: bench/results/latest.json is not a full run - run `npm run bench` first');
  process.exit(1);
}
const table = toSummary(results).trim();
const readme = readFileSync(readmeUrl, 'utf8');
const start = '<!-- bench:start -->';
const end = '<!-- bench:end -->';
const from = readme.indexOf(start);
const to = readme.indexOf(end);
if (from < 0 || to < from) {
  console.error(`update-readme-bench: README.md has no ${start} ... ${end} block`);
  process.exit(1);
}
writeFileSync(readmeUrl, `${readme.slice(0, from + start.length)}\n${table}\n${readme.slice(to)}`);
console.log('update-readme-bench: README.md now shows the summary of bench/results/latest.json');
