import { ArgumentError, ShapeError, add, variable, type Random, type Shape, type Tensor, type Variable } from '@neurite/core';
import type { Config } from './config.js';
import type { Initializer } from './initializers.js';
import type { Regularizer } from './regularizers.js';
import { checkFeatureShape } from './feature-shape.js';
import { SymbolicTensor } from './symbolic.js';

/** A weight a layer will own, described before anything is allocated (so loading can check shapes first). */
export interface WeightSpec {
  /** Short name; the variable is named `<layer>/<name>`. */
  name: string;
  shape: number[];
  initializer: Initializer;
  trainable: boolean;
  regularizer?: Regularizer;
}

/** What a forward pass tells each layer. */
export interface CallContext {
  /** Training mode: dropout drops, batch normalization uses and updates batch statistics. */
  training: boolean;
  /** Seeds for stochastic layers without a seed of their own (fit draws them from its seed). */
  nextSeed(): number;
  /**
   * Sets a non-trainable variable (running statistics). fit defers these
   * until the step's loss is known to be finite, so a bad batch cannot
   * poison them; outside fit they apply at once.
   */
  update(v: Variable, value: Tensor): void;
}

export interface LayerOptions {
  /** Unique within a model; default `<type>_<n>`. */
  name?: string;
  /** Feature shape of the input (no batch axis), for the first layer of `sequential`. */
  inputShape?: number[];
  /** false freezes every weight of the layer. */
  trainable?: boolean;
}

const counters = new Map<string, number>();

function uniqueName(className: string): string {
  const n = (counters.get(className) ?? 0) + 1;
  counters.set(className, n);
  // BatchNormalization -> batch_normalization, but Conv2D -> conv2d (Keras's names): a digit does not start a word.
  return `${className.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase()}_${n}`;
}

export function checkName(where: string, name: string): string {
  // Names become variable names and file keys: keep them printable and bounded.
  if (typeof name !== 'string' || !/^[A-Za-z0-9_.:-]{1,128}$/.test(name)) {
    throw new ArgumentError(`${where}: name ${JSON.stringify(name)} must be 1-128 characters of letters, digits, _ . : -`);
  }
  return name;
}

/**
 * The unit of a model: a function of its input (feature shapes exclude the
 * batch axis) with the weights it owns. Subclasses declare their weights in
 * `weightSpecs`, their shape rule in `computeOutputShape`, the forward pass
 * in `call` and a JSON `getConfig` from which `fromConfig` rebuilds them.
 */
export abstract class Layer {
  readonly name: string;
  readonly inputShape: number[] | undefined;
  /** The weights, once built; in `weightSpecs` order. */
  private vars: Variable[] = [];
  private specs: WeightSpec[] = [];
  private builtFor: number[] | undefined;
  private frozen: boolean;

  constructor(
    readonly className: string,
    options: LayerOptions = {},
  ) {
    this.name = options.name === undefined ? uniqueName(className) : checkName(className, options.name);
    if (options.inputShape !== undefined) this.inputShape = checkFeatureShape(`${this.name}: inputShape`, options.inputShape);
    this.frozen = options.trainable === false;
  }

  /** Output feature shape for an input feature shape; throws ShapeError naming the layer when the input does not fit. */
  abstract computeOutputShape(inputShape: readonly number[]): number[];

  /** The forward pass of one batch (axis 0 is the batch). */
  abstract call(x: Tensor, ctx: CallContext): Tensor;

  /** The weights this layer needs for `inputShape`; none by default. */
  weightSpecs(_inputShape: readonly number[]): WeightSpec[] {
    return [];
  }

  /** Hyperparameters as JSON (without the name); `fromConfig` of the same class reverses it. */
  abstract getConfig(): Config;

  get built(): boolean {
    return this.builtFor !== undefined;
  }

  /**
   * Allocates the weights for `inputShape`, from `values` when given (loading),
   * from the initializers otherwise. Building twice for the same shape is a no-op
   * (a shared layer); for another shape it is an error.
   */
  build(inputShape: readonly number[], values?: (spec: WeightSpec, fullName: string) => Tensor): void {
    if (this.builtFor !== undefined) {
      if (this.builtFor.join(',') !== inputShape.join(',')) {
        throw new ShapeError(`${this.name}: built for input [${this.builtFor}] but now applied to [${inputShape}] - use a new layer`);
      }
      return;
    }
    const specs = this.weightSpecs(inputShape);
    const made: Variable[] = [];
    try {
      for (const spec of specs) {
        const fullName = `${this.name}/${spec.name}`;
        const init = values ? values(spec, fullName) : spec.initializer.create(spec.shape);
        made.push(variable(init, { name: fullName, trainable: spec.trainable && !this.frozen }));
        init.dispose();
      }
    } catch (e) {
      for (const v of made) v.dispose();
      throw e;
    }
    this.specs = specs;
    this.vars = made;
    this.builtFor = [...inputShape];
  }

  /** Every weight (trainable or not), in a stable order: this is the order of getWeights/setWeights and of the file. */
  get weights(): readonly Variable[] {
    return this.vars;
  }

  get trainableWeights(): Variable[] {
    return this.vars.filter((v) => v.trainable);
  }

  get nonTrainableWeights(): Variable[] {
    return this.vars.filter((v) => !v.trainable);
  }

  get trainable(): boolean {
    return !this.frozen;
  }

  /** Freezing keeps the weights but takes them out of training (fine-tuning). Running statistics stay non-trainable. */
  set trainable(value: boolean) {
    this.frozen = !value;
    this.vars.forEach((v, i) => (v.trainable = value && this.specs[i].trainable));
  }

  /** The variable for the spec named `name` (for subclasses' `call`). */
  protected weight(name: string): Variable {
    const i = this.specs.findIndex((s) => s.name === name);
    if (i < 0) throw new ArgumentError(`${this.name}: no weight named '${name}' - was the layer built?`);
    return this.vars[i];
  }

  /** Sum of this layer's weight penalties, or null when it has none. */
  regularizationLoss(): Tensor | null {
    let total: Tensor | null = null;
    this.specs.forEach((spec, i) => {
      if (!spec.regularizer) return;
      const p = spec.regularizer.apply(this.vars[i]);
      total = total === null ? p : add(total, p);
    });
    return total;
  }

  /** Number of weight elements (parameters). */
  countParams(): number {
    return this.vars.reduce((n, v) => n + v.size, 0);
  }

  /** Functional API: connects this layer to a symbolic input and returns its symbolic output. */
  apply(input: SymbolicTensor): SymbolicTensor {
    checkSymbolic(this.name, input);
    const shape = this.computeOutputShape(input.shape);
    return new SymbolicTensor(shape, this, [input]);
  }

  /** Runs one call of this layer in a model: single-input layers take `inputs[0]`; merge layers override. */
  callNode(inputs: readonly Tensor[], ctx: CallContext): Tensor {
    return this.call(inputs[0], ctx);
  }

  dispose(): void {
    for (const v of this.vars) v.dispose();
    this.vars = [];
    this.specs = [];
    this.builtFor = undefined;
  }
}

/** A random source for `CallContext.nextSeed`. */
export function seedsFrom(random: Random): () => number {
  return () => random.nextUint32();
}

export function checkSymbolic(name: string, input: unknown): asserts input is SymbolicTensor {
  if (!(input instanceof SymbolicTensor)) {
    throw new ArgumentError(`${name}.apply: expected a symbolic tensor from input() or another layer's apply() - to run on data, use a model's predict()`);
  }
}

export type { Shape };
