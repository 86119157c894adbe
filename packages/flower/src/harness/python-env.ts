import { spawnSync } from 'node:child_process';
import { delimiter } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FlowerEnv = { ok: true; venv: string; python: string; bin: string; flwr: string } | { ok: false; code: number; reason: string };

const script = fileURLToPath(new URL('../../scripts/ensure-flower.mjs', import.meta.url));

/**
 * Creates or reuses .venv-flower through scripts/ensure-flower.mjs. When Python
 * is missing the result carries the one line the tests print as their skip reason.
 */
export function ensureFlowerEnv(): FlowerEnv {
  const r = spawnSync(process.execPath, [script, '--json'], { encoding: 'utf8', timeout: 15 * 60_000 });
  const line = (r.stdout ?? '').trim().split('\n').pop() ?? '';
  try {
    return JSON.parse(line) as FlowerEnv;
  } catch {
    return { ok: false, code: r.status ?? 1, reason: `ensure-flower.mjs printed no result (exit ${r.status}): ${(r.stderr ?? '').trim().slice(0, 500)}` };
  }
}

/** Environment for Flower's commands: the venv first on PATH (they start each other by name). */
export function flowerProcessEnv(bin: string, flwrHome: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    PATH: `${bin}${delimiter}${process.env.PATH ?? ''}`,
    FLWR_HOME: flwrHome,
    // The default 1 s poll for new ServerApp/ClientApp tasks is most of a test round.
    FLWR_SUPEREXEC_TASK_POLL_INTERVAL: '0.1',
    // No update check against the network, no telemetry.
    FLWR_TELEMETRY_ENABLED: '0',
    FLWR_DISABLE_UPDATE_CHECK: '1',
    PYTHONUNBUFFERED: '1',
    ...extra,
  };
}
