/**
 * What the CLI keeps with a saved model (model.json's `metadata`, or the
 * neurite.json of directories written before format version 2) and the one
 * schema check every read of it goes through: a damaged or hostile field is a
 * ModelFormatError naming the file and the field, never a raw TypeError or a
 * wrong prediction with exit 0.
 */
import { ModelFormatError } from '@neurite/core';
import type { ScalerJSON } from '@neurite/data';
import type { Task } from './datasets.js';

export interface ModelMeta {
  createdBy: string;
  task: Task;
  /** The --dataset of the training run, as given ('mnist', 'csv:data.csv'). */
  dataset: string;
  model: string;
  seed: number;
  limit?: number;
  classes?: string[];
  featureNames?: string[];
  targetName?: string;
  scaler?: ScalerJSON;
  /** Epochs fully trained into these weights. */
  epochs: number;
  /** True when training was stopped by Ctrl-C (the weights are those after the last finished batch). */
  interrupted: boolean;
}

/** The datasets a model's metadata may name for evaluate and explain to load: bundled ones, never a path. */
const BUNDLED_DATASETS = new Set(['xor', 'linear', 'mnist', 'iris']);

/** Metadata as read: every field checked; `dataset` kept only when it names a bundled dataset. */
export interface ReadMeta extends Partial<ModelMeta> {
  /** The training data when it was a file: reported, never read on the model's say-so. */
  trainedOnFile?: string;
}

const TASKS: readonly string[] = ['binary', 'multiclass', 'regression'];
const MAX_NAMES = 1_000_000;

/**
 * Checks metadata against the model it came with (`inputSize` features,
 * `outputUnits` outputs). Every field is optional (old directories lack
 * some); present fields must be right.
 */
export function parseModelMeta(raw: unknown, file: string, model: { inputSize: number; outputUnits: number }): ReadMeta {
  const bad = (field: string, what: string): never => {
    throw new ModelFormatError(`${file}: '${field}' ${what} - the file is damaged or was not written by neurite train; retrain, or remove the metadata`);
  };
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) return bad('(top level)', `must be an object, got ${raw === null ? 'null' : Array.isArray(raw) ? 'a list' : typeof raw}`);
  const m = raw as Record<string, unknown>;
  const has = (k: string) => Object.hasOwn(m, k) && m[k] !== undefined;
  const str = (k: string, max = 1024): string | undefined => {
    if (!has(k)) return undefined;
    const v = m[k];
    if (typeof v !== 'string' || v.length > max) return bad(k, `must be a string of at most ${max} characters`);
    return v;
  };
  const int = (k: string, min: number, max: number): number | undefined => {
    if (!has(k)) return undefined;
    const v = m[k];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max) return bad(k, `must be an integer from ${min} to ${max}, got ${JSON.stringify(v)?.slice(0, 40)}`);
    return v;
  };
  const names = (k: string, count: number | undefined): string[] | undefined => {
    if (!has(k)) return undefined;
    const v = m[k];
    if (!Array.isArray(v) || v.length > MAX_NAMES || !v.every((s) => typeof s === 'string' && s.length <= 256)) return bad(k, 'must be a list of strings (at most 256 characters each)');
    if (count !== undefined && v.length !== count) return bad(k, `has ${v.length} names but the model has ${count}`);
    return v as string[];
  };

  const out: ReadMeta = {};
  const task = str('task');
  if (task !== undefined && !TASKS.includes(task)) bad('task', `must be one of ${TASKS.join(', ')}, got ${JSON.stringify(task.slice(0, 40))}`);
  if (task !== undefined) out.task = task as Task;
  if (task === 'binary' && model.outputUnits !== 1) bad('task', `is binary but the model has ${model.outputUnits} outputs`);
  if (task === 'multiclass' && model.outputUnits < 2) bad('task', `is multiclass but the model has ${model.outputUnits} output`);

  const dataset = str('dataset', 4096);
  if (dataset !== undefined) {
    if (BUNDLED_DATASETS.has(dataset.trim().toLowerCase())) out.dataset = dataset;
    else out.trainedOnFile = dataset;
  }
  for (const k of ['createdBy', 'model', 'targetName'] as const) {
    const v = str(k);
    if (v !== undefined) out[k] = v;
  }
  const seed = int('seed', 0, 2 ** 32 - 1);
  if (seed !== undefined) out.seed = seed;
  const limit = int('limit', 1, 2 ** 31 - 1);
  if (limit !== undefined) out.limit = limit;
  const epochs = int('epochs', 0, 2 ** 31 - 1);
  if (epochs !== undefined) out.epochs = epochs;
  if (has('interrupted')) {
    if (typeof m.interrupted !== 'boolean') bad('interrupted', 'must be true or false');
    out.interrupted = m.interrupted as boolean;
  }
  const classCount = task === 'multiclass' ? model.outputUnits : task === 'binary' ? 2 : undefined;
  if (has('classes') && task === 'regression') bad('classes', 'is set but the task is regression');
  const classes = names('classes', classCount);
  if (classes !== undefined) out.classes = classes;
  const featureNames = names('featureNames', model.inputSize);
  if (featureNames !== undefined) out.featureNames = featureNames;
  if (has('scaler')) out.scaler = parseScaler(m.scaler, model.inputSize, bad);
  return out;
}

function parseScaler(v: unknown, width: number, bad: (field: string, what: string) => never): ScalerJSON {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) return bad('scaler', 'must be an object');
  const s = v as Record<string, unknown>;
  const column = (k: string, ok: (x: number) => boolean, what: string): number[] => {
    const c = s[k];
    if (!Array.isArray(c) || c.length !== width) return bad(`scaler.${k}`, `must be a list of ${width} numbers (one per input feature), got ${Array.isArray(c) ? `${c.length}` : typeof c}`);
    c.forEach((x, i) => {
      if (typeof x !== 'number' || !ok(x)) bad(`scaler.${k}[${i}]`, `must be ${what}, got ${JSON.stringify(x)?.slice(0, 40)}`);
    });
    return c as number[];
  };
  const finite = (x: number) => Number.isFinite(x);
  if (s.kind === 'standard') return { kind: 'standard', mean: column('mean', finite, 'a finite number'), std: column('std', (x) => finite(x) && x > 0, 'a finite number > 0') };
  if (s.kind === 'minmax') {
    const range = s.range;
    if (!Array.isArray(range) || range.length !== 2 || !range.every((x) => typeof x === 'number' && finite(x)) || !(range[0] < range[1])) bad('scaler.range', 'must be [low, high] with low < high');
    const min = column('min', finite, 'a finite number');
    const max = column('max', finite, 'a finite number');
    return { kind: 'minmax', min, max, range: range as [number, number] };
  }
  return bad('scaler.kind', `must be 'standard' or 'minmax', got ${JSON.stringify(s.kind)?.slice(0, 40)}`);
}
