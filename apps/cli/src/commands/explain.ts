import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { add, argMax, dispose, gather, matMul, reshape, tensor, tidy, type Tensor } from '@neurite/core';
import {
  accuracy,
  barChart,
  deepLift,
  encodePng,
  gradCam,
  heatmapGrid,
  integratedGradients,
  kernelShap,
  lime,
  negativeMse,
  noiseTunnel,
  occlusion,
  partialDependence,
  partialDependenceChart,
  permutationImportance,
  renderChart,
  saliency,
  splitModel,
  upsample,
  type Attribution,
  type Chart,
  type ChartFormat,
} from '@neurite/explain';
import { Dense, type Model } from '@neurite/layers';
import type { ModelMeta } from '../checkpoint.js';
import { disposeData, loadDataset, type PreparedData, type Task } from '../datasets.js';
import { UsageError, describeFsError } from '../errors.js';
import { parseInputs, readInputText } from '../inputs.js';
import { table, type GlobalOptions, type Ui } from '../ui.js';
import { inputTensor, openModel, targetValues } from './shared.js';

export const EXPLAIN_METHODS = ['ig', 'saliency', 'smoothgrad', 'deeplift', 'occlusion', 'kernelshap', 'lime', 'gradcam', 'permutation', 'pdp'] as const;
export type ExplainMethod = (typeof EXPLAIN_METHODS)[number];
const GLOBAL: readonly ExplainMethod[] = ['permutation', 'pdp'];

export interface ExplainArgs {
  modelDir: string;
  method: string;
  input?: string;
  /** Test-split rows of the training dataset: "3", "0,5,9" or "0-7". */
  index?: string;
  out?: string;
  /** Class to explain (index or name); default: the predicted class of each example. */
  target?: string;
  steps?: number;
  samples?: number;
  /** pdp: the feature (name or index). */
  feature?: string;
  /** gradcam: the layer with an [H, W, C] output; default the last such layer. */
  layer?: string;
  limit?: number;
  /** Bar charts and partial-dependence plots as 'svg' (the default) or 'png'; heatmaps are always PNG. */
  format?: string;
}

export const CHART_FORMATS: readonly ChartFormat[] = ['svg', 'png'];

function parseFormat(f: string | undefined): ChartFormat {
  const k = (f ?? 'svg').trim().toLowerCase() as ChartFormat;
  if (!CHART_FORMATS.includes(k)) throw new UsageError(`--format '${f}' is not a chart format - use png or svg`);
  return k;
}

/** Writes `stem.svg` or `stem.png` in the directory; returns its path. */
async function writeChart(dir: string, stem: string, chart: Chart, format: ChartFormat): Promise<string> {
  const path = join(dir, `${stem}.${format}`);
  await writeFile(path, renderChart(chart, format, { pixelRatio: 2 }));
  return path;
}

function parseMethod(m: string): ExplainMethod {
  const k = m.trim().toLowerCase() as ExplainMethod;
  if (!EXPLAIN_METHODS.includes(k)) throw new UsageError(`unknown method '${m}' - use one of: ${EXPLAIN_METHODS.join(', ')}`);
  return k;
}

/** "3", "0,5,9", "0-7" as distinct row numbers. */
export function parseIndices(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split(',')) {
    const m = /^\s*(\d+)\s*(?:-\s*(\d+)\s*)?$/.exec(part);
    if (!m) throw new UsageError(`--index '${spec}' is not a row number, a list (0,5,9) or a range (0-7)`);
    const a = Number(m[1]);
    const b = m[2] === undefined ? a : Number(m[2]);
    if (b < a) throw new UsageError(`--index range ${part.trim()} runs backwards - write it low-high`);
    for (let i = a; i <= b; i++) if (!out.includes(i)) out.push(i);
  }
  if (out.length > 64) throw new UsageError(`--index selects ${out.length} rows; explain at most 64 at a time`);
  return out;
}

function positive(name: string, v: number | undefined, max: number): number | undefined {
  if (v !== undefined && !(Number.isInteger(v) && v >= 1 && v <= max)) throw new UsageError(`--${name} must be an integer from 1 to ${max}, got ${v}`);
  return v;
}

