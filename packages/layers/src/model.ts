import { ArgumentError, Random, ShapeError, add, assign, concat, dispose, identity, keep, slice, tidy, type Tensor, type Variable } from '@neurite/core';
import type { Optimizer } from '@neurite/optimizers';
import type { Config } from './config.js';
import { FORMAT_NAME, FORMAT_VERSION, PRODUCER } from './io/format.js';
import { getLoss, type LossLike } from './losses.js';
import { getMetric, type MetricLike } from './metrics.js';
import type { History, Logs } from './training/callback.js';
import { evaluateWith } from './training/evaluate.js';
import { fit, type Compiled, type FitOptions } from './training/fit.js';
import { Layer, seedsFrom, type CallContext } from './layer.js';
import { formatSummary } from './summary.js';
import { SymbolicTensor } from './symbolic.js';

/** One layer call in a model's graph, in execution order. */
export interface ModelNode {
  readonly layer: Layer;
  /** One for most layers; two or more for merge layers (add, concatenate). */
  readonly inputs: readonly SymbolicTensor[];
  readonly output: SymbolicTensor;
}

/**
 * A graph of layers from one input to one output. `sequential()` builds a
 * chain; `model({ inputs, outputs })` takes any graph built with `input()`
 * and `layer.apply()`: branches joined by merge layers, and a layer applied
 * at two places (shared weights). Weights are allocated when the model is made.
 */
export class Model {
  readonly name: string;
  readonly input: SymbolicTensor;
  readonly output: SymbolicTensor;
  readonly nodes: readonly ModelNode[];
  /** Each layer once, in first-use order. */
  readonly layers: readonly Layer[];
  /** 'sequential' or 'functional': how the model was made, for summaries and the saved topology. */
  readonly kind: 'sequential' | 'functional';
  /** The mode of `call(x)`: training (dropout active, batch statistics) or eval. fit always trains in training mode; predict and evaluate always run in eval mode. */
  training = false;
  /** A callback sets this to end fit after the current batch. */
  stopTraining = false;
  private random = new Random(0);
  private compiled: Compiled | undefined;
  private disposed = false;

  constructor(options: { inputs: SymbolicTensor; outputs: SymbolicTensor; name?: string; kind?: 'sequential' | 'functional'; weightValues?: (layer: Layer) => Parameters<Layer['build']>[1] }) {
    const { inputs, outputs } = options;
    if (!(inputs instanceof SymbolicTensor) || inputs.layer !== null) throw new ArgumentError('model: inputs must be one tensor from input() - multiple inputs are not supported yet');
    if (!(outputs instanceof SymbolicTensor)) throw new ArgumentError('model: outputs must be one symbolic tensor from layer.apply()');
    this.name = options.name ?? 'model';
    this.kind = options.kind ?? 'functional';
    this.input = inputs;
    this.output = outputs;
    this.nodes = topologicalOrder(inputs, outputs);
    const layers: Layer[] = [];
    for (const n of this.nodes) if (!layers.includes(n.layer)) layers.push(n.layer);
    const names = new Set<string>();
    for (const l of layers) {
      if (names.has(l.name)) throw new ArgumentError(`model: two layers are named '${l.name}' - layer names must be unique in a model`);
      names.add(l.name);
    }
    this.layers = layers;
    try {
      for (const n of this.nodes) n.layer.build(n.inputs[0].shape, options.weightValues?.(n.layer));
    } catch (e) {
      for (const l of layers) l.dispose();
      throw e;
    }
  }

  /** Feature shape of one example in and out (no batch axis). */
  get inputShape(): readonly number[] {
    return this.input.shape;
  }
  get outputShape(): readonly number[] {
    return this.output.shape;
  }

  train(): this {
    this.training = true;
    return this;
  }

  eval(): this {
    this.training = false;
    return this;
  }

  /** Seeds the masks of stochastic layers that have no seed of their own. */
  reseed(seed: number): void {
    this.random = new Random(seed);
  }

  /**
   * Runs the model on a batch in the current mode. `training` overrides the
   * mode for this call. Intermediate tensors are freed; the caller owns the
   * result. With `updates`, running-statistics updates are collected there
   * (kept values the caller assigns and disposes) instead of applied.
   */
  call(x: Tensor, training = this.training, updates?: [Variable, Tensor][]): Tensor {
    this.checkLive();
    this.checkInput(x);
    const update = updates ? (v: Variable, t: Tensor) => void updates.push([v, keep(t)]) : assign;
    const ctx: CallContext = { training, nextSeed: seedsFrom(this.random), update };
    return tidy(() => {
      const values = new Map<SymbolicTensor, Tensor>([[this.input, x]]);
      for (const n of this.nodes) values.set(n.output, n.layer.callNode(n.inputs.map((i) => values.get(i)!), ctx));
      const y = values.get(this.output)!;
      return y === x ? identity(x) : y;
    });
  }

