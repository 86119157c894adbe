import {
  ArgumentError,
  DTypeError,
  ModelFormatError,
  ShapeError,
  Tensor,
  Variable,
  add,
  assign,
  dispose,
  full,
  isDType,
  mul,
  sub,
  tensor,
  tidy,
  variable,
  variableGrads,
  type DType,
} from '@neurite/core';
import { clipByGlobalNorm, clipByNorm, clipByValue } from './clip.js';
import { nonNegative, positive } from './options.js';

/** A learning rate as a function of the step number (0 for the first update); see schedules.ts. */
export type Schedule = (step: number) => number;

/** A constant or a schedule. */
export type LearningRate = number | Schedule;

/**
 * Gradients by variable name (what `variableGrads` returns, paired with the
 * variable list) or by variable.
 */
export type Gradients = Readonly<Record<string, Tensor>> | ReadonlyMap<Variable, Tensor>;

/** Options every optimizer accepts. */
export interface OptimizerOptions {
  learningRate?: LearningRate;
  /**
   * L2 penalty added to the gradient before the update (g + weightDecay * w),
   * as PyTorch's `weight_decay`. For Adam-style optimizers prefer AdamW, whose
   * decay is decoupled from the adaptive scaling.
   */
  weightDecay?: number;
  /** Clip each gradient element to [-clipValue, clipValue]. */
  clipValue?: number;
  /** Rescale each gradient whose L2 norm exceeds clipNorm down to clipNorm (per tensor). */
  clipNorm?: number;
  /** Rescale all gradients together when their global L2 norm exceeds globalClipNorm. */
  globalClipNorm?: number;
}

/** One slot tensor as plain data, for checkpoints. */
export interface SlotState {
  shape: number[];
  dtype: DType;
  values: number[];
}

/** Everything an optimizer needs to resume: the step count and its slots, keyed by variable name then slot name. */
export interface OptimizerState {
  optimizer: string;
  iterations: number;
  slots: Record<string, Record<string, SlotState>>;
}

/** What one update sees besides the variable, its gradient and its slots. */
export interface StepContext {
  /** The learning rate of this step (the schedule already applied). */
  lr: number;
  /** 1-based number of this step, for bias corrections. */
  t: number;
}

/**
 * The shared machinery: gradient bookkeeping, clipping, weight decay, slot
 * variables, schedules, checkpoints and memory discipline. A subclass only
 * declares its slots and writes its update rule with core ops, so every
 * optimizer runs on any backend.
 */
export abstract class Optimizer {
  /** Name used in messages and checkpoints. */
  abstract readonly name: string;
  /** Number of `applyGradients` calls so far; schedules and bias corrections read it. */
  iterations = 0;
  protected readonly weightDecay: number;
  /** AdamW decays the weights directly instead of through the gradient. */
  protected readonly decoupledWeightDecay: boolean = false;
  private lr: LearningRate;
  private readonly clipValue: number | undefined;
  private readonly clipNorm: number | undefined;
  private readonly globalClipNorm: number | undefined;
  private readonly slots = new Map<Variable, Record<string, Variable>>();
  /** Restored slot values waiting for their variable's first step (setState may run before any step). */
  private pending = new Map<string, Map<string, SlotState>>();

  constructor(owner: string, options: OptimizerOptions, defaultLearningRate: number) {
    this.lr = checkLearningRate(owner, options.learningRate ?? defaultLearningRate);
    this.weightDecay = nonNegative(owner, 'weightDecay', options.weightDecay ?? 0);
    this.clipValue = options.clipValue === undefined ? undefined : positive(owner, 'clipValue', options.clipValue);
    this.clipNorm = options.clipNorm === undefined ? undefined : positive(owner, 'clipNorm', options.clipNorm);
    this.globalClipNorm = options.globalClipNorm === undefined ? undefined : positive(owner, 'globalClipNorm', options.globalClipNorm);
  }

  /** The learning rate: a number or a schedule. Settable, e.g. by a reduce-on-plateau callback. */
  get learningRate(): LearningRate {
    return this.lr;
  }
  set learningRate(value: LearningRate) {
    this.lr = checkLearningRate(this.name, value);
  }

  /** The learning rate the next step will use. */
  currentLearningRate(): number {
    const lr = typeof this.lr === 'number' ? this.lr : this.lr(this.iterations);
    if (typeof lr !== 'number' || !Number.isFinite(lr) || lr < 0) {
      throw new ArgumentError(`${this.name}: the learning-rate schedule returned ${lr} at step ${this.iterations} - a schedule must return a finite number >= 0`);
    }
    return lr;
  }

  /** Slot names and their initial value, for a variable this optimizer has not seen yet. */
  protected abstract slotSpec(v: Variable): Record<string, number>;

  /**
   * The new value of `v` from its (clipped, decayed) gradient; updates the
   * slots with `assign`. Runs inside the step's tidy.
   */
  protected abstract update(v: Variable, g: Tensor, slots: Record<string, Variable>, ctx: StepContext): Tensor;