/** Height and width when each example is an image (MNIST rows or an [H, W, C] input), else undefined. */
function imageSize(model: Model, dataset: string | undefined): [number, number] | undefined {
  const s = model.inputShape;
  if (s.length === 3) return [s[0], s[1]];
  if (s.length === 1 && s[0] === 784 && (dataset === 'mnist' || dataset === undefined)) return [28, 28];
  return undefined;
}

/**
 * `neurite explain --model DIR --method M (--input FILE | --index N)`:
 * attributions for examples (table or JSON; heatmaps PNG for images, a bar
 * chart SVG for tabular data) or global explanations (permutation
 * importance, partial dependence) on the test split.
 */
export async function runExplain(a: ExplainArgs, g: GlobalOptions, ui: Ui): Promise<number> {
  checkArgs(a);
  const opened = await openModel(a.modelDir, g, ui);
  return explainModel(opened, a, ui);
}

/** Everything about the arguments that can be checked before a backend starts. */
function checkArgs(a: ExplainArgs): void {
  const method = parseMethod(a.method);
  const global = GLOBAL.includes(method);
  if (!global && (a.input === undefined) === (a.index === undefined)) throw new UsageError(`explain --method ${method} needs the examples: --input FILE or --index N (rows of the test split), one of them`);
  if (global && a.input !== undefined) throw new UsageError(`explain --method ${method} runs on the test split of the training dataset; it takes no --input`);
  if (a.index !== undefined) parseIndices(a.index);
  if (a.layer !== undefined && method !== 'gradcam') throw new UsageError(`--layer is for --method gradcam, not ${method}`);
  positive('steps', a.steps, 10_000);
  positive('samples', a.samples, 100_000);
  positive('limit', a.limit, 1_000_000);
  parseFormat(a.format);
}