  /** Predictions for `x` in eval mode, `batchSize` examples at a time (default 32) so large inputs fit in memory. */
  predict(x: Tensor, options: { batchSize?: number } = {}): Tensor {
    const batchSize = checkBatchSize('predict', options.batchSize ?? 32);
    this.checkInput(x);
    const n = x.shape[0];
    if (n <= batchSize) return this.call(x, false);
    const parts: Tensor[] = [];
    try {
      for (let start = 0; start < n; start += batchSize) {
        const size = Math.min(batchSize, n - start);
        parts.push(tidy(() => this.call(slice(x, [start, ...x.shape.slice(1).map(() => 0)], [size, ...x.shape.slice(1)]), false)));
      }
      return concat(parts, 0);
    } finally {
      dispose(parts);
    }
  }

  /** Sets the optimizer, loss and metrics that fit and evaluate use. */
  compile(options: CompileOptions): this {
    this.compiled = resolveCompile('compile', options);
    return this;
  }

  /**
   * Trains on (x, y); see FitOptions. Optimizer, loss and metrics come from
   * `compile` or from these options (which win). Resolves with the history.
   */
  async fit(x: Tensor, y: Tensor, options: FitOptions & Partial<CompileOptions> = {}): Promise<History> {
    this.checkLive();
    this.checkInput(x);
    return fit(this, x, y, this.withOverrides('fit', options), options);
  }

  /** Loss and metrics on (x, y) in eval mode: `{ loss, accuracy, ... }`. */
  evaluate(x: Tensor, y: Tensor, options: { batchSize?: number } & Partial<CompileOptions> = {}): Logs {
    this.checkLive();
    this.checkInput(x);
    const { loss, metrics } = this.withOverrides('evaluate', options);
    return evaluateWith(this, x, y, loss, metrics, options.batchSize ?? 32);
  }

  /** Compile settings with this call's options on top. */
  private withOverrides(where: 'fit' | 'evaluate', options: Partial<CompileOptions>): Compiled {
    const optimizer = options.optimizer ?? this.compiled?.optimizer;
    const loss = options.loss === undefined ? this.compiled?.loss : getLoss(options.loss);
    if (loss === undefined || (where === 'fit' && optimizer === undefined)) {
      const missing = loss === undefined ? 'loss' : 'optimizer';
      throw new ArgumentError(`${where}: no ${missing} - call model.compile({ optimizer, loss, metrics }) first or pass ${missing} to ${where}`);
    }
    if (optimizer !== undefined && typeof optimizer.applyGradients !== 'function') throw new ArgumentError(`${where}: optimizer must be an optimizer from @neurite/optimizers, e.g. new Adam()`);
    const metrics = options.metrics === undefined ? (this.compiled?.metrics ?? []) : options.metrics.map(getMetric);
    // evaluate never steps, so a missing optimizer there is never read.
    return { optimizer: optimizer as Optimizer, loss, metrics };
  }

  /** Weight penalties of all layers (a scalar), or null when no layer has a regularizer. */
  regularizationLoss(): Tensor | null {
    const terms = this.layers.map((l) => l.regularizationLoss()).filter((t): t is Tensor => t !== null);
    if (terms.length === 0) return null;
    return tidy(() => terms.reduce((a, b) => add(a, b)));
  }

  /** Every weight, trainable or not, layer by layer: the order of getWeights, setWeights and the saved file. */
  parameters(): Variable[] {
    return this.layers.flatMap((l) => [...l.weights]);
  }

  /** The weights an optimizer updates. */
  get trainableVariables(): Variable[] {
    return this.layers.flatMap((l) => l.trainableWeights);
  }

  countParams(): { total: number; trainable: number; nonTrainable: number } {
    const all = this.parameters();
    const trainable = all.filter((v) => v.trainable).reduce((n, v) => n + v.size, 0);
    const total = all.reduce((n, v) => n + v.size, 0);
    return { total, trainable, nonTrainable: total - trainable };
  }

  /** Copies of the weights (the caller disposes them), in `parameters()` order. */
  getWeights(): Tensor[] {
    return this.parameters().map((v) => keep(identity(v)));
  }

