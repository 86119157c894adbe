import { dispose, tensor } from '@neurite/core';
import { disposeData, loadDataset } from '../datasets.js';
import { UsageError } from '../errors.js';
import { parseInputs, readInputText } from '../inputs.js';
import { headFor } from '../models.js';
import { table, type GlobalOptions, type Ui } from '../ui.js';
import { inputTensor, openModel, targetValues } from './shared.js';

export interface EvaluateArgs {
  modelDir: string;
  dataset?: string;
  input?: string;
  target?: string;
  limit?: number;
}

/** `neurite evaluate DIR`: loss and metric of a saved model on a dataset's test split or on labelled rows. */
export async function runEvaluate(a: EvaluateArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  if (a.dataset !== undefined && a.input !== undefined) throw new UsageError('evaluate takes --dataset or --input, not both');
  if (a.limit !== undefined && !(Number.isInteger(a.limit) && a.limit >= 1 && a.limit <= 2 ** 31 - 1)) throw new UsageError(`--limit must be an integer from 1 to ${2 ** 31 - 1}, got ${a.limit}`);
  const { model, meta, task } = await openModel(a.modelDir, g, ui);
  const head = headFor(task);
  const metricName = head.metrics[0];
  let x;
  let y;
  let source: string;
  let cleanup: () => void;
  if (a.input !== undefined) {
    const { text, source: src } = await readInputText(a.input);
    source = src;
    const target = a.target ?? meta.targetName;
    const parsed = parseInputs(text, source, { target, featureNames: meta.featureNames });
    if (!parsed.targets) throw new UsageError(`${source} has no targets - evaluate needs labelled rows: a CSV with a '${target ?? 'target'}' column (--target NAME) or JSON { "x": [...], "y": [...] }`);
    x = inputTensor(parsed.rows, model, meta.scaler, source);
    const labels = targetValues(parsed.targets, task, meta.classes, source);
    y = task === 'multiclass' ? tensor(Int32Array.from(labels), [labels.length], 'int32') : tensor(Float32Array.from(labels), [labels.length, 1], 'float32');
    cleanup = () => dispose([x!, y!]);
  } else {
    const spec = a.dataset ?? meta.dataset;
    // A data path is read only when the user names it: a model directory from elsewhere must not pick files to open.
    if (spec === undefined && meta.trainedOnFile !== undefined) throw new UsageError(`'${a.modelDir}' was trained on ${meta.trainedOnFile.slice(0, 200)}; Neurite reads data files only when you name them - pass --dataset ${meta.trainedOnFile.slice(0, 200)} or --input FILE`);
    if (spec === undefined) throw new UsageError(`evaluate needs --dataset or --input: '${a.modelDir}' does not say what it was trained on`);
    const data = await loadDataset(spec, { seed: meta.seed ?? 42, limit: a.limit ?? meta.limit, target: a.target ?? meta.targetName });
    source = `${data.name} (test split)`;
    x = data.test.x;
    y = data.test.y;
    const want = model.inputShape.join(',');
    if (x.shape.slice(1).join(',') !== want) {
      disposeData(data);
      throw new UsageError(`dataset ${data.name} has examples of shape [${x.shape.slice(1)}] but the model takes [${want}]`);
    }
    cleanup = () => disposeData(data);
  }
  const scores = model.evaluate(x, y, { batchSize: 256, loss: head.loss, metrics: [metricName] });
  const samples = x.shape[0];
  cleanup();
  model.dispose();
  if (ui.json) ui.result({ model: a.modelDir, data: source, task, samples, loss: scores.loss, [metricName]: scores[metricName] });
  else {
    ui.out(table([['', 'samples', 'loss', metricName], [source, samples, scores.loss.toFixed(4), scores[metricName].toFixed(4)]]));
  }
  return 0;
}