/** The work of `runExplain` on a model already loaded (the backend is running); disposes the model. */
export async function explainModel({ model, meta, task }: { model: Model; meta: Partial<ModelMeta>; task: Task }, a: ExplainArgs, ui: Ui): Promise<number> {
  try {
    checkArgs(a);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const method = parseMethod(a.method);
  const global = GLOBAL.includes(method);
  let data: PreparedData | undefined;
  const owned: Tensor[] = [];
  try {
    const loadData = async () => {
      if (meta.dataset === undefined) throw new UsageError(`'${a.modelDir}' does not say what it was trained on, so --index and --method ${method} have no dataset - use --input FILE`);
      data = await loadDataset(meta.dataset, { seed: meta.seed ?? 42, limit: a.limit ?? meta.limit, target: meta.targetName });
      const want = model.inputShape.join(',');
      if (data.test.x.shape.slice(1).join(',') !== want) throw new UsageError(`dataset ${data.name} has examples of shape [${data.test.x.shape.slice(1)}] but the model takes [${want}]`);
      return data;
    };
    const featureNames = meta.featureNames ?? Array.from({ length: model.inputShape.reduce((p, q) => p * q, 1) }, (_, i) => `x${i}`);
    if (global) {
      const d = await loadData();
      return await explainGlobal(method as 'permutation' | 'pdp', model, d, featureNames, task, a, ui);
    }
    // Local: the examples, in the model's input space (scaled as in training).
    let x: Tensor;
    let rowsLabel: number[];
    const indices = a.index === undefined ? undefined : parseIndices(a.index);
    if (indices !== undefined) {
      const d = await loadData();
      const n = d.test.x.shape[0];
      const bad = indices.find((i) => i >= n);
      if (bad !== undefined) throw new UsageError(`--index ${bad} is past the end of the test split of ${d.name} (${n} rows: 0-${n - 1})`);
      x = tidy(() => gather(d.test.x, tensor(indices, [indices.length], 'int32')));
      rowsLabel = indices;
    } else {
      const { text, source } = await readInputText(a.input);
      const parsed = parseInputs(text, source, { featureNames: meta.featureNames });
      x = inputTensor(parsed.rows, model, meta.scaler, source);
      rowsLabel = parsed.rows.map((_, i) => i);
    }
    owned.push(x);
    const n = x.shape[0];
    const outputs = model.outputShape.reduce((p, q) => p * q, 1);
    let targets: number[] | undefined;
    if (outputs > 1) {
      if (a.target !== undefined) targets = new Array<number>(n).fill(targetValues([a.target], 'multiclass', meta.classes, '--target')[0]).map((t) => {
        if (t >= outputs) throw new UsageError(`--target ${a.target} is not one of the model's ${outputs} outputs`);
        return t;
      });
      else targets = tidy(() => Array.from(argMax(model.predict(x), -1).dataSync()));
    } else if (a.target !== undefined && a.target !== '0') throw new UsageError(`the model has one output; --target must be left out`);
    const image = imageSize(model, meta.dataset);
    const started = performance.now();
    const result = attribute(method, model, x, targets, image, a);
    const seconds = (performance.now() - started) / 1000;
    const d = result.values.length / n;
    const files: string[] = [];
    if (a.out !== undefined) {
      await makeDir(a.out);
      const json = join(a.out, 'attributions.json');
      await writeFile(json, `${JSON.stringify({ method, rows: rowsLabel, targets, shape: result.shape, values: Array.from(result.values) })}\n`);
      files.push(json);
      if (image) {
        const [h, w] = image;
        const xs = x.dataSync();
        const channels = d / (h * w);
        const sumChannels = (src: ArrayLike<number>, i: number) => Float32Array.from({ length: h * w }, (_, p) => {
          let s = 0;
          for (let c = 0; c < channels; c++) s += src[i * d + p * channels + c];
          return s;
        });
        const png = join(a.out, 'heatmaps.png');
        const grid = heatmapGrid(
          rowsLabel.map((_, i) => ({ image: sumChannels(xs, i), attribution: sumChannels(result.values, i) })),
          { height: h, width: w, zoom: 8 },
        );
        await writeFile(png, encodePng(grid));
        files.push(png);
      } else {
        const mean = featureNames.map((_, j) => {
          let s = 0;
          for (let i = 0; i < n; i++) s += result.values[i * d + j];
          return s / n;
        });
        files.push(await writeChart(a.out, 'attributions', barChart(featureNames, mean, { title: `${method}: mean attribution over ${n} example(s)` }), parseFormat(a.format)));
      }
    }
    const delta = (result as { delta?: Float64Array }).delta;
    const withPlayers = result as { players?: number; playerValues?: Float64Array };
    const players = withPlayers.playerValues && withPlayers.players ? { values: withPlayers.playerValues, count: withPlayers.players } : undefined;
    const examples = rowsLabel.map((row, i) => {
      const values = Array.from(result.values.subarray(i * d, (i + 1) * d));
      const top = values.map((v, j) => [j, v] as const).sort((p, q) => Math.abs(q[1]) - Math.abs(p[1])).slice(0, 5);
      return {
        row,
        ...(targets ? { target: targets[i], label: meta.classes?.[targets[i]] ?? String(targets[i]) } : {}),
        // Shapley methods spread a patch's value over its pixels: sum the players, not the pixels.
        sum: players ? Array.from(players.values.subarray(i * players.count, (i + 1) * players.count)).reduce((s, v) => s + v, 0) : values.reduce((s, v) => s + v, 0),
        ...(delta ? { completenessDelta: delta[i] } : {}),
        ...(image ? { top: top.map(([j, v]) => ({ pixel: j, y: Math.floor(j / image[1]), x: j % image[1], value: v })) } : { attributions: Object.fromEntries(featureNames.map((f, j) => [f, values[j]])) }),
      };
    });
    if (ui.json) ui.result({ model: a.modelDir, method, modelCalls: result.modelCalls, evaluations: result.evaluations, seconds, examples, files });
    else {
      if (image) {
        const top = (e: (typeof examples)[number]) => ('top' in e ? e.top[0] : { y: 0, x: 0, value: 0 });
        ui.out(table([['row', 'target', 'sum', ...(delta ? ['delta'] : []), 'top pixel (y,x)', 'value'], ...examples.map((e) => [e.row, e.label ?? '-', e.sum.toPrecision(4), ...(delta ? [(e.completenessDelta ?? 0).toExponential(2)] : []), `${top(e).y},${top(e).x}`, top(e).value.toPrecision(4)])]));
      } else {
        const header = ['feature', ...examples.map((e) => `row ${e.row}${e.label ? ` (${e.label})` : ''}`)];
        ui.out(table([header, ...featureNames.map((f, j) => [f, ...examples.map((_, i) => result.values[i * d + j].toPrecision(4))]), ...(delta ? [['delta', ...examples.map((e) => (e.completenessDelta ?? 0).toExponential(2))]] : [])]));
      }
      ui.info(`${method}: ${result.modelCalls} model calls (${result.evaluations} rows) in ${seconds.toFixed(2)} s${files.length ? `; wrote ${files.join(', ')}` : ''}`);
    }
    return 0;
  } finally {
    dispose(owned);
    if (data) disposeData(data);
    model.dispose();
  }
}

function attribute(method: ExplainMethod, model: Model, x: Tensor, target: number[] | undefined, image: [number, number] | undefined, a: ExplainArgs): Attribution & { delta?: Float64Array } {
  const d = x.size / x.shape[0];
  // Images have too many pixels to be players one by one: 4 x 4 patches (49 on MNIST) are.
  const patches = image ? patchMask(image, d / (image[0] * image[1]), 4) : undefined;
  switch (method) {
    case 'ig':
      return integratedGradients(model, x, { target, steps: a.steps ?? 50 });
    case 'saliency':
      return saliency(model, x, { target });
    case 'smoothgrad':
      return noiseTunnel((t, tt) => saliency(model, t, { target: tt }), x, { target, samples: a.samples ?? 25 });
    case 'deeplift':
      // The rescale rule sums to the change of the logit, not of softmax's division: explain logits when the model ends in softmax.
      return deepLift(logitsOf(model) ?? model, x, { target });
    case 'occlusion': {
      if (!image) return occlusion(model, x, { target, window: [1] });
      const [h, w] = image;
      const c = d / (h * w);
      const asImage = (t: Tensor) => model.call(reshape(t, [t.shape[0], ...model.inputShape]), false);
      const xi = reshape(x, [x.shape[0], h, w, c]);
      try {
        const r = occlusion(asImage, xi, { target, window: [4, 4, c], strides: [2, 2, c] });
        return { ...r, shape: [...x.shape] };
      } finally {
        xi.dispose();
      }
    }
    case 'kernelshap':
      return kernelShap(model, x, { target, featureMask: patches, samples: a.samples ?? 2048 });
    case 'lime':
      return lime(model, x, { target, featureMask: patches, samples: a.samples ?? 1000 });
    case 'gradcam': {
      if (!image) throw new UsageError(`--method gradcam needs an image model; this one takes rows of ${d} features`);
      const layer = a.layer ?? [...model.nodes].reverse().find((n) => n.output.shape.length === 3)?.layer.name;
      if (layer === undefined) throw new UsageError('--method gradcam needs a layer with an [height, width, channels] output (a convolution); this model has none - use ig or occlusion');
      const cam = gradCam(model, x, { layer, target });
      const [n, lh, lw] = cam.shape;
      // The map at the layer's resolution, resized to the input's pixels (bilinear) for the heatmap.
      const up = upsample(cam.values, n, lh, lw, image[0], image[1]);
      const c = d / (image[0] * image[1]);
      const values = new Float32Array(n * d);
      for (let i = 0; i < n * image[0] * image[1]; i++) values[i * c] = up[i];
      return { shape: [...x.shape], values, modelCalls: cam.modelCalls, evaluations: cam.evaluations };
    }
    default:
      throw new UsageError(`--method ${method} is a global explanation`);
  }
}

/**
 * For a model whose last layer is a softmax Dense layer: the function from
 * inputs to that layer's logits (its matMul plus bias), else undefined.
 */
function logitsOf(model: Model): ((x: Tensor) => Tensor) | undefined {
  const nodes = model.nodes;
  const last = nodes[nodes.length - 1];
  if (!(last.layer instanceof Dense) || last.layer.activation !== 'softmax' || last.inputs.length !== 1) return undefined;
  const [kernel, bias] = last.layer.weights;
  const before = nodes.length > 1 && last.inputs[0] === nodes[nodes.length - 2].output ? splitModel(model, nodes[nodes.length - 2].layer.name) : undefined;
  if (nodes.length > 1 && before === undefined) return undefined;
  return (x) => {
    const h = before ? before.inner(x) : x;
    const z = matMul(h.rank === 2 ? h : reshape(h, [h.shape[0], -1]), kernel);
    return bias ? add(z, bias) : z;
  };
}

/** Group ids of size x size patches of an h x w x c image (flat, channels last). */
function patchMask([h, w]: [number, number], c: number, size: number): Int32Array {
  const across = Math.ceil(w / size);
  const mask = new Int32Array(h * w * c);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) for (let k = 0; k < c; k++) mask[(y * w + x) * c + k] = Math.floor(y / size) * across + Math.floor(x / size);
  return mask;
}

