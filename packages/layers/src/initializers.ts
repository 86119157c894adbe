import { ArgumentError, full, randomNormal, randomUniform, truncatedNormal, type Shape, type Tensor } from '@neurite/core';

/**
 * Makes the initial value of a weight. Each initializer is a small object
 * with a name and config, so a model's topology can record which one a layer
 * used and rebuild it after loading.
 */
export interface Initializer {
  readonly name: InitializerName;
  readonly config: Readonly<Record<string, number>>;
  create(shape: Shape): Tensor;
}

export type InitializerName =
  | 'glorotUniform'
  | 'glorotNormal'
  | 'heNormal'
  | 'heUniform'
  | 'lecunNormal'
  | 'lecunUniform'
  | 'zeros'
  | 'ones'
  | 'constant';

export interface SeedOption {
  /** Seed for this initializer; without it core's global generator (`seed(n)`) is used. */
  seed?: number;
}

/**
 * Fan-in and fan-out as Keras computes them: a matrix [in, out] gives
 * (in, out); higher ranks (conv kernels [..., in, out]) multiply in the
 * receptive field size.
 */
export function fans(shape: Shape): [number, number] {
  if (shape.length === 0) return [1, 1];
  if (shape.length === 1) return [shape[0], shape[0]];
  let receptive = 1;
  for (let i = 0; i < shape.length - 2; i++) receptive *= shape[i];
  return [shape[shape.length - 2] * receptive, shape[shape.length - 1] * receptive];
}

type Mode = 'fanIn' | 'fanOut' | 'fanAvg';

/** Variance scaling (Keras's VarianceScaling): the family behind glorot, he and lecun. */
function varianceScaling(name: InitializerName, scale: number, mode: Mode, distribution: 'uniform' | 'normal', options: SeedOption): Initializer {
  const seed = options.seed;
  return {
    name,
    config: seed === undefined ? {} : { seed },
    create(shape) {
      const [fanIn, fanOut] = fans(shape);
      const n = mode === 'fanIn' ? fanIn : mode === 'fanOut' ? fanOut : (fanIn + fanOut) / 2;
      const variance = scale / Math.max(1, n);
      if (distribution === 'uniform') {
        const limit = Math.sqrt(3 * variance);
        return randomUniform(shape, -limit, limit, { seed });
      }
      // 0.8796... is the stddev of a standard normal truncated to [-2, 2]; dividing keeps the variance as asked.
      return truncatedNormal(shape, 0, Math.sqrt(variance) / 0.8796256610342398, { seed });
    },
  };
}

export const glorotUniform = (o: SeedOption = {}): Initializer => varianceScaling('glorotUniform', 1, 'fanAvg', 'uniform', o);
export const glorotNormal = (o: SeedOption = {}): Initializer => varianceScaling('glorotNormal', 1, 'fanAvg', 'normal', o);
export const heNormal = (o: SeedOption = {}): Initializer => varianceScaling('heNormal', 2, 'fanIn', 'normal', o);
export const heUniform = (o: SeedOption = {}): Initializer => varianceScaling('heUniform', 2, 'fanIn', 'uniform', o);
export const lecunNormal = (o: SeedOption = {}): Initializer => varianceScaling('lecunNormal', 1, 'fanIn', 'normal', o);
export const lecunUniform = (o: SeedOption = {}): Initializer => varianceScaling('lecunUniform', 1, 'fanIn', 'uniform', o);

export function constant(value: number): Initializer {
  if (!Number.isFinite(value)) throw new ArgumentError(`constant: value must be finite, got ${value}`);
  return { name: 'constant', config: { value }, create: (shape) => full(shape, value) };
}
export const zeros = (): Initializer => ({ name: 'zeros', config: {}, create: (shape) => full(shape, 0) });
export const ones = (): Initializer => ({ name: 'ones', config: {}, create: (shape) => full(shape, 1) });

/** An initializer, or its name for the defaults. */
export type InitializerLike = Initializer | InitializerName;

const byName: Record<InitializerName, (config: Record<string, number>) => Initializer> = {
  glorotUniform: (c) => glorotUniform(c),
  glorotNormal: (c) => glorotNormal(c),
  heNormal: (c) => heNormal(c),
  heUniform: (c) => heUniform(c),
  lecunNormal: (c) => lecunNormal(c),
  lecunUniform: (c) => lecunUniform(c),
  zeros: () => zeros(),
  ones: () => ones(),
  constant: (c) => constant(c.value ?? 0),
};

export function isInitializerName(name: unknown): name is InitializerName {
  return typeof name === 'string' && Object.hasOwn(byName, name);
}

/** Resolves a name or a `{ name, config }` record (from a saved model) to an initializer. */
export function getInitializer(spec: InitializerLike | { name: string; config?: Record<string, number> }, where = 'initializer'): Initializer {
  if (typeof spec === 'string') {
    if (!isInitializerName(spec)) throw new ArgumentError(`${where}: unknown initializer '${spec}' - one of ${Object.keys(byName).join(', ')}`);
    return byName[spec]({});
  }
  if ('create' in spec) return spec;
  if (!isInitializerName(spec.name)) throw new ArgumentError(`${where}: unknown initializer '${String(spec.name)}' - one of ${Object.keys(byName).join(', ')}`);
  return byName[spec.name](spec.config ?? {});
}
