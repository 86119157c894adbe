import type { Argv, CommandModule } from 'yargs';
import { createPrivateKey } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { NeuriteError, dispose, tensor } from '@neurite/core';
import { loadMnistArrays, parsePartitionScheme, partition, partitionIid, type PartitionScheme } from '@neurite/data';
import { sgd } from '@neurite/optimizers';
import { parseBackendChoice, selectBackend } from '../backends.js';
import type { PreparedData } from '../datasets.js';
import { UsageError, describeFsError } from '../errors.js';
import { buildModel } from '../models.js';
import type { GlobalOptions, Ui } from '../ui.js';
import { thinRows } from '../thin-rows.js';

export interface FlowerClientArgs {
  superlink?: string;
  grpc: boolean;
  insecure: boolean;
  rootCertificates?: string;
  authKey?: string;
  dataset: string;
  partition?: string;
  partitioner: string;
  model: string;
  lr: number;
  seed: number;
  limit?: number;
}

interface Checked {
  superlink: string;
  index: number;
  count: number;
  scheme: PartitionScheme;
  model: 'mlp' | 'cnn';
}

const shown = (v: number) => (Number.isNaN(v) ? 'a non-number' : String(v));

/** Every mistake that can be found before files are read, data loads or a backend starts. */
export function checkFlowerClientArgs(a: FlowerClientArgs): Checked {
  if (a.superlink === undefined) throw new UsageError('flower-client needs --superlink HOST:PORT (the SuperLink Fleet API, e.g. 127.0.0.1:9092)');
  const link = /^(?:\[([0-9a-fA-F:]+)\]|([^\s/:[\]]+)):(\d{1,5})$/.exec(a.superlink.trim());
  const port = link ? Number(link[3]) : NaN;
  if (!link || !(port >= 1 && port <= 65535)) throw new UsageError(`--superlink '${a.superlink}' is not HOST:PORT with a port from 1 to 65535 - e.g. 127.0.0.1:9092 or [::1]:9092`);
  if (a.insecure && a.rootCertificates !== undefined) throw new UsageError('--insecure and --root-certificates contradict each other - use --insecure for a local SuperLink without TLS, or --root-certificates CA.pem to verify its certificate');
  if (a.dataset.toLowerCase() !== 'mnist') throw new UsageError(`flower-client supports --dataset mnist only for now, got '${a.dataset}'`);
  const model = a.model.toLowerCase();
  if (model !== 'mlp' && model !== 'cnn') throw new UsageError(`flower-client supports --model mlp or cnn, got '${a.model}'`);
  if (a.partition === undefined) throw new UsageError('flower-client needs --partition I/N: this client takes part I (0 to N-1) of N (e.g. --partition 0/3)');
  const part = /^(\d+)\/(\d+)$/.exec(a.partition.trim());
  const [index, count] = part ? [Number(part[1]), Number(part[2])] : [NaN, NaN];
  if (!part || !Number.isSafeInteger(count) || count < 1 || count > 100_000) throw new UsageError(`--partition '${a.partition}' is not I/N with N from 1 to 100000 - e.g. --partition 0/3 for the first of three clients`);
  if (!(index < count)) throw new UsageError(`--partition ${a.partition}: part ${index} does not exist among ${count} (parts are 0 to ${count - 1})`);
  if (!(Number.isSafeInteger(a.seed) && a.seed >= 0 && a.seed <= 2 ** 32 - 1)) throw new UsageError(`--seed must be an integer in [0, ${2 ** 32 - 1}], got ${shown(a.seed)}`);
  if (!(Number.isFinite(a.lr) && a.lr > 0)) throw new UsageError(`--lr must be a finite number > 0, got ${shown(a.lr)}`);
  if (a.limit !== undefined && !(Number.isSafeInteger(a.limit) && a.limit >= 1 && a.limit <= 100_000_000)) throw new UsageError(`--limit must be an integer in [1, 100000000], got ${shown(a.limit)}`);
  let scheme: PartitionScheme;
  try {
    scheme = parsePartitionScheme(a.partitioner);
  } catch (e) {
    throw new UsageError(`--partitioner: ${(e as Error).message}`);
  }
  return { superlink: a.superlink.trim(), index, count, scheme, model };
}

