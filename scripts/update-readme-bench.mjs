#!/usr/bin/env node
// Copies the latest full bench run (bench/results/latest.md) into README.md
// between the bench markers, so the README shows numbers from a real run and
// says which machine they came from. Run after `npm run bench`.
import { readFileSync, writeFileSync } from 'node:fs';

const readmeUrl = new URL('../README.md', import.meta.url);
const table = readFileSync(new URL('../bench/results/latest.md', import.meta.url), 'utf8').trim();
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
console.log('update-readme-bench: README.md now shows bench/results/latest.md');
