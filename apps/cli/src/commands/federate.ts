import type { Argv, CommandModule } from 'yargs';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NeuriteError } from '@neurite/core';
import { loadMnistArrays, parsePartitionScheme, partition, type PartitionScheme } from '@neurite/data';
import { DP_KEYS, loadServerState, parseStrategy, serverSettings, settingsDifferences, simulate, type BackendSpec, type Behaviour, type DpOptions, type RoundRecord, type RunSettings, type Strategy } from '@neurite/federated';
import { parseBackendChoice, selectBackend, type Selected } from '../backends.js';
import { UsageError, describeFsError } from '../errors.js';
import { plotFormat, writePlot } from '../plot.js';
import { table, type GlobalOptions, type Ui } from '../ui.js';
import { thinRows } from '../thin-rows.js';

export interface FederateArgs {
  dataset: string;
  model: string;
  clients: number;
  partition: string;
  rounds: number;
  strategy: string;
  localEpochs: number;
  batchSize: number;
  lr: number;
  fraction: number;
  minClients?: number;
  timeout: number;
  dpClip?: number;
  dpNoise?: number;
  dpAdaptive: boolean;
  dpDelta: number;
  dpSampling: 'fixed' | 'poisson';
  secureAggregation: boolean;
  byzantine: number;
  workers: number;
  checkpoint?: string;
  resume: boolean;
  force: boolean;
  plot?: string;
  seed: number;
  limit?: number;
}

/** Node's timers hold at most 2^31 - 1 ms; a longer delay fires after 1 ms (and would drop every client). */
const MAX_TIMER_MS = 2 ** 31 - 1;

const shown = (v: number) => (Number.isNaN(v) ? 'a non-number' : String(v));

function int(name: string, v: number | undefined, min: number, max: number = Number.MAX_SAFE_INTEGER): void {
  if (v === undefined) return;
  if (!(Number.isSafeInteger(v) && v >= min && v <= max)) throw new UsageError(`--${name} must be an integer in [${min}, ${max}], got ${shown(v)}`);
}
function positive(name: string, v: number | undefined): void {
  if (v === undefined) return;
  if (!(Number.isFinite(v) && v > 0)) throw new UsageError(`--${name} must be a finite number > 0, got ${shown(v)}`);
}

/** Every mistake that can be found before data loads or a backend starts. */
function checkArgs(a: FederateArgs): { scheme: PartitionScheme; strategy: Strategy } {
  if (a.dataset.toLowerCase() !== 'mnist') throw new UsageError(`federate supports --dataset mnist only for now, got '${a.dataset}'`);
  if (a.model.toLowerCase() !== 'mlp') throw new UsageError(`federate supports --model mlp only for now (784-128-10), got '${a.model}'`);
  // Upper ends: what fits the run's memory and arithmetic (seeds are 32-bit), not a preference.
  int('clients', a.clients, 1, 100_000);
  int('rounds', a.rounds, 1, 1_000_000);
  int('local-epochs', a.localEpochs, 1, 100_000);
  int('batch-size', a.batchSize, 1, 1_000_000);
  int('min-clients', a.minClients, 1, 100_000);
  int('byzantine', a.byzantine, 0, 100_000);
  int('workers', a.workers, 0, 256);
  int('seed', a.seed, 0, 2 ** 32 - 1);
  int('limit', a.limit, 1, 100_000_000);
  positive('lr', a.lr);
  if (!(Number.isFinite(a.timeout) && a.timeout * 1000 >= 1 && a.timeout * 1000 <= MAX_TIMER_MS)) {
    throw new UsageError(`--timeout must be a number of seconds in [0.001, ${MAX_TIMER_MS / 1000}] (Node's timer range), got ${shown(a.timeout)}`);
  }
  if (!(a.fraction > 0 && a.fraction <= 1)) throw new UsageError(`--fraction must be in (0, 1], got ${shown(a.fraction)}`);
  if (a.byzantine >= a.clients) throw new UsageError(`--byzantine ${a.byzantine} leaves no honest client among ${a.clients} - use fewer`);
  if (a.minClients !== undefined && a.minClients > a.clients) throw new UsageError(`--min-clients ${a.minClients} is more than --clients ${a.clients}`);
  if ((a.dpClip === undefined) !== (a.dpNoise === undefined)) throw new UsageError('differential privacy needs both --dp-clip and --dp-noise (e.g. --dp-clip 1.0 --dp-noise 1.1)');
  positive('dp-clip', a.dpClip);
  if (a.dpNoise !== undefined && !(Number.isFinite(a.dpNoise) && a.dpNoise >= 0)) throw new UsageError(`--dp-noise must be a finite number >= 0, got ${shown(a.dpNoise)}`);
  if (!(a.dpDelta > 0 && a.dpDelta < 1)) throw new UsageError(`--dp-delta must be in (0, 1), got ${shown(a.dpDelta)}`);
  if (a.resume && a.checkpoint === undefined) throw new UsageError('--resume needs --checkpoint DIR (the directory of the run to continue)');
  if (a.force && !a.resume) throw new UsageError('--force only applies to --resume (it resumes a checkpoint whose settings differ)');
  if (a.plot !== undefined) plotFormat(a.plot);
  let scheme: PartitionScheme;
  let strategy: Strategy;
  try {
    scheme = parsePartitionScheme(a.partition);
  } catch (e) {
    throw new UsageError(`--partition: ${(e as Error).message}`);
  }
  try {
    strategy = parseStrategy(a.strategy);
  } catch (e) {
    throw new UsageError(`--strategy: ${(e as Error).message}`);
  }
  // Robust rules say they need every update; DP and secure aggregation give the server only a mean.
  const robust = strategy.aggregation !== 'mean';
  if (a.dpClip !== undefined && robust) throw new UsageError(`--dp-clip with --strategy ${a.strategy}: DP-FedAvg releases one noised mean, which robust aggregation cannot use - use fedavg, fedprox or a FedOpt strategy`);
  if (a.secureAggregation && robust) throw new UsageError(`--secure-aggregation with --strategy ${a.strategy}: the server learns only the sum of the updates, which robust aggregation cannot use - use fedavg, fedprox or a FedOpt strategy`);
  const needed = strategy.minUpdates?.() ?? 1;
  if (needed > a.clients) throw new UsageError(`--strategy ${a.strategy} needs at least ${needed} clients per round but --clients is ${a.clients}`);
  return { scheme, strategy };
}