  /** Replaces every weight, in `parameters()` order; shapes and dtypes must match. The tensors stay the caller's. */
  setWeights(weights: readonly Tensor[]): void {
    const params = this.parameters();
    if (weights.length !== params.length) {
      throw new ArgumentError(`setWeights: the model has ${params.length} weights but ${weights.length} were given - pass getWeights()'s list`);
    }
    params.forEach((v, i) => {
      if (v.shape.join(',') !== weights[i].shape.join(',') || v.dtype !== weights[i].dtype) {
        throw new ShapeError(`setWeights: weight ${i} '${v.name}' is [${v.shape}] ${v.dtype} but got [${weights[i].shape}] ${weights[i].dtype}`);
      }
    });
    // assign keeps the storage alive through the variable, so the caller's tensor can still be disposed independently.
    params.forEach((v, i) => tidy(() => assign(v, identity(weights[i]))));
  }

  /** A text table of layers, output shapes and parameter counts. */
  summary(): string {
    return formatSummary(this);
  }

  /** The topology as JSON: layer types, configs and connections (weights are separate; see FORMAT.md). */
  topology(): Config {
    return {
      name: this.name,
      kind: this.kind,
      input: { name: this.input.inputName ?? 'input', shape: [...this.input.shape] },
      layers: this.layers.map((l) => ({ className: l.className, name: l.name, config: l.getConfig(), ...(l.trainable ? {} : { trainable: false }) })),
      nodes: this.nodes.map((n) => ({ layer: n.layer.name, inputs: n.inputs.map((i) => this.nameOf(i)) })),
      output: this.nameOf(this.output),
    };
  }

  /** A node's name in the topology: the input's name, or `<layer>#<k>` for the k-th call of a layer. */
  private nameOf(t: SymbolicTensor): string {
    if (t === this.input) return this.input.inputName ?? 'input';
    const calls = this.nodes.filter((n) => n.layer === t.layer);
    return `${t.layer!.name}#${calls.findIndex((n) => n.output === t)}`;
  }

  /** model.json without the weights manifest (`JSON.stringify(model)`); `toArtifacts` gives the complete pair. */
  toJSON(): Config {
    return { format: FORMAT_NAME, formatVersion: FORMAT_VERSION, producer: PRODUCER, topology: this.topology() };
  }

  /** Frees every weight. The model cannot be used afterwards. */
  dispose(): void {
    for (const l of this.layers) l.dispose();
    this.disposed = true;
  }

  private checkLive(): void {
    if (this.disposed) throw new ArgumentError(`${this.name}: the model was disposed`);
  }

  private checkInput(x: Tensor): void {
    const expected = this.input.shape;
    if (x.rank !== expected.length + 1 || expected.some((d, i) => x.shape[i + 1] !== d)) {
      throw new ShapeError(`${this.name}: expected input [batch, ${expected}], got [${x.shape}] - examples go on axis 0`);
    }
  }
}

export interface CompileOptions {
  optimizer: Optimizer;
  loss: LossLike;
  metrics?: MetricLike[];
}

function resolveCompile(where: string, options: CompileOptions): Compiled {
  if (!options || typeof options.optimizer?.applyGradients !== 'function') throw new ArgumentError(`${where}: optimizer must be an optimizer from @neurite/optimizers, e.g. new Adam()`);
  // Metric objects carry per-run state: names are resolved to fresh ones, objects are used as given.
  return { optimizer: options.optimizer, loss: getLoss(options.loss), metrics: (options.metrics ?? []).map(getMetric) };
}

/**
 * Depth-first from the output: every layer call that leads to it, inputs
 * before users. Iterative, so a deep chain cannot overflow the stack.
 */
function topologicalOrder(input: SymbolicTensor, output: SymbolicTensor): ModelNode[] {
  const order: ModelNode[] = [];
  const done = new Set<SymbolicTensor>([input]);
  const stack: [SymbolicTensor, number][] = [[output, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1];
    const [t, next] = top;
    if (done.has(t)) {
      stack.pop();
      continue;
    }
    if (t.layer === null) throw new ArgumentError(`model: the output depends on input '${t.inputName}', which is not the model's input`);
    if (next < t.inbound.length) {
      top[1]++;
      stack.push([t.inbound[next], 0]);
      continue;
    }
    order.push({ layer: t.layer, inputs: t.inbound, output: t });
    done.add(t);
    stack.pop();
  }
  return order;
}

export function checkBatchSize(where: string, b: number): number {
  if (!Number.isInteger(b) || b < 1) throw new ArgumentError(`${where}: batchSize must be an integer >= 1, got ${b}`);
  return b;
}

/** `model({ inputs, outputs })`: a model from a graph built with input() and layer.apply(). */
export function model(options: { inputs: SymbolicTensor; outputs: SymbolicTensor; name?: string }): Model {
  return new Model({ ...options, kind: 'functional' });
}
