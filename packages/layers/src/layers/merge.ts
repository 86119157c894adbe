import { ArgumentError, ShapeError, add, concat, type Tensor } from '@neurite/core';
import { ConfigReader, type Config } from '../config.js';
import { Layer, checkSymbolic, type LayerOptions } from '../layer.js';
import { SymbolicTensor } from '../symbolic.js';

/** A layer that joins two or more branches of a functional model. No weights. */
export abstract class MergeLayer extends Layer {
  /** Output feature shape for the inputs' feature shapes. */
  abstract computeMergedShape(shapes: readonly (readonly number[])[]): number[];

  abstract merge(xs: readonly Tensor[]): Tensor;

  computeOutputShape(): number[] {
    throw new ArgumentError(`${this.name}: a merge layer takes a list of inputs - apply([a, b])`);
  }

  call(): Tensor {
    throw new ArgumentError(`${this.name}: a merge layer takes a list of inputs`);
  }

  override callNode(inputs: readonly Tensor[]): Tensor {
    return this.merge(inputs);
  }

  /** `add().apply([a, b])`. */
  override apply(inputs: SymbolicTensor | readonly SymbolicTensor[]): SymbolicTensor {
    if (!Array.isArray(inputs) || inputs.length < 2) throw new ArgumentError(`${this.name}.apply: expected a list of at least two symbolic tensors`);
    inputs.forEach((i) => checkSymbolic(this.name, i));
    return new SymbolicTensor(this.computeMergedShape(inputs.map((i: SymbolicTensor) => i.shape)), this, inputs);
  }
}

/** Elementwise sum of inputs of one shape (residual connections). */
export class Add extends MergeLayer {
  constructor(options: LayerOptions = {}) {
    super('Add', options);
  }

  computeMergedShape(shapes: readonly (readonly number[])[]): number[] {
    const first = shapes[0].join(',');
    if (shapes.some((s) => s.join(',') !== first)) throw new ShapeError(`${this.name}: inputs must have one shape, got ${shapes.map((s) => `[${s}]`).join(', ')}`);
    return [...shapes[0]];
  }

  merge(xs: readonly Tensor[]): Tensor {
    return xs.slice(1).reduce((a, b) => add(a, b), xs[0]);
  }

  getConfig(): Config {
    return {};
  }

  static fromConfig(name: string, config: Config): Add {
    new ConfigReader(`Add '${name}'`, config).done();
    return new Add({ name });
  }
}

export interface ConcatenateOptions extends LayerOptions {
  /** Feature axis to join along (no batch axis; negative from the end). Default -1. */
  axis?: number;
}

/** Joins inputs along a feature axis; the other axes must agree. */
export class Concatenate extends MergeLayer {
  readonly axis: number;

  constructor(options: ConcatenateOptions = {}) {
    super('Concatenate', options);
    this.axis = options.axis ?? -1;
    if (!Number.isInteger(this.axis)) throw new ArgumentError(`${this.name}: axis must be an integer, got ${this.axis}`);
  }

  private featureAxis(rank: number): number {
    const a = this.axis < 0 ? rank + this.axis : this.axis;
    if (a < 0 || a >= rank) throw new ShapeError(`${this.name}: axis ${this.axis} is out of range for inputs of rank ${rank} (batch axis excluded)`);
    return a;
  }

  computeMergedShape(shapes: readonly (readonly number[])[]): number[] {
    const rank = shapes[0].length;
    const a = this.featureAxis(rank);
    const ok = shapes.every((s) => s.length === rank && s.every((d, i) => i === a || d === shapes[0][i]));
    if (!ok) throw new ShapeError(`${this.name}: inputs ${shapes.map((s) => `[${s}]`).join(', ')} differ outside axis ${this.axis}`);
    const out = [...shapes[0]];
    out[a] = shapes.reduce((n, s) => n + s[a], 0);
    return out;
  }

  merge(xs: readonly Tensor[]): Tensor {
    return concat([...xs], this.featureAxis(xs[0].rank - 1) + 1);
  }

  getConfig(): Config {
    return { axis: this.axis };
  }

  static fromConfig(name: string, config: Config): Concatenate {
    const r = new ConfigReader(`Concatenate '${name}'`, config);
    const layer = new Concatenate({ name, axis: r.number('axis', -1, { min: -8, max: 7, integer: true }) });
    r.done();
    return layer;
  }
}

/** `add()`: an Add layer (named so it does not shadow core's `add` op in user code that imports both). */
export const addLayer = (options: LayerOptions = {}): Add => new Add(options);
export const concatenate = (options: ConcatenateOptions = {}): Concatenate => new Concatenate(options);
