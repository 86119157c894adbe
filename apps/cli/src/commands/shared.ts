import { tensor, type Tensor } from '@neurite/core';
import { scalerFromJSON, type ScalerJSON } from '@neurite/data';
import type { Model } from '@neurite/layers';
import { parseBackendChoice, selectBackend } from '../backends.js';
import { loadModelDir, type ReadMeta } from '../checkpoint.js';
import type { Task } from '../datasets.js';
import { UsageError } from '../errors.js';
import type { GlobalOptions, Ui } from '../ui.js';

/** Starts the backend, then loads the model directory (tensors need a backend). */
export async function openModel(dir: string, g: GlobalOptions, ui: Ui): Promise<{ model: Model; meta: ReadMeta; task: Task; backend: string }> {
  const selected = await selectBackend(parseBackendChoice(g.backend), { threads: g.threads, warn: ui.warn });
  const { model, meta } = await loadModelDir(dir);
  ui.debug(`backend: ${selected.label}${g.backend === 'auto' ? ' (auto)' : ''}`);
  return { model, meta, task: meta.task ?? inferTask(model), backend: selected.name };
}

/** For a model saved without neurite.json: the task from its last layer. */
function inferTask(model: Model): Task {
  const last = model.layers[model.layers.length - 1] as unknown as { activation?: string };
  const units = model.outputShape[model.outputShape.length - 1];
  if (last.activation === 'softmax') return 'multiclass';
  if (last.activation === 'sigmoid' && units === 1) return 'binary';
  return 'regression';
}

const FLOAT32_MAX = 3.4028234663852886e38;

/** Rows as the model's input tensor, scaled as in training. */
export function inputTensor(rows: number[][], model: Model, scaler: ScalerJSON | undefined, source: string): Tensor {
  const shape = model.inputShape;
  const size = shape.reduce((a, b) => a * b, 1);
  rows.forEach((r, i) => {
    if (r.length !== size) throw new UsageError(`${source}: row ${i + 1} has ${r.length} values but the model takes ${size} (input shape [${shape}])`);
  });
  if (rows.length === 0) throw new UsageError(`${source} has no rows`);
  const flat = new Float32Array(rows.length * size);
  rows.forEach((r, i) => {
    r.forEach((v, k) => {
      // float32 turns 1e300 into Infinity, and every prediction from it into NaN.
      if (!Number.isFinite(v) || Math.abs(v) > FLOAT32_MAX) throw new UsageError(`${source}: row ${i + 1}, value ${k + 1} is ${v}, outside the range of float32 (±${FLOAT32_MAX.toExponential(4)}) - check the input`);
    });
    flat.set(r, i * size);
  });
  const x = tensor(flat, [rows.length, ...shape], 'float32');
  if (!scaler) return x;
  const scaled = scalerFromJSON(scaler).transform(x);
  x.dispose();
  return scaled;
}

/**
 * Predictions that are NaN or infinite are refused, naming the rows: a
 * model that outputs them is broken or was given inputs far outside what it
 * was trained on, and printing "NaN" with exit 0 would pass that on silently.
 */
export function refuseNonFinite(values: ArrayLike<number>, unitsPerRow: number, source: string): void {
  const rows: number[] = [];
  for (let i = 0; i < values.length; i++) {
    if (!Number.isFinite(values[i])) {
      const row = Math.floor(i / unitsPerRow) + 1;
      if (rows.at(-1) !== row) rows.push(row);
    }
  }
  if (rows.length > 0) {
    const list = rows.slice(0, 10).join(', ') + (rows.length > 10 ? ` and ${rows.length - 10} more` : '');
    throw new NonFiniteOutputError(`${source}: the model's output is not a number (NaN or infinite) for row${rows.length > 1 ? 's' : ''} ${list} - those inputs may be far outside the training data's range, or the model diverged; nothing was printed`);
  }
}

/** The model computed NaN or ±Infinity for the given rows: no result, exit 2 like other bad input. */
export class NonFiniteOutputError extends UsageError {
  override name = 'NonFiniteOutputError';
}

/** Targets from an input file as label values for the model's task. */
export function targetValues(targets: (number | string)[], task: Task, classes: string[] | undefined, source: string): number[] {
  return targets.map((t, i) => {
    if (task === 'regression') {
      const v = Number(t);
      if (!Number.isFinite(v)) throw new UsageError(`${source}: target ${i + 1} ("${String(t).slice(0, 40)}") is not a number`);
      return v;
    }
    const name = String(t).trim();
    if (classes) {
      const k = classes.indexOf(name);
      if (k >= 0) return k;
    }
    const v = Number(name);
    if (Number.isInteger(v) && v >= 0 && (!classes || v < classes.length)) return v;
    throw new UsageError(`${source}: target ${i + 1} is '${name.slice(0, 40)}', not a class of this model${classes ? ` (${classes.slice(0, 12).join(', ')})` : ''}`);
  });
}