async function readPem(path: string, flag: string, what: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (e) {
    throw new UsageError(`cannot read ${flag} '${path}': ${describeFsError(e)} - check the path`);
  }
  if (!text.includes('-----BEGIN ')) throw new UsageError(`${flag} '${path}' is not a PEM file (no -----BEGIN line) - give ${what}`);
  return text;
}

/** The node's key must be an EC private key, as Flower's node authentication signs with ECDSA. */
async function readAuthKey(path: string): Promise<string> {
  const pem = await readPem(path, '--auth-key', "the node's EC private key in PEM (flwr's key pair, e.g. from ssh-keygen -t ecdsa -m PKCS8)");
  let type: string | undefined;
  try {
    type = createPrivateKey(pem).asymmetricKeyType;
  } catch (e) {
    throw new UsageError(`--auth-key '${path}' is not a readable private key (${(e as Error).message}) - give the node's EC private key in PEM`);
  }
  if (type !== 'ec') throw new UsageError(`--auth-key '${path}' is a ${type} key - Flower's node authentication needs an EC key (ECDSA)`);
  return pem;
}


function rows(d: { x: Float32Array; y: Int32Array }, idx: Int32Array) {
  const x = new Float32Array(idx.length * 784);
  const y = new Int32Array(idx.length);
  idx.forEach((r, i) => {
    x.set(d.x.subarray(r * 784, (r + 1) * 784), i * 784);
    y[i] = d.y[r];
  });
  return { x: tensor(x, [idx.length, 784], 'float32'), y: tensor(y, [idx.length], 'int32') };
}

/** What one answered message reports: the line (or JSON line) the command prints. */
export interface RoundReport {
  round: number | null;
  type: string;
  examples: number | null;
  loss: number | null;
  accuracy: number | null;
  seconds: number;
  error?: string;
}

const f4 = (v: number | null) => (v === null || !Number.isFinite(v) ? '-' : v.toFixed(4));

export function reportLine(r: RoundReport): string {
  const parts = [`round ${r.round ?? '-'}`, r.type.padEnd(8), `examples ${r.examples ?? '-'}`];
  if (r.error !== undefined) parts.push(`failed: ${r.error}`);
  else parts.push(`loss ${f4(r.loss)}`, `accuracy ${f4(r.accuracy)}`);
  parts.push(`${r.seconds.toFixed(2)} s`);
  return parts.join('  ');
}

type Flower = typeof import('@neurite/flower');
type App = ReturnType<Flower['neuriteClientApp']>;
/** connect's shape as this command uses it (kept narrow so the command builds against any @neurite/flower that has the client app). */
interface FleetHandleLike {
  readonly done: Promise<void>;
  stop(): Promise<void>;
}
type Connect = (options: Record<string, unknown>, app: App) => FleetHandleLike;

/** Reports each handled message through `report`, without changing what the handler answers. */
function reporting(flower: Flower, app: App, report: (r: RoundReport) => void): App {
  const handlers = Object.fromEntries(
    Object.entries(app.handlers).map(([type, handler]) => [
      type,
      async (message: Parameters<typeof handler>[0], context: Parameters<typeof handler>[1]) => {
        const started = performance.now();
        const config = message.content.get('config');
        const round = config?.kind === 'config' && config.values.has('server-round') ? flower.recordNumber(config, 'server-round') : Number(message.metadata.groupId) || null;
        const seconds = () => (performance.now() - started) / 1000;
        try {
          const reply = await handler(message, context);
          const metrics = reply.get('metrics');
          const get = (k: string) => (metrics?.kind === 'metric' && metrics.values.has(k) ? flower.recordNumber(metrics, k) : null);
          const prefix = type === 'train' ? 'train' : 'eval';
          report({ round, type: message.metadata.messageType, examples: get('num-examples'), loss: get(`${prefix}_loss`), accuracy: get(`${prefix}_acc`), seconds: seconds() });
          return reply;
        } catch (e) {
          report({ round, type: message.metadata.messageType, examples: null, loss: null, accuracy: null, seconds: seconds(), error: e instanceof Error ? e.message : String(e) });
          throw e;
        }
      },
    ]),
  );
  return { handlers };
}