/** How each worker thread starts the backend this process selected. */
function workerBackend(selected: Selected): BackendSpec {
  const resolve = (name: string) => {
    try {
      return import.meta.resolve(name);
    } catch {
      return name;
    }
  };
  if (selected.name === 'js') return { module: resolve('@neurite/backend-js'), factory: 'createJsBackend', name: 'js' };
  return { module: resolve('@neurite/backend-wasm'), factory: 'createWasmBackend', name: 'wasm', options: { simd: selected.label.includes('SIMD') } };
}


const f4 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(4));
const f2 = (v: number | undefined) => (v === undefined ? '-' : Number.isFinite(v) ? v.toFixed(2) : 'inf');

function progressLine(r: RoundRecord, rounds: number, dp: boolean): string {
  const parts = [`round ${String(r.round).padStart(String(rounds).length)}/${rounds}`, `accuracy ${f4(r.accuracy)}`, `loss ${f4(r.loss)}`, `train loss ${f4(r.trainLoss)}`];
  if (dp) parts.push(`epsilon ${f2(r.epsilon)}`);
  parts.push(`${r.aggregated}/${r.sampled.length} clients`);
  if (r.dropped.length) parts.push(`${r.dropped.length} dropped`);
  if (r.rejected.length) parts.push(`${r.rejected.length} rejected`);
  if (r.attempts > 1) parts.push(`${r.attempts} attempts`);
  parts.push(`${r.seconds.toFixed(1)} s`);
  return parts.join('  ');
}

/** The DP options the run uses, or undefined without DP. */
function privacyOf(a: FederateArgs): DpOptions | undefined {
  return a.dpClip !== undefined ? { clipNorm: a.dpClip, noiseMultiplier: a.dpNoise!, adaptive: a.dpAdaptive, delta: a.dpDelta, sampling: a.dpSampling } : undefined;
}

/**
 * What this command line fixes about a run, recorded in its checkpoint:
 * resuming with any of them changed is refused unless --force. --rounds
 * (resuming to run more is the point), --timeout and --workers (they do not
 * change the result) are left out.
 */
function cliSettings(a: FederateArgs): RunSettings {
  return {
    dataset: a.dataset.toLowerCase(),
    'model.cli': a.model.toLowerCase(),
    'partition.cli': a.partition,
    'strategy.cli': a.strategy,
    localEpochs: a.localEpochs,
    batchSize: a.batchSize,
    lr: a.lr,
    limit: a.limit ?? null,
    byzantine: a.byzantine,
  };
}

