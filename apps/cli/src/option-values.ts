/**
 * What yargs lets through silently: a number option given text (it becomes
 * NaN) or nothing (`--seed=` becomes 0), and an option given twice (it
 * becomes a list the commands do not expect). Each is a UsageError naming
 * the flag and showing what was typed.
 */
import { UsageError } from './errors.js';

/** The part of yargs' parsed option table this check reads. */
export interface OptionTable {
  key: Record<string, unknown>;
  alias: Record<string, string[] | undefined>;
  number: string[];
  array: string[];
}

const flag = (name: string) => (name.length === 1 ? `-${name}` : `--${name}`);
// yargs also accepts --batchSize for --batch-size.
const camel = (name: string) => name.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** The texts given to an option on the command line (`--name v`, `--name=v`, `-n v`), in order. */
export function rawValues(args: readonly string[], names: readonly string[]): string[] {
  const found: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--') break;
    for (const f of [...new Set(names.flatMap((n) => [n, camel(n)]))].map(flag)) {
      if (a === f && i + 1 < args.length) found.push(args[i + 1]);
      else if (a.startsWith(`${f}=`)) found.push(a.slice(f.length + 1));
    }
  }
  return found;
}

/** Throws a UsageError for the first option whose parsed value is not what it claims to be. */
export function checkOptionValues(argv: Record<string, unknown>, options: OptionTable, args: readonly string[]): void {
  const aliases = new Set(Object.values(options.alias).flat());
  for (const key of Object.keys(options.key)) {
    if (aliases.has(key)) continue;
    const value = argv[key];
    if (value === undefined) continue;
    const names = [key, ...(options.alias[key] ?? [])];
    const typed = rawValues(args, names);
    if (Array.isArray(value) && !options.array.includes(key)) {
      const shown = typed.length > 0 ? typed : value.map(String);
      throw new UsageError(`${flag(key)} is given ${value.length} times (${shown.map((s) => `'${s}'`).join(', ')}) - give it once`);
    }
    if (!options.number.includes(key) || typeof value !== 'number') continue;
    const text = typed.at(-1);
    // yargs reads an empty text as 0: refuse it rather than run with a zero nobody typed.
    if (Number.isNaN(value) || (text !== undefined && text.trim() === '')) {
      throw new UsageError(`${flag(key)} must be a number, got ${text === undefined ? 'a non-number' : `'${text}'`} - write it in digits, as in ${flag(key)} 10`);
    }
  }
}
