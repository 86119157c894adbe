import { ArgumentError } from '@neurite/core';

/** What layer configs hold: JSON values only, so topology serializes as is. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
export type Config = { [key: string]: Json };

/**
 * Reads a layer config that came from a file: every field typed and bounded,
 * unknown fields rejected (a typo or a hostile key never passes silently).
 * Errors are ArgumentErrors; the loader turns them into ModelFormatErrors
 * that also name the layer.
 */
export class ConfigReader {
  private readonly seen = new Set<string>();

  constructor(
    private readonly where: string,
    private readonly config: Config,
  ) {
    if (config === null || typeof config !== 'object' || Array.isArray(config)) throw new ArgumentError(`${where}: config must be an object`);
  }

  private get(key: string): Json | undefined {
    this.seen.add(key);
    return Object.hasOwn(this.config, key) ? this.config[key] : undefined;
  }

  has(key: string): boolean {
    return Object.hasOwn(this.config, key);
  }

  /** A finite number (an integer in [min, max] when `integer`). */
  number(key: string, fallback: number | undefined, opts: { min?: number; max?: number; integer?: boolean } = {}): number {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    const { min = -Infinity, max = Infinity, integer = false } = opts;
    if (typeof v !== 'number' || !Number.isFinite(v) || v < min || v > max || (integer && !Number.isInteger(v))) {
      throw new ArgumentError(`${this.where}: '${key}' must be ${integer ? 'an integer' : 'a number'} in [${min}, ${max}], got ${JSON.stringify(v) ?? 'nothing'}`);
    }
    return v;
  }

  optionalNumber(key: string, opts: { min?: number; max?: number; integer?: boolean } = {}): number | undefined {
    return this.get(key) === undefined || this.get(key) === null ? undefined : this.number(key, undefined, opts);
  }

  boolean(key: string, fallback: boolean): boolean {
    const v = this.get(key);
    if (v === undefined) return fallback;
    if (typeof v !== 'boolean') throw new ArgumentError(`${this.where}: '${key}' must be true or false, got ${JSON.stringify(v)}`);
    return v;
  }

  string(key: string, fallback?: string): string {
    const v = this.get(key);
    if (v === undefined && fallback !== undefined) return fallback;
    if (typeof v !== 'string' || v.length > 256) throw new ArgumentError(`${this.where}: '${key}' must be a string of at most 256 characters`);
    return v;
  }

  /** A list of integers, each in [min, max], of at most maxLength entries. */
  ints(key: string, opts: { min: number; max: number; maxLength?: number }): number[] {
    const v = this.get(key);
    const { min, max, maxLength = 8 } = opts;
    if (!Array.isArray(v) || v.length > maxLength || !v.every((d) => typeof d === 'number' && Number.isInteger(d) && d >= min && d <= max)) {
      throw new ArgumentError(`${this.where}: '${key}' must be a list of at most ${maxLength} integers in [${min}, ${max}], got ${JSON.stringify(v)?.slice(0, 80)}`);
    }
    return v as number[];
  }

  /** A nested object (an initializer or regularizer record), checked by the caller. */
  object(key: string): Config | undefined {
    const v = this.get(key);
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'object' || Array.isArray(v)) throw new ArgumentError(`${this.where}: '${key}' must be an object`);
    return v;
  }

  /** Call last: fields nobody read are an error. */
  done(): void {
    for (const key of Object.keys(this.config)) {
      if (!this.seen.has(key)) throw new ArgumentError(`${this.where}: unknown field '${key.slice(0, 40)}'`);
    }
  }
}