/** A checkpoint to resume must be sound and come from the same settings: say so before data loads or a backend starts. */
async function checkResumable(a: FederateArgs, strategy: Strategy, path: string): Promise<void> {
  if (!a.resume || !existsSync(path)) return;
  let s;
  try {
    s = await loadServerState(path);
  } catch (e) {
    if (e instanceof NeuriteError) throw new UsageError(e.message);
    throw e;
  }
  // The server compares the rest (the data split itself, the limits) once it knows them; these are the ones known here.
  const server = serverSettings({
    strategy: strategy.name,
    population: a.clients,
    seed: a.seed,
    fractionFit: a.fraction,
    minFitClients: Math.max(a.minClients ?? 1, strategy.minUpdates?.() ?? 1),
    maxRetries: 2,
    privacy: privacyOf(a),
    secureAggregation: a.secureAggregation ? {} : undefined,
    limits: {},
  });
  const current: RunSettings = { ...cliSettings(a), ...server };
  const keys = [...Object.keys(cliSettings(a)), 'strategy', 'population', 'seed', 'fractionFit', 'minFitClients', 'secureAggregation', ...DP_KEYS];
  const saved: RunSettings = s.settings ?? { strategy: s.strategy, population: s.population, seed: s.seed };
  const differences = settingsDifferences(saved, current, s.settings ? keys : ['strategy', 'population', 'seed']);
  if (differences.length > 0 && !a.force) {
    throw new UsageError(`the checkpoint in '${a.checkpoint}' is from a run with other settings (${differences.join('; ')}) - resume with the same options, add --force to continue anyway, or use another --checkpoint directory`);
  }
}

