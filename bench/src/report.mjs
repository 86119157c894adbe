// @ts-check
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** @typedef {import('./types.js').Results} Results */

/** @param {number} ms */
const time = (ms) => (ms >= 100 ? `${ms.toFixed(0)} ms` : ms >= 1 ? `${ms.toFixed(2)} ms` : `${(ms * 1e3).toFixed(0)} µs`);
/** @param {number} x */
const fixed = (x) => (x >= 1e4 ? Math.round(x).toLocaleString('en-US') : x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));

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
    ...(r.unavailable?.length ? [`Unavailable: ${r.unavailable.map((u) => `${u.id} = ${u.label} (${u.reason})`).join('; ')}.`] : []),
    'Ratio = the other side\'s median time ÷ this row\'s (higher is faster; 3.00× means three times as fast).',
    '`contender · variant` rows are timed in the same rounds: the same result computed another way (e.g. composed from primitives instead of a fused kernel), or the yardstick a case is held to (training steps beside an explanation, clients in this thread beside worker threads).',
  ];
  for (const s of r.suites) {
    lines.push('', `### ${s.name}`, '', `| case | contender | median | p75 | p99 | ${s.unit} | max rel err | ratio |`);
    lines.push('|---|---|--:|--:|--:|--:|--:|--:|');
    for (const c of s.cases) {
      const unit = c.unit && c.unit !== s.unit ? ` ${c.unit}` : '';
      for (const t of c.timings) {
        const ratio = c.ratios
          .filter((x) => x.numerator === t.contender)
          .map((x) => `**${x.value.toFixed(2)}×** vs ${x.denominator.replace('.', ' · ')}`)
          .join(', ');
        const err = `${t.maxRelError.toExponential(1)}${t.agrees ? '' : ' ✗'}`;
        const who = t.contender.replace('.', ' · ');
        lines.push(`| ${c.label} | ${who} | ${time(t.median)} | ${time(t.p75)} | ${time(t.p99)} | ${fixed(t.throughput)}${unit} | ${err} | ${ratio || '—'} |`);
      }
      for (const u of c.unavailable ?? []) lines.push(`| ${c.label} | ${u.contender.replace('.', ' · ')} | unavailable (${u.reason.replaceAll('|', '\\|')}) | | | | | |`);
    }
    for (const k of s.skipped ?? []) lines.push(`| ${k.id} | — | not run: ${k.reason} | | | | | |`);
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

/** @param {string} id a timing row id, `contender` or `contender.variant` */
const rowName = (id) => id.replace('.', ' · ');

/**
 * The compact form the root README shows: per suite, one row per case (and
 * per other variant), the throughput of each contender in columns, and the
 * ratios. `latest.md` has the medians, percentiles and agreement behind it.
 * @param {Results} r
 */
export function toSummary(r) {
  const m = r.machine;
  const ids = r.contenders.map((c) => c.id);
  const lines = [
    `Run ${r.date.slice(0, 16).replace('T', ' ')} UTC (${r.mode} budget) on ${m.cpus} CPUs (nproc), ${m.cpuModel}, node ${m.node}, ${m.platform}; a shared machine, so compare ratios (measured in the same run), not absolute numbers.`,
    `Contenders: ${r.contenders.map((c) => `${c.id} = ${c.label}@${c.version}`).join(', ')}.`,
    ...(r.unavailable?.length ? [`Unavailable: ${r.unavailable.map((u) => `${u.id} (${u.reason})`).join('; ')}.`] : []),
    'Cells: throughput from the median time (higher is better); n/a: the contender cannot run the case (reason in the full table). Ratio a/b = how many times faster a is than b. `· composed` rows: the same math composed from primitive ops instead of a fused kernel; other `· variant` rows: the yardstick of a target (explain: `· train-3x50`, `· forward`; federated: `· in-process`, and `· independent`, two threads training alone: the ceiling of the pool).',
    'Medians, p75, p99 and each output\'s agreement with the reference: [bench/results/latest.md](bench/results/latest.md).',
  ];
  for (const s of r.suites) {
    lines.push('', `**${s.name}** (${s.unit})`, '', `| case | ${ids.join(' | ')} | ratios |`, `|---|${ids.map(() => '--:|').join('')}---|`);
    for (const c of s.cases) {
      const variants = [...new Set(c.timings.map((t) => t.contender.split('.')[1]).filter(Boolean))];
      for (const variant of [undefined, ...variants]) {
        const cells = ids.map((id) => {
          const row = variant ? `${id}.${variant}` : id;
          const t = c.timings.find((x) => x.contender === row);
          if (t) return `${fixed(t.throughput)}${c.unit !== s.unit ? ` ${c.unit}` : ''}${t.agrees ? '' : ' ✗'}`;
          return c.unavailable?.some((u) => u.contender === row) ? 'n/a' : '—';
        });
        const ratios = variant
          ? ''
          : c.ratios.map((x) => `${rowName(x.numerator)}/${rowName(x.denominator)} **${x.value.toFixed(2)}×**`).join(', ');
        lines.push(`| ${c.label}${variant ? ` · ${variant}` : ''} | ${cells.join(' | ')} | ${ratios} |`);
      }
    }
    for (const k of s.skipped ?? []) lines.push(`| ${k.id}: not run (${k.reason}) | ${ids.map(() => '').join(' | ')} | |`);
  }
  return `${lines.join('\n')}\n`;
}
