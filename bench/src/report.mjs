// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {import('./types.js').Results} Results */

/** @param {number} ms */
const time = (ms) => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1e3).toFixed(0)} µs`);
/** @param {number} x */
const fixed = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

/**
 * The Markdown the README quotes: one table per suite, a row per case and
 * contender, the ratio on the row of the contender it is about.
 * @param {Results} r
 */
export function toMarkdown(r) {
  const m = r.machine;
  const lines = [
    `Run ${r.date.slice(0, 16).replace('T', ' ')} UTC (${r.mode} budget) on ${m.cpus} CPUs (nproc), ${m.cpuModel}, node ${m.node}, ${m.platform}.`,
    `Contenders: ${r.contenders.map((c) => `${c.id} = ${c.label}@${c.version}`).join(', ')}.`,
    'Ratio = the other side\'s median time ÷ this row\'s (higher is faster; 3.00× means three times as fast).',
  ];
  for (const s of r.suites) {
    lines.push('', `### ${s.name}`, '', `| case | contender | median | p75 | p99 | ${s.unit} | max rel err | ratio |`);
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|');
    for (const c of s.cases) {
      for (const t of c.timings) {
        const ratio = c.ratios
          .filter((x) => x.numerator === t.contender)
          .map((x) => `**${x.value.toFixed(2)}×** vs ${x.denominator}`)
          .join(', ');
        const err = `${t.maxRelError.toExponential(1)}${t.agrees ? '' : ' ✗'}`;
        lines.push(`| ${c.label} | ${t.contender} | ${time(t.median)} | ${time(t.p75)} | ${time(t.p99)} | ${fixed(t.throughput)} | ${err} | ${ratio || '—'} |`);
      }
    }
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Writes `<name>.json` (everything, for tools and history) and `<name>.md`.
 * @param {string} dir
 * @param {string} name
 * @param {Results} r
 */
export function writeResults(dir, name, r) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, `${name}.json`), `${JSON.stringify(r, null, 2)}\n`);
  writeFileSync(join(dir, `${name}.md`), toMarkdown(r));
}