  /**
   * Performs the whole step for `v` with a fused in-place kernel (core's
   * sgdUpdate, adamUpdate) when the optimizer's configuration has one, and
   * says whether it did; `update` is the composed fallback.
   */
  protected fusedStep(_v: Variable, _g: Tensor, _slots: Record<string, Variable>, _ctx: StepContext): boolean {
    return false;
  }

  /**
   * Updates each variable in place from its gradient. Variables without a
   * gradient and variables that are not trainable are left alone (frozen
   * layers). With a name-keyed record, `variables` says which variables the
   * names refer to.
   */
  applyGradients(grads: ReadonlyMap<Variable, Tensor>): void;
  applyGradients(grads: Readonly<Record<string, Tensor>>, variables: readonly Variable[]): void;
  applyGradients(grads: Gradients, variables?: readonly Variable[]): void {
    const pairs = this.pair(grads, variables);
    const ctx: StepContext = { lr: this.currentLearningRate(), t: this.iterations + 1 };
    tidy(() => {
      const clipped = this.clip(pairs.map(([, g]) => g));
      pairs.forEach(([v], i) => {
        let g = clipped[i];
        // A backend's fused in-place kernel does the whole step (weight decay included) in one pass.
        if (this.fusedStep(v, g, this.slotsOf(v), ctx)) return;
        if (this.weightDecay > 0 && !this.decoupledWeightDecay) g = add(g, mul(v, this.weightDecay));
        let next = this.update(v, g, this.slotsOf(v), ctx);
        // Decoupled decay (Loshchilov & Hutter, as PyTorch's AdamW): w <- w - lr*wd*w, scaled by the scheduled lr.
        if (this.weightDecay > 0 && this.decoupledWeightDecay) next = sub(next, mul(v, ctx.lr * this.weightDecay));
        assign(v, next);
      });
    });
    this.iterations++;
  }

  /**
   * One training step: gradients of `loss` with respect to the trainable
   * `variables`, then `applyGradients`. Returns the loss (computed before the
   * update); the caller owns it, so dispose it or call inside `tidy`.
   */
  minimize(loss: () => Tensor, variables: readonly Variable[]): Tensor {
    const { value, grads } = variableGrads(loss, variables);
    try {
      this.applyGradients(grads, variables);
    } finally {
      dispose(grads);
    }
    return value;
  }

  /** The slot variables of `v` (undefined before its first step); for inspection, not for writing. */
  getSlots(v: Variable): Readonly<Record<string, Variable>> | undefined {
    return this.slots.get(v);
  }

  /** Step count and slots as plain arrays (a copy), for checkpoints. */
  getState(): OptimizerState {
    // Entries, not `obj[name] = ...`: a variable named '__proto__' must stay a plain key.
    const entries: [string, Record<string, SlotState>][] = [...this.pending].map(([name, saved]) => [name, Object.fromEntries(saved)]);
    for (const [v, named] of this.slots) {
      const copied = Object.entries(named).map(([slot, s]): [string, SlotState] => [slot, { shape: [...s.shape], dtype: s.dtype, values: Array.from(s.dataSync()) }]);
      entries.push([v.name, Object.fromEntries(copied)]);
    }
    return { optimizer: this.name, iterations: this.iterations, slots: Object.fromEntries(entries) };
  }

  /**
   * Restores a `getState()` result. Slots are matched to variables by name
   * when each variable next steps, so this works before the first step.
   * Checkpoints come from files: everything is validated first.
   */
  setState(state: OptimizerState): void {
    const where = `${this.name}.setState`;
    if (state === null || typeof state !== 'object') throw new ModelFormatError(`${where}: expected an object from getState(), got ${typeof state}`);
    if (state.optimizer !== this.name) {
      throw new ModelFormatError(`${where}: the state was saved by '${String(state.optimizer)}', not '${this.name}' - create the same optimizer to restore it`);
    }
    if (!Number.isInteger(state.iterations) || state.iterations < 0) {
      throw new ModelFormatError(`${where}: 'iterations' must be an integer >= 0, got ${String(state.iterations)}`);
    }
    if (state.slots === null || typeof state.slots !== 'object') throw new ModelFormatError(`${where}: 'slots' must be an object`);
    const pending = new Map<string, Map<string, SlotState>>();
    for (const [varName, named] of Object.entries(state.slots)) {
      if (named === null || typeof named !== 'object') throw new ModelFormatError(`${where}: slots of '${varName}' must be an object`);
      const restored = new Map<string, SlotState>();
      for (const [slot, s] of Object.entries(named)) restored.set(slot, checkSlot(`${where}: slot '${varName}/${slot}'`, s));
      pending.set(varName, restored);
    }
    this.dispose();
    this.pending = pending;
    this.iterations = state.iterations;
  }

  /** Frees the slot variables. The optimizer stays usable: a later step starts its slots afresh. */
  dispose(): void {
    for (const named of this.slots.values()) for (const s of Object.values(named)) s.dispose();
    this.slots.clear();
    this.pending.clear();
  }

