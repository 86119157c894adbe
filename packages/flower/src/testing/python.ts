import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/**
 * The Python with the pinned flwr that the compatibility tests run Flower's
 * own code in. NEURITE_FLWR_PYTHON points at any interpreter with flwr 1.42.0;
 * otherwise scripts/ensure-flower.mjs builds (once) and returns the project's
 * .venv-flower. Where Python or pip is missing the tests skip with the one
 * line that script prints; any other setup failure fails the tests.
 */
export type FlwrPython = { readonly python: string; readonly skip?: undefined } | { readonly python?: undefined; readonly skip: string };

const ensureScript = fileURLToPath(new URL('../../scripts/ensure-flower.mjs', import.meta.url));
// ensure-flower.mjs exit codes that mean "this machine cannot run Python tests".
const SKIP_CODES = new Set([3, 4]);

let cached: FlwrPython | undefined;

export function flwrPython(): FlwrPython {
  if (cached) return cached;
  const override = process.env.NEURITE_FLWR_PYTHON;
  if (override) {
    if (!existsSync(override)) throw new Error(`NEURITE_FLWR_PYTHON=${override} does not exist`);
    cached = { python: override };
    return cached;
  }
  const r = spawnSync(process.execPath, [ensureScript, '--json'], { encoding: 'utf8', timeout: 20 * 60_000 });
  const line = r.stdout.trim().split('\n').pop() ?? '';
  let result: { ok: boolean; python?: string; code?: number; reason?: string };
  try {
    result = JSON.parse(line);
  } catch {
    throw new Error(`ensure-flower.mjs printed no result (exit ${r.status}): ${r.stdout}${r.stderr}`);
  }
  if (result.ok && result.python) cached = { python: result.python };
  else if (result.code !== undefined && SKIP_CODES.has(result.code)) cached = { skip: result.reason ?? 'Flower tests skipped' };
  else throw new Error(`Flower setup failed: ${result.reason}`);
  return cached;
}

/** Runs a Python script with the flwr interpreter: JSON in on stdin, JSON out on stdout. */
export function runPython<T = unknown>(python: string, script: string, input: unknown, env: Record<string, string> = {}): T {
  const r = spawnSync(python, ['-c', script], {
    input: JSON.stringify(input),
    encoding: 'utf8',
    maxBuffer: 1 << 30,
    timeout: 5 * 60_000,
    env: { ...process.env, ...env },
  });
  if (r.status !== 0) throw new Error(`python exited ${r.status}${r.error ? ` (${r.error.message})` : ''}:\n${r.stderr}`);
  return JSON.parse(r.stdout) as T;
}
