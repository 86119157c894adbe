import { ArgumentError, ShapeError } from '@neurite/core';
import type { Config, ConfigReader } from '../config.js';
import { getInitializer, type Initializer, type InitializerLike } from '../initializers.js';
import { l1l2, type Regularizer } from '../regularizers.js';

/** Shared pieces of layer configs: initializers and regularizers as JSON and back. */
export function initializerToJson(init: Initializer): Config {
  return { name: init.name, config: { ...init.config } };
}

export function readInitializer(r: ConfigReader, key: string, fallback: InitializerLike): Initializer {
  const spec = r.object(key);
  if (spec === undefined) return getInitializer(fallback);
  const keys = Object.keys(spec);
  const config = spec.config ?? {};
  if (keys.some((k) => k !== 'name' && k !== 'config') || typeof spec.name !== 'string' || typeof config !== 'object' || config === null || Array.isArray(config)) {
    throw new ArgumentError(`'${key}' must be { name, config }`);
  }
  const numbers: Record<string, number> = Object.create(null);
  for (const [k, v] of Object.entries(config)) {
    if ((k !== 'seed' && k !== 'value') || typeof v !== 'number' || !Number.isFinite(v)) throw new ArgumentError(`'${key}.config.${k.slice(0, 40)}' is not a known finite number`);
    numbers[k] = v;
  }
  return getInitializer({ name: spec.name, config: numbers }, key);
}

export function regularizerToJson(reg: Regularizer | undefined): Config | null {
  return reg ? { l1: reg.l1, l2: reg.l2 } : null;
}

export function readRegularizer(r: ConfigReader, key: string): Regularizer | undefined {
  const spec = r.object(key);
  if (spec === undefined) return undefined;
  const { l1, l2, ...rest } = spec;
  if (Object.keys(rest).length > 0 || (l1 !== undefined && typeof l1 !== 'number') || (l2 !== undefined && typeof l2 !== 'number')) {
    throw new ArgumentError(`'${key}' must be { l1, l2 } with numbers`);
  }
  return l1l2({ l1: l1 as number | undefined, l2: l2 as number | undefined });
}

export function expectRankAtLeast(layer: string, shape: readonly number[], rank: number, hint: string): void {
  if (shape.length < rank) throw new ShapeError(`${layer}: expected an input of rank >= ${rank + 1} (with the batch axis), got [batch, ${shape}] - ${hint}`);
}

export function positiveInt(where: string, key: string, v: unknown, max = 2 ** 24): number {
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > max) throw new ArgumentError(`${where}: ${key} must be an integer in [1, ${max}], got ${String(v)}`);
  return v;
}
