import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import type { GlobalOptions, Ui } from '../ui.js';

export interface BenchArgs {
  short: boolean;
  gate: boolean;
  suite?: string;
  seed?: number;
}

/** bench/ of a Neurite checkout: the workspace package, or ./bench from where the command runs. */
function findBench(): string | undefined {
  try {
    return dirname(createRequire(import.meta.url).resolve('@neurite/bench/package.json'));
  } catch {
    const local = resolve('bench');
    return existsSync(join(local, 'src', 'cli.mjs')) ? local : undefined;
  }
}

/**
 * `neurite bench`: runs the repository's tinybench suites (backend-js, backend-wasm
 * and the tfjs peers in one process) and prints their tables. The suites live in the
 * repository, not in this package, so this works in a checkout.
 */
export async function runBench(a: BenchArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  const dir = findBench();
  if (!dir) throw new UsageError('bench runs the suites in bench/ of a Neurite repository checkout - run it inside a clone (npm install there first)');
  if (a.seed !== undefined && !Number.isInteger(a.seed)) throw new UsageError(`--seed must be an integer, got ${a.seed}`);
  if (a.suite !== undefined) {
    const { SUITES } = (await import(pathToFileURL(join(dir, 'src', 'suites', 'index.mjs')).href)) as { SUITES: { name: string }[] };
    const names = SUITES.map((s) => s.name);
    const unknown = a.suite.split(',').map((s) => s.trim()).filter((s) => !names.includes(s));
    if (unknown.length > 0) throw new UsageError(`unknown bench suite '${unknown.join("', '")}' - the suites are: ${names.join(', ')}`);
  }
  if (g.backend !== 'auto') ui.warn(`note: bench measures every backend and peer side by side; --backend ${g.backend} is ignored`);
  const args = [join(dir, 'src', 'cli.mjs'), ...(a.short ? ['--short'] : []), ...(a.gate ? ['--gate'] : []), ...(a.suite ? ['--suite', a.suite] : []), ...(a.seed !== undefined ? ['--seed', String(a.seed)] : [])];
  // With --json the tables are dropped and the results file is printed instead.
  const child = spawn(process.execPath, args, { stdio: ['ignore', ui.json ? 'ignore' : 'inherit', ui.quiet || ui.json ? 'ignore' : 'inherit'] });
  const code = await new Promise<number>((done, fail) => {
    child.on('error', fail);
    child.on('close', (c, signal) => done(signal === 'SIGINT' ? 130 : (c ?? 1)));
  });
  if (ui.json && (code === 0 || code === 1)) {
    const name = a.short ? 'gate' : a.suite ? 'partial' : 'latest';
    ui.result({ ok: code === 0, results: JSON.parse(readFileSync(join(dir, 'results', `${name}.json`), 'utf8')) });
  }
  return code;
}
