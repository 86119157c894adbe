import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../errors.js';
import type { GlobalOptions, Ui } from '../ui.js';

export interface BenchArgs {
  short: boolean;
  gate: boolean;
  suite?: string;
  seed?: number;
}

/**
 * The @neurite/bench workspace package, found from where this CLI is installed
 * (so in the checkout it belongs to), never from the working directory: a
 * bench/ folder there is whatever the directory holds, and running it would
 * run a stranger's code.
 */
function findBench(): string | undefined {
  let manifest: string;
  try {
    manifest = createRequire(import.meta.url).resolve('@neurite/bench/package.json');
    if ((JSON.parse(readFileSync(manifest, 'utf8')) as { name?: unknown }).name !== '@neurite/bench') return undefined;
  } catch {
    return undefined;
  }
  const dir = dirname(manifest);
  return existsSync(join(dir, 'src', 'cli.mjs')) ? dir : undefined;
}

/** The inputs' generator takes a 32-bit seed: larger ones would repeat smaller ones. */
const MAX_SEED = 2 ** 32 - 1;

/**
 * `neurite bench`: runs the repository's tinybench suites (backend-js, backend-wasm
 * and the tfjs peers in one process) and prints their tables. The suites live in the
 * repository, not in this package, so this works in a checkout (with its own CLI).
 */
export async function runBench(a: BenchArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  if (a.seed !== undefined && !(Number.isInteger(a.seed) && a.seed >= 0 && a.seed <= MAX_SEED)) throw new UsageError(`--seed must be an integer from 0 to ${MAX_SEED}, got ${a.seed}`);
  const dir = findBench();
  if (!dir) {
    throw new UsageError('bench runs the suites of a Neurite repository checkout, and this neurite is not installed in one - in a clone of the repository run npm install, then node apps/cli/dist/bin.js bench (or npm run bench)');
  }
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
