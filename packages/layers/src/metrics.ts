import { ArgumentError, ShapeError, type Tensor } from '@neurite/core';

/**
 * A metric accumulated over an epoch's batches: `update` per batch, `result`
 * at the end. State is plain numbers read from the batch, so metrics cost no
 * tensors and give the exact epoch value rather than a mean of batch means.
 */
export interface Metric {
  readonly name: string;
  reset(): void;
  update(yTrue: Tensor, yPred: Tensor): void;
  result(): number;
}

export interface ClassMetricOptions {
  /** How labels and predictions encode classes; 'auto' decides from their shapes (see `classesOf`). */
  kind?: 'auto' | 'binary' | 'categorical' | 'sparse';
  /** Binary predictions at or above this are class 1 (default 0.5; use 0 for logits). */
  threshold?: number;
}

/**
 * True and predicted class of each example. Predictions with a last axis
 * longer than 1 are class scores (argmax); labels of the same shape are
 * one-hot (argmax), otherwise class indices. Otherwise both are binary.
 */
export function classesOf(yTrue: Tensor, yPred: Tensor, options: ClassMetricOptions = {}): { labels: Int32Array; predicted: Int32Array; numClasses: number } {
  const { threshold = 0.5 } = options;
  let kind = options.kind ?? 'auto';
  const width = yPred.rank >= 2 ? yPred.shape[yPred.rank - 1] : 1;
  if (kind === 'auto') kind = width === 1 ? 'binary' : yTrue.shape.join(',') === yPred.shape.join(',') ? 'categorical' : 'sparse';
  const p = yPred.dataSync();
  const t = yTrue.dataSync();
  if (kind === 'binary') {
    if (t.length !== p.length) throw new ShapeError(`metric: binary labels [${yTrue.shape}] and predictions [${yPred.shape}] differ in size`);
    const labels = new Int32Array(t.length);
    const predicted = new Int32Array(p.length);
    for (let i = 0; i < p.length; i++) {
      labels[i] = t[i] >= 0.5 ? 1 : 0;
      predicted[i] = p[i] >= threshold ? 1 : 0;
    }
    return { labels, predicted, numClasses: 2 };
  }
  const rows = p.length / width;
  const predicted = argmaxRows(p, rows, width);
  let labels: Int32Array;
  if (kind === 'categorical') {
    if (t.length !== p.length) throw new ShapeError(`metric: one-hot labels [${yTrue.shape}] and predictions [${yPred.shape}] differ - for class indices use kind 'sparse'`);
    labels = argmaxRows(t, rows, width);
  } else {
    if (t.length !== rows) throw new ShapeError(`metric: ${t.length} labels for ${rows} predictions [${yPred.shape}] - sparse labels hold one class index per row`);
    labels = Int32Array.from(t);
  }
  return { labels, predicted, numClasses: width };
}

function argmaxRows(values: ArrayLike<number>, rows: number, width: number): Int32Array {
  const out = new Int32Array(rows);
  for (let r = 0; r < rows; r++) {
    let best = 0;
    for (let c = 1; c < width; c++) if (values[r * width + c] > values[r * width + best]) best = c;
    out[r] = best;
  }
  return out;
}

/** Fraction of examples whose predicted class is the true one. */
export function accuracy(options: ClassMetricOptions = {}): Metric {
  let right = 0;
  let total = 0;
  return {
    name: 'accuracy',
    reset: () => void (right = total = 0),
    update(yTrue, yPred) {
      const { labels, predicted } = classesOf(yTrue, yPred, options);
      for (let i = 0; i < labels.length; i++) if (labels[i] === predicted[i]) right++;
      total += labels.length;
    },
    result: () => (total === 0 ? NaN : right / total),
  };
}

/**
 * Confusion counts: `matrix[true][predicted]`. A standalone function on one
 * batch (or a whole test set); `numClasses` defaults to what the shapes say.
 */
export function confusionMatrix(yTrue: Tensor, yPred: Tensor, options: ClassMetricOptions & { numClasses?: number } = {}): number[][] {
  const { labels, predicted, numClasses } = classesOf(yTrue, yPred, options);
  const k = options.numClasses ?? Math.max(numClasses, 1 + Math.max(0, ...labels));
  const m = Array.from({ length: k }, () => new Array<number>(k).fill(0));
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] < 0 || labels[i] >= k) throw new ArgumentError(`confusionMatrix: label ${labels[i]} is outside [0, ${k}) - pass numClasses`);
    m[labels[i]][predicted[i]]++;
  }
  return m;
}