export async function runFederate(a: FederateArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  const wallStart = performance.now();
  const { scheme, strategy } = checkArgs(a);
  const checkpointPath = a.checkpoint !== undefined ? join(a.checkpoint, 'server.json') : undefined;
  if (checkpointPath) await checkResumable(a, strategy, checkpointPath);
  const selected = await selectBackend(parseBackendChoice(g.backend), { threads: g.threads, warn: ui.warn });
  const { train: fullTrain, test } = await loadMnistArrays('standard');
  const train = thinRows(fullTrain, a.limit);
  let parts: Int32Array[];
  try {
    parts = partition(train.y, scheme, { clients: a.clients, seed: a.seed });
  } catch (e) {
    if (e instanceof NeuriteError) throw new UsageError(`--partition ${a.partition} with ${a.clients} clients: ${e.message}`);
    throw e;
  }
  const behaviours: Record<number, Behaviour> = {};
  for (let i = 0; i < a.byzantine; i++) behaviours[i] = { kind: 'signflip', scale: 10 };
  const dp = a.dpClip !== undefined;
  ui.info(`backend: ${selected.label}${g.backend === 'auto' ? ' (auto)' : ''}; ${a.workers > 0 ? `${a.workers} worker thread${a.workers === 1 ? '' : 's'}` : 'clients in this thread'}`);
  ui.info(
    `federated ${a.strategy} on mnist: ${a.clients} clients (${a.partition}, ${train.y.length.toLocaleString('en-US')} training examples), ${a.rounds} rounds, ` +
      `${a.localEpochs} local epoch${a.localEpochs === 1 ? '' : 's'}${a.byzantine ? `, ${a.byzantine} Byzantine` : ''}${dp ? `, DP clip ${a.dpClip} noise ${a.dpNoise}` : ''}`,
  );

  let result;
  try {
    result = await simulate({
      model: { kind: 'mlp', inputs: 784, hidden: [128], outputs: 10 },
      train,
      test,
      partition: parts,
      training: { epochs: a.localEpochs, batchSize: a.batchSize, learningRate: a.lr },
      strategy,
      rounds: a.rounds,
      seed: a.seed,
      fractionFit: a.fraction,
      ...(a.minClients !== undefined ? { minFitClients: a.minClients } : {}),
      timeoutMs: a.timeout * 1000,
      behaviours,
      workers: a.workers,
      ...(a.workers > 0 ? { backend: workerBackend(selected) } : {}),
      ...(a.secureAggregation ? { secureAggregation: {} } : {}),
      ...(dp ? { privacy: privacyOf(a)! } : {}),
      ...(checkpointPath ? { checkpoint: { path: checkpointPath, resume: a.resume, force: a.force, settings: cliSettings(a) } } : {}),
      onRound: (r) => ui.info(progressLine(r, a.rounds, dp)),
      // What a forced resume changed and what it means for epsilon must be seen, not buried in --verbose.
      log: (line) => (/forced|without differential privacy/.test(line) ? ui.warn(line) : ui.debug(line)),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code !== undefined && checkpointPath) throw new UsageError(`cannot write the checkpoint in '${a.checkpoint}': ${describeFsError(e)} - choose a writable --checkpoint directory`);
    if (e instanceof NeuriteError && (e.name === 'CheckpointError' || (e.name === 'ArgumentError' && /checkpoint/.test(e.message)))) throw new UsageError(e.message.replace(/force the resume/, 'add --force'));
    throw e;
  }
  const h = result.history;
  const last = h.at(-1);
  if (a.plot !== undefined) {
    await writePlot(
      a.plot,
      [
        { title: 'test accuracy', series: [{ label: a.strategy, values: h.map((r) => r.accuracy ?? NaN), color: '#1f77b4' }] },
        {
          title: 'loss',
          series: [
            { label: 'test', values: h.map((r) => r.loss ?? NaN), color: '#d62728' },
            { label: 'train (clients)', values: h.map((r) => r.trainLoss), color: '#ff7f0e', dashed: true },
          ],
        },
      ],
      `federated ${a.strategy}, ${a.clients} clients, ${a.partition} (${selected.label})`,
      { xLabel: 'round' },
    );
  }
  const wallSeconds = (performance.now() - wallStart) / 1000;
  if (ui.json) {
    ui.result({
      dataset: 'mnist',
      model: 'mlp',
      backend: selected.name,
      backendVariant: selected.label,
      clients: a.clients,
      partition: a.partition,
      strategy: a.strategy,
      rounds: a.rounds,
      localEpochs: a.localEpochs,
      batchSize: a.batchSize,
      learningRate: a.lr,
      byzantine: a.byzantine,
      secureAggregation: a.secureAggregation,
      workers: a.workers,
      seed: a.seed,
      trainSamples: train.y.length,
      testSamples: test.y.length,
      // JSON has no Infinity: an unbounded epsilon (no noise, or rounds without DP) is null with unbounded: true.
      dp: dp ? { clipNorm: a.dpClip, noiseMultiplier: a.dpNoise, adaptive: a.dpAdaptive, delta: a.dpDelta, sampling: a.dpSampling, epsilon: last?.epsilon ?? null, unbounded: last?.epsilon === Infinity } : null,
      resumedFrom: result.resumedFrom,
      testAccuracy: last?.accuracy ?? null,
      testLoss: last?.loss ?? null,
      wallSeconds: Math.round(wallSeconds * 1000) / 1000,
      history: h,
    });
    return 0;
  }
  const rows: (string | number)[][] = [['round', 'accuracy', 'loss', 'train loss', 'clients', ...(dp ? ['epsilon'] : [])]];
  for (const r of h) rows.push([r.round, f4(r.accuracy), f4(r.loss), f4(r.trainLoss), `${r.aggregated}/${r.sampled.length}`, ...(dp ? [f2(r.epsilon)] : [])]);
  ui.out(table(rows));
  ui.out('');
  const dropped = h.reduce((n, r) => n + r.dropped.length, 0);
  const rejected = h.reduce((n, r) => n + r.rejected.length, 0);
  ui.out(
    `${a.strategy} on mnist, ${a.clients} clients (${a.partition}): test accuracy ${f4(last?.accuracy)} after ${h.length} rounds` +
      `${dp ? `, epsilon ${f2(last?.epsilon)} at delta ${a.dpDelta}` : ''}${dropped ? `, ${dropped} client answers dropped` : ''}${rejected ? `, ${rejected} updates rejected` : ''}` +
      `${result.resumedFrom ? `, resumed after round ${result.resumedFrom}` : ''}; ${wallSeconds.toFixed(1)} s on ${selected.label}, seed ${a.seed}`,
  );
  if (checkpointPath) ui.out(`server checkpoint: ${checkpointPath}`);
  if (a.plot !== undefined) ui.out(`accuracy per round written to ${a.plot}`);
  return 0;
}

type Runner = (f: (g: GlobalOptions, ui: Ui) => Promise<number>, argv: Record<string, unknown>) => Promise<void>;

/** The `federate` command for yargs' `.command(...)`: options, examples and the handler. */
export function federateCommand(run: Runner): CommandModule {
  return {
    command: 'federate',
    describe: 'Federated training on simulated clients: strategies, privacy, robustness',
    builder: (y: Argv) =>
      y
        .option('dataset', { requiresArg: true, alias: 'd', type: 'string', describe: 'mnist', default: 'mnist' })
        .option('model', { requiresArg: true, alias: 'm', type: 'string', describe: 'mlp (784-128-10)', default: 'mlp' })
        .option('clients', { requiresArg: true, type: 'number', describe: 'Simulated clients', default: 10 })
        .option('partition', { requiresArg: true, type: 'string', describe: 'iid, dirichlet:ALPHA or shards:K', default: 'iid' })
        .option('rounds', { requiresArg: true, type: 'number', describe: 'Federated rounds', default: 20 })
        .option('strategy', { requiresArg: true, alias: 's', type: 'string', describe: 'fedavg, fedprox:MU, fedadagrad, fedadam, fedyogi, median, trimmed:BETA, krum:F, multikrum:F:M, bulyan:F', default: 'fedavg' })
        .option('local-epochs', { requiresArg: true, type: 'number', describe: 'Local epochs per round', default: 1 })
        .option('batch-size', { requiresArg: true, alias: 'b', type: 'number', describe: 'Local batch size (B = 10 as McMahan et al.)', default: 10 })
        .option('lr', { requiresArg: true, type: 'number', describe: 'Local SGD learning rate', default: 0.1 })
        .option('fraction', { requiresArg: true, type: 'number', describe: 'Fraction of clients asked each round', default: 1 })
        .option('min-clients', { requiresArg: true, type: 'number', describe: 'Fewest valid answers a round needs', defaultDescription: '1, or what the strategy needs' })
        .option('timeout', { requiresArg: true, type: 'number', describe: 'Seconds before a silent client is dropped', default: 120 })
        .option('dp-clip', { requiresArg: true, type: 'number', describe: 'DP-FedAvg: clipping norm of each update' })
        .option('dp-noise', { requiresArg: true, type: 'number', describe: 'DP-FedAvg: noise multiplier' })
        .option('dp-adaptive', { type: 'boolean', describe: 'Adapt the clipping norm to the median update norm', default: false })
        .option('dp-delta', { requiresArg: true, type: 'number', describe: 'Delta of the reported (epsilon, delta)', default: 1e-5 })
        .option('dp-sampling', {
          requiresArg: true,
          choices: ['fixed', 'poisson'],
          describe: 'DP: fixed = round(fraction x clients) a round (epsilon as if Poisson, the usual approximation); poisson = each client joins with probability --fraction (epsilon exact)',
          default: 'fixed',
        })
        .option('secure-aggregation', { type: 'boolean', describe: 'Masked updates: the server learns only their sum', default: false })
        .option('byzantine', { requiresArg: true, type: 'number', describe: 'Clients that send sign-flipped updates x10', default: 0 })
        .option('workers', { requiresArg: true, type: 'number', describe: 'Worker threads for the clients (0: this thread)', default: 0 })
        .option('checkpoint', { requiresArg: true, type: 'string', describe: 'Save the server state here after every round' })
        .option('resume', { type: 'boolean', describe: 'Continue from the checkpoint in --checkpoint (refused if its settings differ)', default: false })
        .option('force', { type: 'boolean', describe: 'With --resume: continue even though settings differ (epsilon then counts rounds without DP as unbounded)', default: false })
        .option('plot', { requiresArg: true, type: 'string', describe: 'Write accuracy and loss per round (.png or .svg)' })
        .option('seed', { requiresArg: true, type: 'number', describe: 'Partition, sampling, training, noise', default: 42 })
        .option('limit', { requiresArg: true, type: 'number', describe: 'At most N training examples' })
        .example('$0 federate --partition dirichlet:0.5 --rounds 20', 'FedAvg on label-skewed MNIST')
        .example('$0 federate --strategy krum:2 --byzantine 2', 'Krum against two attackers')
        .example('$0 federate --dp-clip 1.0 --dp-noise 1.1', 'client-level DP, epsilon per round')
        .example('$0 federate --workers 2 --checkpoint run1', 'clients on two threads, resumable'),
    handler: (argv) =>
      run(
        (g, ui) =>
          runFederate(
            {
              dataset: argv.dataset as string,
              model: argv.model as string,
              clients: argv.clients as number,
              partition: argv.partition as string,
              rounds: argv.rounds as number,
              strategy: argv.strategy as string,
              localEpochs: argv['local-epochs'] as number,
              batchSize: argv['batch-size'] as number,
              lr: argv.lr as number,
              fraction: argv.fraction as number,
              minClients: argv['min-clients'] as number | undefined,
              timeout: argv.timeout as number,
              dpClip: argv['dp-clip'] as number | undefined,
              dpNoise: argv['dp-noise'] as number | undefined,
              dpAdaptive: argv['dp-adaptive'] as boolean,
              dpDelta: argv['dp-delta'] as number,
              dpSampling: argv['dp-sampling'] as 'fixed' | 'poisson',
              secureAggregation: argv['secure-aggregation'] as boolean,
              byzantine: argv.byzantine as number,
              workers: argv.workers as number,
              checkpoint: argv.checkpoint as string | undefined,
              resume: argv.resume as boolean,
              force: argv.force as boolean,
              plot: argv.plot as string | undefined,
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
