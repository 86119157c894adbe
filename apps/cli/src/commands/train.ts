import { NeuriteError } from '@neurite/core';
import { getMetric, type Model, type TrainingContext } from '@neurite/layers';
import { parseBackendChoice, selectBackend } from '../backends.js';
import { openCheckpointWriter, type CheckpointWriter, type ModelMeta } from '../checkpoint.js';
import { disposeData, loadDataset, parseDatasetSpec, readText, type PreparedData } from '../datasets.js';
import { UsageError } from '../errors.js';
import { MODEL_PRESETS, PRESET_LEARNING_RATES, buildModel, checkPresetFitsDataset, headFor, isModelFile, makeOptimizer, parseModelConfig, type ModelConfig } from '../models.js';
import { historyPanels, plotFormat, writePlot } from '../plot.js';
import { progressCallback } from '../progress.js';
import { table, type GlobalOptions, type Ui } from '../ui.js';

export interface TrainArgs {
  model?: string;
  dataset?: string;
  target?: string;
  epochs?: number;
  batchSize?: number;
  optimizer: string;
  lr?: number;
  seed: number;
  validationSplit: number;
  out?: string;
  /** Replace a model.json in --out that Neurite did not write. */
  force?: boolean;
  plot?: string;
  limit?: number;
}

function intOption(name: string, v: number | undefined, min: number, max: number): number | undefined {
  if (v === undefined) return undefined;
  if (!Number.isInteger(v) || v < min || v > max) throw new UsageError(`--${name} must be an integer from ${min} to ${max}, got ${Number.isNaN(v) ? 'a non-number' : v}`);
  return v;
}

/** Everything that can be checked before a backend starts or data loads, so mistakes fail at once. */
async function checkArgs(a: TrainArgs): Promise<{ preset?: string; config?: ModelConfig; dataset: string }> {
  intOption('epochs', a.epochs, 1, 1_000_000);
  intOption('batch-size', a.batchSize, 1, 2 ** 24);
  intOption('seed', a.seed, 0, 2 ** 32 - 1);
  intOption('limit', a.limit, 1, 2 ** 31 - 1);
  if (a.lr !== undefined && !(Number.isFinite(a.lr) && a.lr > 0 && a.lr <= 1e3)) throw new UsageError(`--lr must be a number > 0 and at most 1000, got ${a.lr}`);
  if (!(a.validationSplit >= 0 && a.validationSplit < 1)) throw new UsageError(`--validation-split must be in [0, 1), got ${a.validationSplit}`);
  makeOptimizer(a.optimizer, 0.001);
  let preset: string | undefined;
  let config: ModelConfig | undefined;
  if (a.model !== undefined) {
    if (isModelFile(a.model)) config = parseModelConfig(await readText(a.model, 'model config'), a.model);
    else {
      preset = a.model.toLowerCase();
      if (!(MODEL_PRESETS as readonly string[]).includes(preset)) throw new UsageError(`unknown model '${a.model}' - use a preset (${MODEL_PRESETS.join(', ')}) or a model-config .json file`);
    }
  }
  const dataset = a.dataset ?? (preset === 'xor' ? 'xor' : preset === 'linear' ? 'linear' : 'mnist');
  const parsed = parseDatasetSpec(dataset);
  if (preset !== undefined) checkPresetFitsDataset(preset, parsed.kind, dataset);
  if (a.target !== undefined && parsed.kind !== 'csv') throw new UsageError(`--target applies to --dataset csv:PATH only (the column to predict)`);
  if (a.plot !== undefined) plotFormat(a.plot);
  return { preset, config, dataset };
}

const f4 = (v: number | undefined) => (v === undefined || !Number.isFinite(v) ? '-' : v.toFixed(4));

export async function runTrain(a: TrainArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  const wallStart = performance.now();
  const checked = await checkArgs(a);
  // --out is held from here to the end: refused now if it cannot be ours, and no other run writes there meanwhile.
  const writer = a.out === undefined ? undefined : await openCheckpointWriter(a.out, { force: a.force });
  try {
    return await trainAndReport(a, g, ui, checked, writer, wallStart);
  } finally {
    await writer?.close();
  }
}