export interface AveragedOptions extends ClassMetricOptions {
  /**
   * 'binary' scores class 1 only (the default for binary outputs); 'macro'
   * averages the per-class scores (the default for several classes); classes
   * never seen nor predicted are left out of the average.
   */
  average?: 'binary' | 'macro';
}

type Score = 'precision' | 'recall' | 'f1';

function confusionMetric(score: Score, options: AveragedOptions): Metric {
  let counts = new Map<number, { tp: number; fp: number; fn: number }>();
  let sawMulticlass = false;
  const at = (c: number) => {
    let e = counts.get(c);
    if (!e) counts.set(c, (e = { tp: 0, fp: 0, fn: 0 }));
    return e;
  };
  const value = (e: { tp: number; fp: number; fn: number }): number => {
    const p = e.tp + e.fp === 0 ? 0 : e.tp / (e.tp + e.fp);
    const r = e.tp + e.fn === 0 ? 0 : e.tp / (e.tp + e.fn);
    if (score === 'precision') return p;
    if (score === 'recall') return r;
    return p + r === 0 ? 0 : (2 * p * r) / (p + r);
  };
  return {
    name: score,
    reset: () => void ((counts = new Map()), (sawMulticlass = false)),
    update(yTrue, yPred) {
      const { labels, predicted, numClasses } = classesOf(yTrue, yPred, options);
      if (numClasses > 2 || options.kind === 'categorical' || options.kind === 'sparse') sawMulticlass = true;
      for (let i = 0; i < labels.length; i++) {
        if (labels[i] === predicted[i]) at(labels[i]).tp++;
        else {
          at(predicted[i]).fp++;
          at(labels[i]).fn++;
        }
      }
    },
    result() {
      const average = options.average ?? (sawMulticlass ? 'macro' : 'binary');
      if (average === 'binary') return value(counts.get(1) ?? { tp: 0, fp: 0, fn: 0 });
      const scores = [...counts.values()].map(value);
      return scores.length === 0 ? NaN : scores.reduce((a, b) => a + b, 0) / scores.length;
    },
  };
}

export const precision = (options: AveragedOptions = {}): Metric => confusionMetric('precision', options);
export const recall = (options: AveragedOptions = {}): Metric => confusionMetric('recall', options);
export const f1 = (options: AveragedOptions = {}): Metric => confusionMetric('f1', options);

/** Sums over every predicted value (all outputs pooled). */
function regressionMetric(name: string, f: (s: { n: number; sy: number; syy: number; sres: number; sabs: number }) => number): Metric {
  let s = { n: 0, sy: 0, syy: 0, sres: 0, sabs: 0 };
  return {
    name,
    reset: () => void (s = { n: 0, sy: 0, syy: 0, sres: 0, sabs: 0 }),
    update(yTrue, yPred) {
      const t = yTrue.dataSync();
      const p = yPred.dataSync();
      if (t.length !== p.length) throw new ShapeError(`${name}: labels [${yTrue.shape}] and predictions [${yPred.shape}] differ in size`);
      for (let i = 0; i < t.length; i++) {
        const e = p[i] - t[i];
        s.n++;
        s.sy += t[i];
        s.syy += t[i] * t[i];
        s.sres += e * e;
        s.sabs += Math.abs(e);
      }
    },
    result: () => (s.n === 0 ? NaN : f(s)),
  };
}

/** Mean absolute error. */
export const mae = (): Metric => regressionMetric('mae', (s) => s.sabs / s.n);
/** Mean squared error. */
export const mse = (): Metric => regressionMetric('mse', (s) => s.sres / s.n);
/** Coefficient of determination 1 - SS_res / SS_tot (1 is perfect, 0 is predicting the mean). */
export const r2 = (): Metric =>
  regressionMetric('r2', (s) => {
    const ssTot = s.syy - (s.sy * s.sy) / s.n;
    return ssTot === 0 ? (s.sres === 0 ? 1 : 0) : 1 - s.sres / ssTot;
  });

export type MetricName = 'accuracy' | 'precision' | 'recall' | 'f1' | 'mae' | 'mse' | 'r2';
export type MetricLike = Metric | MetricName;

const byName: Record<MetricName, () => Metric> = { accuracy: () => accuracy(), precision: () => precision(), recall: () => recall(), f1: () => f1(), mae, mse, r2 };

export function getMetric(spec: MetricLike): Metric {
  if (typeof spec === 'string') {
    if (!Object.hasOwn(byName, spec)) throw new ArgumentError(`metrics: unknown metric '${spec}' - one of ${Object.keys(byName).join(', ')}, or a Metric object`);
    return byName[spec]();
  }
  if (spec === null || typeof spec !== 'object' || typeof spec.update !== 'function') throw new ArgumentError('metrics: expected a metric name or a Metric object');
  return spec;
}
