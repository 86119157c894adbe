import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort } from './ports.js';
import { flowerProcessEnv } from './python-env.js';
import { startProcess, waitForPort, type Started } from './processes.js';

export interface SuperLinkOptions {
  /** bin/ of the Flower venv (from ensureFlowerEnv()). */
  bin: string;
  /**
   * Also serve the legacy gRPC Fleet API (flwr 1.42 speaks the Fleet API over
   * HTTP by default and keeps gRPC-rere only behind FLWR_INTERNAL_GRPC_FLEET_API=1).
   */
  grpcFleet?: boolean;
  /** Keep the SuperLink's state in a SQLite file, so a restart continues the run. */
  persistent?: boolean;
}

export interface SuperLinkHandle {
  /** host:port of the one HTTP server: Fleet (REST), Control and Runtime APIs. */
  readonly address: string;
  /** Where SuperNodes connect over the REST (protobuf over HTTP) Fleet API. */
  readonly fleetAddress: string;
  /** Where SuperNodes connect over gRPC, when started with grpcFleet. */
  readonly grpcFleetAddress: string | undefined;
  /** Where `flwr run` submits runs. */
  readonly controlAddress: string;
  /** Temp directory with the logs, FLWR_HOME and state; removed by stop(). */
  readonly dir: string;
  readonly logFile: string;
  readonly bin: string;
  /** Kills the SuperLink (and the SuperExec/ServerApps it started) and starts it again on the same ports. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts `flower-superlink --insecure` on free loopback ports with its state in a temp dir. */
export async function startSuperLink(options: SuperLinkOptions): Promise<SuperLinkHandle> {
  const dir = mkdtempSync(join(tmpdir(), 'neurite-superlink-'));
  mkdirSync(join(dir, 'home'));
  const host = '127.0.0.1';
  const port = await freePort();
  const grpcPort = options.grpcFleet ? await freePort() : undefined;
  const logFile = join(dir, 'superlink.log');
  const args = ['--insecure', '--host', host, '--port', String(port), '--disable-runtime-dependency-installation'];
  if (options.persistent) args.push('--database', join(dir, 'state.db'));
  if (grpcPort !== undefined) args.push('--fleet-api-address', `${host}:${grpcPort}`);
  const env = flowerProcessEnv(options.bin, join(dir, 'home'), grpcPort !== undefined ? { FLWR_INTERNAL_GRPC_FLEET_API: '1' } : {});

  let proc: Started;
  const launch = async () => {
    proc = startProcess('flower-superlink', join(options.bin, 'flower-superlink'), args, { env, logFile });
    try {
      await waitForPort(host, port, proc);
      if (grpcPort !== undefined) await waitForPort(host, grpcPort, proc);
    } catch (err) {
      await proc.stop();
      throw err;
    }
  };
  await launch();

  let stopped = false;
  return {
    address: `${host}:${port}`,
    fleetAddress: `${host}:${port}`,
    grpcFleetAddress: grpcPort !== undefined ? `${host}:${grpcPort}` : undefined,
    controlAddress: `${host}:${port}`,
    dir,
    logFile,
    bin: options.bin,
    async restart() {
      await proc.stop();
      await launch();
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      await proc.stop();
      if (!process.env.NEURITE_KEEP_FLOWER_LOGS) rmSync(dir, { recursive: true, force: true });
    },
  };
}