async function trainAndReport(a: TrainArgs, g: GlobalOptions, ui: Ui, checked: Awaited<ReturnType<typeof checkArgs>>, writer: CheckpointWriter | undefined, wallStart: number): Promise<number> {
  const selected = await selectBackend(parseBackendChoice(g.backend), { threads: g.threads, warn: ui.warn });
  const data: PreparedData = await loadDataset(checked.dataset, { target: a.target, seed: a.seed, limit: a.limit });
  ui.info(`backend: ${selected.label}${g.backend === 'auto' ? ' (auto)' : ''}`);
  ui.debug(`backend features: ${JSON.stringify(selected.features)}`);
  const modelName = checked.config ? (a.model as string) : (checked.preset ?? data.defaults.model);
  let model: Model;
  try {
    model = buildModel({ preset: checked.config ? undefined : modelName, config: checked.config }, data, a.seed);
  } catch (e) {
    if (e instanceof NeuriteError && !(e instanceof UsageError)) throw new UsageError(`model '${modelName}' does not fit dataset '${data.name}': ${e.message}`);
    throw e;
  }
  const head = headFor(data.task);
  const metricName = head.metrics[0];
  const metric = getMetric(metricName);
  const lr = a.lr ?? (checked.preset ? PRESET_LEARNING_RATES[checked.preset] : undefined) ?? data.defaults.learningRate;
  const optimizer = makeOptimizer(a.optimizer, lr);
  model.compile({ optimizer, loss: head.loss, metrics: [metric] });
  const epochs = a.epochs ?? data.defaults.epochs;
  const batchSize = a.batchSize ?? data.defaults.batchSize;
  const trainCount = data.train.x.shape[0];
  const nVal = Math.floor(trainCount * a.validationSplit);
  ui.info(`training ${modelName} (${model.countParams().total.toLocaleString('en-US')} parameters) on ${data.name}: ${trainCount - nVal} training, ${nVal > 0 ? `${nVal} validation, ` : ''}${data.test.x.shape[0]} test examples`);
  ui.debug(model.summary());

  const meta = (epochsDone: number, interrupted: boolean): ModelMeta => ({
    createdBy: 'neurite train',
    task: data.task,
    dataset: data.name,
    model: modelName,
    seed: a.seed,
    ...(a.limit !== undefined ? { limit: a.limit } : {}),
    ...(data.classes ? { classes: data.classes } : {}),
    ...(data.featureNames ? { featureNames: data.featureNames } : {}),
    ...(data.targetName ? { targetName: data.targetName } : {}),
    ...(data.scaler ? { scaler: data.scaler } : {}),
    epochs: epochsDone,
    interrupted,
  });

  // Ctrl-C: stop after the current batch, keep what was learned. A second one quits at once (the checkpoint swap keeps the last whole model).
  let interrupted = false;
  let ctxRef: TrainingContext | undefined;
  const onSigint = () => {
    if (interrupted) {
      ui.warn('interrupted again: quitting now');
      process.exit(130);
    }
    interrupted = true;
    if (ui.interactive) ui.stderr.write('\r\x1b[2K');
    ui.warn('interrupted: stopping after this batch (Ctrl-C again to quit at once)');
    if (ctxRef) ctxRef.stop('interrupted (Ctrl-C)');
    else model.stopTraining = true;
  };
  process.on('SIGINT', onSigint);

  let epochsDone = 0;
  let examples = 0;
  let saveSeconds = 0;
  let lastSave = -Infinity;
  let savedEpochs = -1;
  const checkpoint = async (done: number, stopped: boolean) => {
    if (writer === undefined) return;
    const t = performance.now();
    await writer.save(model, meta(done, stopped));
    lastSave = performance.now();
    saveSeconds += (lastSave - t) / 1000;
    savedEpochs = done;
  };
  const callbacks = [
    {
      onTrainBegin(ctx: TrainingContext) {
        ctxRef = ctx;
      },
      onBatchEnd(_b: number, logs: Record<string, number>) {
        examples += logs.size ?? 0;
      },
      async onEpochEnd(epoch: number) {
        // fit reports the epoch Ctrl-C cut short too: it is not a finished epoch.
        if (interrupted) return;
        epochsDone = epoch + 1;
        // Checkpoint the first epoch, then at most about once a second (fsync is not free), and always the last.
        if (epoch === 0 || epoch === epochs - 1 || performance.now() - lastSave > 1000) await checkpoint(epochsDone, false);
      },
    },
  ];
  if (!ui.json && !ui.quiet) callbacks.push(progressCallback({ stream: ui.stderr, bar: ui.interactive, metric, metricLabel: metricName, stopped: () => interrupted }) as (typeof callbacks)[number]);

  const fitStart = performance.now();
  let history;
  let fitSeconds;
  try {
    history = await model.fit(data.train.x, data.train.y, { epochs, batchSize, seed: a.seed, validationSplit: a.validationSplit, callbacks, warn: ui.warn });
    fitSeconds = (performance.now() - fitStart) / 1000 - saveSeconds;
    // Still under the Ctrl-C handler: a first Ctrl-C here lets the last save finish.
    if (interrupted && examples > 0) await checkpoint(epochsDone, true);
    else if (savedEpochs !== epochsDone) await checkpoint(epochsDone, false);
  } finally {
    process.off('SIGINT', onSigint);
  }

  const test = model.evaluate(data.test.x, data.test.y, { batchSize: 256 });
  const h = history.history;
  const last = (k: string) => h[k]?.at(-1);
  if (a.plot !== undefined) await writePlot(a.plot, historyPanels(h, metricName), `${modelName} on ${data.name} (${selected.label})`);

  const wallSeconds = (performance.now() - wallStart) / 1000;
  const samplesPerSecond = fitSeconds > 0 ? examples / fitSeconds : 0;
  const result = {
    backend: selected.name,
    backendVariant: selected.label,
    threads: typeof selected.features.threads === 'number' ? selected.features.threads : 1,
    model: modelName,
    dataset: data.name,
    task: data.task,
    epochs: epochsDone,
    epochsRequested: epochs,
    batchSize,
    optimizer: a.optimizer,
    learningRate: lr,
    trainSamples: trainCount - nVal,
    validationSamples: nVal,
    testSamples: data.test.x.shape[0],
    parameters: model.countParams().total,
    loss: last('loss') ?? null,
    accuracy: metricName === 'accuracy' ? (last('accuracy') ?? null) : null,
    valLoss: last('val_loss') ?? null,
    valAccuracy: last('val_accuracy') ?? null,
    testLoss: test.loss,
    testAccuracy: metricName === 'accuracy' ? test.accuracy : null,
    ...(metricName === 'mae' ? { testMae: test.mae } : {}),
    samplesPerSecond: Math.round(samplesPerSecond * 10) / 10,
    fitSeconds: Math.round(fitSeconds * 1000) / 1000,
    wallSeconds: Math.round(wallSeconds * 1000) / 1000,
    seed: a.seed,
    interrupted,
    ...(history.stopReason && !interrupted ? { stopReason: history.stopReason } : {}),
    out: a.out ?? null,
    plot: a.plot ?? null,
  };

  if (ui.json) ui.result(result);
  else {
    const rows: (string | number)[][] = [['', 'loss', metricName]];
    rows.push(['train', f4(last('loss')), f4(last(metricName))]);
    if (h.val_loss) rows.push(['validation', f4(last('val_loss')), f4(last(`val_${metricName}`))]);
    rows.push(['test', f4(test.loss), f4(test[metricName])]);
    ui.out(table(rows));
    ui.out('');
    ui.out(
      `${modelName} on ${data.name}: ${epochsDone}${interrupted ? ` of ${epochs}` : ''} epochs, ${result.trainSamples.toLocaleString('en-US')} training samples, ` +
        `${Math.round(samplesPerSecond).toLocaleString('en-US')} samples/s, ${wallSeconds.toFixed(1)} s on ${selected.label}, seed ${a.seed}`,
    );
    if (history.stopReason && !interrupted) ui.out(`stopped early: ${history.stopReason}`);
    if (a.out !== undefined) ui.out(`model saved to ${a.out}${interrupted ? ` (interrupted: weights after ${epochsDone} full epoch${epochsDone === 1 ? '' : 's'} and the batches since)` : ''}`);
    if (a.plot !== undefined) ui.out(`curves written to ${a.plot}`);
  }
  disposeData(data);
  optimizer.dispose();
  model.dispose();
  return interrupted ? 130 : 0;
}