  private pair(grads: Gradients, variables: readonly Variable[] | undefined): [Variable, Tensor][] {
    let pairs: [Variable, Tensor][];
    if (grads instanceof Map) {
      pairs = [...(grads as ReadonlyMap<Variable, Tensor>)];
    } else {
      if (!variables) {
        throw new ArgumentError(`${this.name}.applyGradients: gradients keyed by name need the variable list - pass variables, or a Map<Variable, Tensor>`);
      }
      const byName = new Map<string, Variable>();
      for (const v of variables) {
        if (byName.has(v.name)) throw new ArgumentError(`${this.name}.applyGradients: two variables are named '${v.name}' - give each a unique name`);
        byName.set(v.name, v);
      }
      pairs = [];
      for (const name of Object.keys(grads)) {
        const v = byName.get(name);
        if (!v) throw new ArgumentError(`${this.name}.applyGradients: a gradient is named '${name}' but no variable in the list is - pass that variable too`);
        pairs.push([v, (grads as Record<string, Tensor>)[name]]);
      }
    }
    pairs = pairs.filter(([v, g]) => v.trainable && g != null);
    for (const [v, g] of pairs) {
      if (!(g instanceof Tensor)) throw new ArgumentError(`${this.name}.applyGradients: the gradient of '${v.name}' is not a Tensor`);
      if (g.shape.length !== v.shape.length || g.shape.some((d, i) => d !== v.shape[i])) {
        throw new ShapeError(`${this.name}.applyGradients: gradient [${g.shape.join(',')}] does not match variable '${v.name}' [${v.shape.join(',')}]`);
      }
      if (g.dtype !== v.dtype) {
        throw new DTypeError(`${this.name}.applyGradients: gradient of '${v.name}' is ${g.dtype} but the variable is ${v.dtype} - cast the gradient`);
      }
    }
    return pairs;
  }

  /** Order as Keras: per-value, then per-tensor norm, then global norm. */
  private clip(grads: Tensor[]): Tensor[] {
    let out = grads;
    if (this.clipValue !== undefined) out = clipByValue(out, this.clipValue);
    if (this.clipNorm !== undefined) out = out.map((g) => clipByNorm(g, this.clipNorm!));
    if (this.globalClipNorm !== undefined) out = clipByGlobalNorm(out, this.globalClipNorm).grads;
    return out;
  }

  /** Slots are made on first use because the optimizer learns its variables from the gradients it is given. */
  private slotsOf(v: Variable): Record<string, Variable> {
    let named = this.slots.get(v);
    if (named) return named;
    named = {};
    const restored = this.pending.get(v.name);
    for (const [slot, init] of Object.entries(this.slotSpec(v))) {
      const saved = restored?.get(slot);
      let value: Tensor;
      if (saved) {
        if (saved.shape.length !== v.shape.length || saved.shape.some((d, i) => d !== v.shape[i]) || saved.dtype !== v.dtype) {
          throw new ShapeError(
            `${this.name}: restored slot '${v.name}/${slot}' is [${saved.shape.join(',')}] ${saved.dtype} but the variable is [${v.shape.join(',')}] ${v.dtype} - was the state saved for another model?`,
          );
        }
        value = tensor(saved.values, saved.shape, saved.dtype);
      } else {
        value = full(v.shape, init, v.dtype);
      }
      // variable() copies `value` and is not tracked by tidy(): the slot outlives this step, `value` does not.
      named[slot] = variable(value, { name: `${v.name}/${slot}`, trainable: false });
    }
    this.pending.delete(v.name);
    this.slots.set(v, named);
    return named;
  }
}

function checkLearningRate(owner: string, lr: unknown): LearningRate {
  if (typeof lr === 'function') return lr as Schedule;
  return nonNegative(owner, 'learningRate', lr);
}

function checkSlot(where: string, s: unknown): SlotState {
  const slot = s as SlotState;
  if (slot === null || typeof slot !== 'object') throw new ModelFormatError(`${where}: expected { shape, dtype, values }`);
  if (!Array.isArray(slot.shape) || !slot.shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new ModelFormatError(`${where}: 'shape' must be an array of integers >= 0`);
  }
  if (!isDType(slot.dtype)) throw new ModelFormatError(`${where}: unknown dtype ${JSON.stringify(slot.dtype)}`);
  const size = slot.shape.reduce((a, b) => a * b, 1);
  if (!Array.isArray(slot.values) || slot.values.length !== size) {
    throw new ModelFormatError(`${where}: expected ${size} values for shape [${slot.shape.join(',')}], got ${Array.isArray(slot.values) ? slot.values.length : typeof slot.values}`);
  }
  if (!slot.values.every((x) => typeof x === 'number')) throw new ModelFormatError(`${where}: 'values' must hold numbers only`);
  return { shape: [...slot.shape], dtype: slot.dtype, values: [...slot.values] };
}