async function explainGlobal(method: 'permutation' | 'pdp', model: Model, data: PreparedData, featureNames: string[], task: string, a: ExplainArgs, ui: Ui): Promise<number> {
  const x = data.test.x;
  const files: string[] = [];
  if (method === 'permutation') {
    const regression = task === 'regression';
    const y = data.test.y;
    const r = permutationImportance(model, x, y, { score: regression ? negativeMse : accuracy, repeats: a.samples ?? 5, seed: 0 });
    const metric = regression ? 'negative MSE' : 'accuracy';
    if (a.out !== undefined) {
      await makeDir(a.out);
      const chart = barChart(featureNames, Array.from(r.mean), { errors: Array.from(r.std), title: `Permutation importance (drop in ${metric})` });
      files.push(await writeChart(a.out, 'importance', chart, parseFormat(a.format)));
    }
    const rows = featureNames.map((f, j) => ({ feature: f, mean: r.mean[j], std: r.std[j] }));
    if (ui.json) ui.result({ model: a.modelDir, method, metric, baseline: r.baseline, samples: x.shape[0], modelCalls: r.modelCalls, importance: rows, files });
    else {
      const sorted = [...rows].sort((p, q) => q.mean - p.mean).slice(0, 30);
      ui.out(table([['feature', 'importance', 'std'], ...sorted.map((e) => [e.feature, e.mean.toFixed(4), e.std.toFixed(4)])]));
      ui.info(`${metric} on ${data.name} (test split, ${x.shape[0]} rows): ${r.baseline.toFixed(4)}${files.length ? `; wrote ${files.join(', ')}` : ''}`);
    }
    return 0;
  }
  const feature = a.feature === undefined ? 0 : featureNames.indexOf(a.feature) >= 0 ? featureNames.indexOf(a.feature) : Number(a.feature);
  if (!Number.isInteger(feature) || feature < 0 || feature >= featureNames.length) {
    throw new UsageError(`--feature '${a.feature}' is not a feature of this model - a name (${featureNames.slice(0, 8).join(', ')}${featureNames.length > 8 ? ', ...' : ''}) or an index 0-${featureNames.length - 1}`);
  }
  const outputs = model.outputShape.reduce((p, q) => p * q, 1);
  const target = outputs > 1 ? (a.target === undefined ? 0 : targetValues([a.target], 'multiclass', data.classes, '--target')[0]) : undefined;
  const r = partialDependence(model, x, feature, { target, gridSize: a.steps ?? 20 });
  const name = featureNames[feature];
  if (a.out !== undefined) {
    await makeDir(a.out);
    const label = target === undefined ? 'output' : `output ${data.classes?.[target] ?? target}`;
    const chart = partialDependenceChart(r.grid, r.average, r.ice.subarray(0, Math.min(r.ice.length, 50 * r.grid.length)), { title: `Partial dependence on ${name}`, xLabel: name, yLabel: label });
    files.push(await writeChart(a.out, 'pdp', chart, parseFormat(a.format)));
  }
  if (ui.json) ui.result({ model: a.modelDir, method, feature: name, target, grid: Array.from(r.grid), average: Array.from(r.average), modelCalls: r.modelCalls, files });
  else {
    ui.out(table([[name, 'partial dependence'], ...Array.from(r.grid, (v, k) => [v.toPrecision(4), r.average[k].toPrecision(4)])]));
    if (files.length) ui.info(`wrote ${files.join(', ')}`);
  }
  return 0;
}

async function makeDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    throw new UsageError(`cannot use --out '${dir}': ${describeFsError(e)}`);
  }
}
