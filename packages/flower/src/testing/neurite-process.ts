import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { startProcess, type Started } from '../harness/index.js';

/**
 * Neurite clients as separate Node processes (src/testing/neurite-client.mjs
 * over the built dist/), for the end-to-end tests: a federation of processes,
 * as in production, not functions in the test's own process.
 */
const script = fileURLToPath(new URL('./neurite-client.mjs', import.meta.url));
const distIndex = fileURLToPath(new URL('../../dist/index.js', import.meta.url));

/** Throws with the command to run when dist/ is missing or predates connect(). */
export function requireDist(): void {
  if (!existsSync(distIndex) || !readFileSync(distIndex, 'utf8').includes('connect')) {
    throw new Error(`@neurite/flower's dist/ is missing or stale (${distIndex} has no connect export) - run \`npm run build -w @neurite/flower\` first (npm test builds it)`);
  }
}

const dirs = new Set<string>();

/** Removes the stopped clients' logs (kept with NEURITE_KEEP_FLOWER_LOGS=1, as the harness's). */
export function removeClientLogs(): void {
  if (process.env.NEURITE_KEEP_FLOWER_LOGS) return;
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  dirs.clear();
}

export interface NeuriteClientOptions {
  readonly superlink: string;
  readonly transport?: 'http' | 'grpc';
  readonly nodeConfig: Record<string, number | string>;
  readonly authKey?: string;
  readonly heartbeatInterval?: number;
  readonly pollIntervalMs?: number;
  readonly backoff?: { initialMs?: number; maxMs?: number };
}

export interface NeuriteClient {
  readonly process: Started;
  /** The JSON events the client printed so far (bigints as strings). */
  events(): Record<string, unknown>[];
  stop(): Promise<void>;
}

export function startNeuriteClient(options: NeuriteClientOptions): NeuriteClient {
  requireDist();
  const dir = mkdtempSync(join(tmpdir(), 'neurite-flower-client-'));
  dirs.add(dir);
  const proc = startProcess('neurite-client', process.execPath, [script, JSON.stringify({ insecure: true, pollIntervalMs: 200, ...options })], { env: process.env, logFile: join(dir, 'client.log') });
  return {
    process: proc,
    events: () =>
      // The log file appears with the process's first output.
      (existsSync(proc.logFile) ? readFileSync(proc.logFile, 'utf8') : '')
        .split('\n')
        .filter((l) => l.startsWith('{'))
        .map((l) => JSON.parse(l) as Record<string, unknown>),
    stop: () => proc.stop(),
  };
}
