import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { numberedDirs, readArrayDir, type ArrayDir } from './npy-dir.js';
import { flowerProcessEnv } from './python-env.js';
import { startProcess } from './processes.js';
import type { SuperLinkHandle } from './superlink.js';

/** examples/flower: the Flower app (ServerApp with Flower's FedAvg, NumPy ClientApp). */
export const exampleAppDir = fileURLToPath(new URL('../../../../examples/flower', import.meta.url));

export interface ServerAppOptions {
  superlink: SuperLinkHandle;
  rounds: number;
  /** FedAvg's min-train-nodes and min-available-nodes (and min-evaluate-nodes unless evaluate is off). */
  minClients: number;
  /** FedAvg's fraction-train; default 1. */
  fraction?: number;
  /** Run the federated evaluate phase; default true. Off halves a test round's time. */
  evaluate?: boolean;
  /** Initial global arrays (written as the app's init-dir); default: the app's built-in model. */
  initDir?: string;
  /** Where the Python ClientApp records the arrays it sends. */
  recordDir?: string;
  /** Other run-config keys of examples/flower/pyproject.toml (lr, local-epochs, ...). */
  config?: Record<string, string | number | boolean>;
}

export interface GlobalRound {
  readonly round: number;
  readonly arrays: ArrayDir['arrays'];
}

export interface ServerAppRun {
  /** Directory the ServerApp writes round-<r>/ into (round 0: the initial arrays). */
  readonly outDir: string;
  /** Resolves when the run ended normally, with the global arrays of rounds 0..rounds. */
  readonly done: Promise<GlobalRound[]>;
  /** The global arrays written so far, round 0 first. */
  globals(): GlobalRound[];
  stop(): Promise<void>;
}

function tomlValue(v: string | number | boolean): string {
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

/** Submits examples/flower to the SuperLink with `flwr run --stream` and follows the run. */
export function runServerApp(options: ServerAppOptions): ServerAppRun {
  const { superlink } = options;
  const dir = mkdtempSync(join(superlink.dir, 'run-'));
  const cliHome = join(dir, 'cli-home');
  const outDir = join(dir, 'out');
  mkdirSync(cliHome);
  writeFileSync(join(cliHome, 'config.toml'), `[superlink]\ndefault = "local"\n\n[superlink.local]\naddress = ${JSON.stringify(superlink.controlAddress)}\ninsecure = true\n`);

  const evaluate = options.evaluate ?? true;
  const config: Record<string, string | number | boolean> = {
    'num-server-rounds': options.rounds,
    'min-train-nodes': options.minClients,
    'min-available-nodes': options.minClients,
    'min-evaluate-nodes': evaluate ? options.minClients : 0,
    'fraction-train': options.fraction ?? 1,
    'fraction-evaluate': evaluate ? 1 : 0,
    'out-dir': outDir,
    'init-dir': options.initDir ?? '',
    'record-dir': options.recordDir ?? '',
    ...options.config,
  };
  const args = ['run', exampleAppDir, 'local', '--stream'];
  for (const [k, v] of Object.entries(config)) args.push('--run-config', `${k}=${tomlValue(v)}`);
  const proc = startProcess('flwr run', join(superlink.bin, 'flwr'), args, {
    env: flowerProcessEnv(superlink.bin, cliHome),
    logFile: join(dir, 'flwr-run.log'),
  });

  const globals = (): GlobalRound[] => numberedDirs(outDir, 'round-').map(({ n, path }) => ({ round: n, arrays: readArrayDir(path).arrays }));
  const done = proc.exited.then((code) => {
    // `flwr run --stream` returns when the run ends, also when the ServerApp failed,
    // so completion is judged by the file the ServerApp writes last.
    if (!existsSync(join(outDir, 'done.json'))) {
      const tail = readFileSync(proc.logFile, 'utf8').split('\n').slice(-30).join('\n');
      throw new Error(`the Flower run ended (flwr exit ${code}) without finishing; SuperLink log: ${superlink.logFile}\n${tail}`);
    }
    return globals();
  });
  // The caller may never await `done` when another step of its test fails first.
  done.catch(() => undefined);
  return { outDir, done, globals, stop: () => proc.stop() };
}
