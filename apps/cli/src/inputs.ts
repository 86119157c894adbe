/** Input rows for predict and evaluate: CSV or JSON, from a file or stdin. */
import { FLOAT32_MAX, fitsFloat32, parseCsvRecords } from '@neurite/data';
import { UsageError } from './errors.js';
import { readText } from './datasets.js';

export interface InputRows {
  rows: number[][];
  /** Targets, when the input had them (a target column, a "y" field). */
  targets?: (number | string)[];
  /** Column names, when a CSV header gave them. */
  columns?: string[];
}

export async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/** Reads `--input` (a path, or '-' for stdin). */
export async function readInputText(input: string | undefined): Promise<{ text: string; source: string }> {
  if (input === undefined || input === '-') {
    if (input === undefined && process.stdin.isTTY) throw new UsageError('no input - pass --input FILE (CSV or JSON) or pipe rows on stdin');
    return { text: await readStdin(), source: 'stdin' };
  }
  return { text: await readText(input, 'input file'), source: input };
}

const isNumeric = (s: string) => s.trim() !== '' && Number.isFinite(Number(s));

/**
 * Parses rows. JSON: a list of rows, one row, or `{ "x": rows, "y"?: targets }`.
 * CSV: numbers, with an optional header; with `target`, that column is the target.
 */
export function parseInputs(text: string, source: string, options: { target?: string; featureNames?: string[] } = {}): InputRows {
  const trimmed = text.trim();
  if (trimmed === '') throw new UsageError(`${source} is empty - expected CSV rows or JSON`);
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) return parseJsonInputs(trimmed, source);
  return parseCsvInputs(text, source, options);
}

function parseJsonInputs(text: string, source: string): InputRows {
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${source} is not valid JSON (${(e as Error).message}) - expected [[...], ...] or { "x": [[...]], "y": [...] }`);
  }
  let rows: unknown = root;
  let targets: unknown;
  if (root !== null && typeof root === 'object' && !Array.isArray(root)) {
    rows = (root as Record<string, unknown>).x;
    targets = (root as Record<string, unknown>).y;
  }
  if (!Array.isArray(rows)) throw new UsageError(`${source}: expected a list of rows or { "x": [[...]] }`);
  if (rows.length > 0 && rows.every((v) => typeof v === 'number')) rows = [rows];
  const out = (rows as unknown[]).map((r, i) => {
    const flat = Array.isArray(r) ? (r as unknown[]).flat(Infinity) : r;
    if (!Array.isArray(flat) || !flat.every((v) => typeof v === 'number' && fitsFloat32(v))) {
      throw new UsageError(`${source}: row ${i} is not a list of finite float32 numbers (magnitude at most ${FLOAT32_MAX.toPrecision(8)})`);
    }
    return flat as number[];
  });
  if (targets !== undefined) {
    if (!Array.isArray(targets) || targets.length !== out.length) throw new UsageError(`${source}: "y" must be a list with one target per row (${out.length})`);
    return { rows: out, targets: (targets as unknown[]).map((t) => (Array.isArray(t) ? t[0] : t) as number | string) };
  }
  return { rows: out };
}

function parseCsvInputs(text: string, source: string, options: { target?: string; featureNames?: string[] }): InputRows {
  let records;
  try {
    records = parseCsvRecords(text);
  } catch (e) {
    throw new UsageError(`${source}: ${(e as Error).message}`);
  }
  records = records.filter((r) => !(r.fields.length === 1 && r.fields[0].trim() === ''));
  if (records.length === 0) throw new UsageError(`${source} has no rows`);
  const first = records[0].fields;
  const hasHeader = !first.every(isNumeric);
  const columns = hasHeader ? first.map((s) => s.trim()) : undefined;
  let targetIndex = -1;
  if (options.target !== undefined) {
    targetIndex = columns ? columns.indexOf(options.target) : -1;
    if (targetIndex < 0 && /^-?\d+$/.test(options.target)) targetIndex = (Number(options.target) + first.length) % first.length;
    if (targetIndex < 0) throw new UsageError(`${source}: no column named '${options.target}'${columns ? ` - the columns are: ${columns.join(', ')}` : ' (the file has no header)'}`);
  }
  // With a header and known feature names, columns are picked by name (extra columns, such as the target, are dropped).
  let pick: number[] | undefined;
  if (columns && options.featureNames && options.featureNames.every((n) => columns.includes(n))) pick = options.featureNames.map((n) => columns.indexOf(n));
  const rows: number[][] = [];
  const targets: string[] = [];
  for (const rec of records.slice(hasHeader ? 1 : 0)) {
    if (rec.fields.length !== first.length) {
      throw new UsageError(`${source}: line ${rec.line} has ${rec.fields.length} fields but ${hasHeader ? 'the header has' : 'the first row has'} ${first.length} - check for a missing value or an unquoted ","`);
    }
    const idx = pick ?? rec.fields.map((_, i) => i).filter((i) => i !== targetIndex);
    rows.push(
      idx.map((i) => {
        const f = rec.fields[i];
        const column = columns ? `'${columns[i]}'` : i + 1;
        if (!isNumeric(f)) throw new UsageError(`${source}: line ${rec.line}, column ${column}: "${f.slice(0, 40)}" is not a number`);
        if (!fitsFloat32(Number(f))) throw new UsageError(`${source}: line ${rec.line}, column ${column}: ${f.trim()} overflows float32 (largest magnitude ${FLOAT32_MAX.toPrecision(8)}) - fix the value or rescale the column`);
        return Number(f);
      }),
    );
    if (targetIndex >= 0) targets.push(rec.fields[targetIndex].trim());
  }
  return { rows, ...(targetIndex >= 0 ? { targets } : {}), ...(columns ? { columns } : {}) };
}
