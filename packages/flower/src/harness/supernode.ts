import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { flowerProcessEnv } from './python-env.js';
import { startProcess, type Started } from './processes.js';

export interface PythonSuperNodeHandle {
  readonly process: Started;
  readonly dir: string;
  stop(): Promise<void>;
}

/**
 * Starts Flower's own `flower-supernode` (the reference client), which runs the
 * ClientApp of the submitted app (examples/flower: a NumPy client).
 */
export async function startPythonSuperNode(options: {
  bin: string;
  fleetAddress: string;
  /** Node config, e.g. { 'partition-id': 0, 'num-examples': 10 }. */
  nodeConfig?: Record<string, string | number>;
}): Promise<PythonSuperNodeHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-supernode-'));
  // Each SuperNode serves a Runtime API for its ClientApp processes; the default port (9094) would clash.
  const runtimePort = await freePort();
  const nodeConfig = Object.entries(options.nodeConfig ?? {})
    .map(([k, v]) => `${k}=${typeof v === 'number' ? v : JSON.stringify(v)}`)
    .join(' ');
  const args = ['--insecure', '--superlink', options.fleetAddress, '--host', '127.0.0.1', '--port', String(runtimePort)];
  if (nodeConfig) args.push('--node-config', nodeConfig);
  const proc = startProcess('flower-supernode', join(options.bin, 'flower-supernode'), args, {
    env: flowerProcessEnv(options.bin, join(dir, 'home')),
    logFile: join(dir, 'supernode.log'),
  });
  return {
    process: proc,
    dir,
    async stop() {
      await proc.stop();
      if (!process.env.NEURITE_KEEP_FLOWER_LOGS) rmSync(dir, { recursive: true, force: true });
    },
  };
}