export async function runFlowerClient(a: FlowerClientArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  const c = checkFlowerClientArgs(a);
  const rootCertificates = a.rootCertificates === undefined ? undefined : await readPem(a.rootCertificates, '--root-certificates', "the PEM certificate of the CA that signed the SuperLink's certificate");
  const authKey = a.authKey === undefined ? undefined : await readAuthKey(a.authKey);
  const flower: Flower = await import('@neurite/flower');
  const connect = (flower as unknown as { connect?: Connect }).connect;
  if (typeof connect !== 'function') throw new Error('this build of @neurite/flower has no connect() (the Fleet API client) - update @neurite/flower');

  const selected = await selectBackend(parseBackendChoice(g.backend), { threads: g.threads, warn: ui.warn });
  const { train: fullTrain, test: fullTest } = await loadMnistArrays('standard');
  const trainArrays = thinRows(fullTrain, a.limit);
  const testArrays = thinRows(fullTest, a.limit === undefined ? undefined : Math.max(c.count, Math.ceil(a.limit / 6)));
  let trainPart: Int32Array;
  let testPart: Int32Array;
  try {
    // Every client computes the same split from the same seed and keeps its own part.
    trainPart = partition(trainArrays.y, c.scheme, { clients: c.count, seed: a.seed })[c.index];
    testPart = partitionIid(testArrays.y.length, { clients: c.count, seed: a.seed + 1 })[c.index];
  } catch (e) {
    if (e instanceof NeuriteError) throw new UsageError(`--partitioner ${a.partitioner} with --partition ${a.partition}: ${e.message}`);
    throw e;
  }
  const train = rows(trainArrays, trainPart);
  const test = rows(testArrays, testPart);
  const prepared: PreparedData = {
    name: 'mnist',
    train,
    test,
    task: 'multiclass',
    inputShape: [784],
    imageShape: [28, 28, 1],
    outputUnits: 10,
    defaults: { epochs: 1, batchSize: 32, learningRate: a.lr, model: c.model },
  };
  const model = buildModel({ preset: c.model }, prepared, a.seed);
  ui.info(`backend: ${selected.label}${g.backend === 'auto' ? ' (auto)' : ''}; mnist part ${c.index}/${c.count} (${a.partitioner}): ${trainPart.length} training, ${testPart.length} test examples; model ${c.model}`);

  const app = flower.neuriteClientApp({ model, train, test, optimizer: () => sgd({ learningRate: a.lr }), seed: a.seed });
  const report = (r: RoundReport) => (ui.json ? ui.result(r) : ui.out(reportLine(r)));
  let signalled: NodeJS.Signals | undefined;
  const handle = connect(
    {
      superlink: c.superlink,
      transport: a.grpc ? 'grpc' : 'http',
      insecure: a.insecure,
      ...(rootCertificates !== undefined ? { rootCertificates } : {}),
      ...(authKey !== undefined ? { authKey } : {}),
      nodeConfig: { 'partition-id': c.index, 'num-partitions': c.count },
      onEvent: (e: { type: string; [k: string]: unknown }) => {
        if (e.type === 'connected') ui.info(`joined ${c.superlink} over ${a.grpc ? 'gRPC' : 'HTTP'} as node ${String(e.nodeId)}`);
        else if (e.type === 'reconnecting') ui.warn(`SuperLink unreachable (${String(e.error)}): retry ${String(e.attempt)} in ${(Number(e.delayMs) / 1000).toFixed(1)} s`);
        else if (e.type === 'dropped') ui.warn(`message ${String(e.messageType)} dropped: ${String(e.reason)}`);
        else if (e.type === 'rejoining') ui.warn(`rejoining: ${String(e.reason)}`);
        else if (e.type === 'heartbeat-failed') ui.warn(`heartbeat failed: ${String(e.error)}`);
      },
    },
    reporting(flower, app, report),
  );
  // Ctrl-C leaves the federation properly (the SuperLink deactivates the node at once); a second one quits.
  const onSignal = (s: NodeJS.Signals) => {
    if (signalled) process.exit(130);
    signalled = s;
    ui.warn(`${s === 'SIGINT' ? 'interrupted' : s}: leaving the federation (Ctrl-C again to quit at once)`);
    void handle.stop().catch(() => undefined);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  try {
    await handle.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    model.dispose();
    dispose([train.x, train.y, test.x, test.y]);
  }
  return signalled === 'SIGINT' ? 130 : signalled === 'SIGTERM' ? 143 : 0;
}

type Runner = (f: (g: GlobalOptions, ui: Ui) => Promise<number>, argv: Record<string, unknown>) => Promise<void>;

/** The `flower-client` command for yargs' `.command(...)`. */
export function flowerClientCommand(run: Runner): CommandModule {
  return {
    command: 'flower-client',
    describe: 'Join a Flower federation as a client (SuperNode) training on an MNIST partition',
    builder: (y: Argv) =>
      y
        .option('superlink', { requiresArg: true, type: 'string', describe: "HOST:PORT of the SuperLink's Fleet API" })
        .option('grpc', { type: 'boolean', describe: "Use the SuperLink's gRPC Fleet API (its compatibility server) instead of HTTP", default: false })
        .option('insecure', { type: 'boolean', describe: 'No TLS (a local SuperLink started with --insecure)', default: false })
        .option('root-certificates', { requiresArg: true, type: 'string', describe: "PEM of the CA that signed the SuperLink's certificate" })
        .option('auth-key', { requiresArg: true, type: 'string', describe: 'PEM EC private key of a node registered with flwr supernode register', defaultDescription: 'a throw-away key, self-registered' })
        .option('dataset', { requiresArg: true, alias: 'd', type: 'string', describe: 'mnist', default: 'mnist' })
        .option('partition', { requiresArg: true, type: 'string', describe: 'I/N: this client trains on part I (0 to N-1) of N' })
        .option('partitioner', { requiresArg: true, type: 'string', describe: 'iid, dirichlet:ALPHA or shards:K (every client must use the same, and the same --seed)', default: 'iid' })
        .option('model', { requiresArg: true, alias: 'm', type: 'string', describe: 'mlp or cnn (the ServerApp must send weights of this model)', default: 'mlp' })
        .option('lr', { requiresArg: true, type: 'number', describe: "Local SGD learning rate when the server's config has no lr", default: 0.1 })
        .option('seed', { requiresArg: true, type: 'number', describe: 'Partition, model and shuffling', default: 42 })
        .option('limit', { requiresArg: true, type: 'number', describe: 'At most N training examples before partitioning (quick runs)' })
        .example('$0 flower-client --superlink 127.0.0.1:9092 --insecure --partition 0/2', 'the first of two clients of a local SuperLink')
        .example('$0 flower-client --superlink link:9092 --root-certificates ca.pem --partition 3/10 --partitioner dirichlet:0.5', 'over TLS, label-skewed data'),
    handler: (argv) =>
      run(
        (g, ui) =>
          runFlowerClient(
            {
              superlink: argv.superlink as string | undefined,
              grpc: argv.grpc as boolean,
              insecure: argv.insecure as boolean,
              rootCertificates: argv['root-certificates'] as string | undefined,
              authKey: argv['auth-key'] as string | undefined,
              dataset: argv.dataset as string,
              partition: argv.partition as string | undefined,
              partitioner: argv.partitioner as string,
              model: argv.model as string,
              lr: argv.lr as number,
              seed: argv.seed as number,
              limit: argv.limit as number | undefined,
            },
            g,
            ui,
          ),
        argv,
      ),
  };
}
