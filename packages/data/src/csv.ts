import { tensor } from '@neurite/core';
import type { Dataset } from './arrays.js';
import { csvFloat32, csvNumber } from './csv-number.js';
import { DataFormatError } from './errors.js';

export interface CsvOptions {
  /** The label column: a header name, or an index (negative counts from the end). Default: the last column. */
  target?: string | number;
  /** Whether the first line names the columns. Default true. */
  header?: boolean;
  /** Default ','. One character. */
  delimiter?: string;
  /**
   * 'auto' (default): categorical when any target value is not a number.
   * 'categorical': class indices in the order of `classes` (or sorted).
   * 'numeric': float32 values (regression).
   */
  targetType?: 'auto' | 'categorical' | 'numeric';
  /** The class names in label order, e.g. those of the training file, so a test file maps the same way. */
  classes?: readonly string[];
}

/** A parsed numeric table: what a dataset needs, as plain arrays (no backend involved). */
export interface CsvTable {
  /** Row-major, featureNames.length values per row. */
  features: Float32Array;
  /** Class indices (int32) for a categorical target, values (float32) otherwise. */
  labels: Int32Array | Float32Array;
  numRows: number;
  featureNames: string[];
  targetName: string;
  /** For a categorical target: classes[label] is the original value. */
  classes?: string[];
}

interface CsvRecord {
  fields: string[];
  /** 1-based line where the record starts (a quoted field may span lines). */
  line: number;
}

/**
 * Splits CSV text into records (RFC 4180): fields in double quotes may hold
 * the delimiter, line breaks and doubled quotes (""). Blank lines are skipped;
 * \n and \r\n both end a line.
 */
export function parseCsvRecords(text: string, delimiter = ','): CsvRecord[] {
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new DataFormatError(`loadCsv: delimiter must be one character other than a quote or line break, got ${JSON.stringify(delimiter)}`);
  }
  const records: CsvRecord[] = [];
  let line = 1;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a byte-order mark is not part of the first name
  while (i < text.length) {
    const start = line;
    const fields: string[] = [];
    let blank = true;
    for (;;) {
      let field = '';
      if (text[i] === '"') {
        blank = false;
        const quoteLine = line;
        i++;
        for (;;) {
          if (i >= text.length) throw new DataFormatError(`loadCsv: line ${quoteLine}: a quoted field is never closed - add the closing "`, quoteLine);
          const ch = text[i];
          if (ch === '"') {
            if (text[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (ch === '\n') line++;
          field += ch;
          i++;
        }
        if (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') {
          throw new DataFormatError(`loadCsv: line ${line}: text after a closing quote - quote the whole field and double inner quotes ("")`, line);
        }
      } else {
        const from = i;
        while (i < text.length && text[i] !== delimiter && text[i] !== '\n' && text[i] !== '\r') i++;
        field = text.slice(from, i);
        if (field.trim() !== '') blank = false;
      }
      fields.push(field);
      if (text[i] === delimiter) {
        blank = false;
        i++;
        continue;
      }
      break;
    }
    if (text[i] === '\r') i++;
    if (text[i] === '\n') i++;
    if (!blank) records.push({ fields, line: start });
    line++;
  }
  return records;
}

/**
 * Parses CSV text into a numeric table: every column but the target must
 * hold numbers; the target may hold numbers or class names. Errors are
 * `DataFormatError`s naming the line (and column) of the first problem.
 * A pure function on text, so it runs in browsers as well as in Node.
 */
export function parseCsv(text: string, options: CsvOptions = {}): CsvTable {
  const { header = true, delimiter = ',', targetType = 'auto' } = options;
  const records = parseCsvRecords(text, delimiter);
  if (records.length === 0) throw new DataFormatError('loadCsv: the file is empty - expected a header line and rows of values');
  const width = records[0].fields.length;
  const names = header ? records[0].fields.map((f) => f.trim()) : Array.from({ length: width }, (_, j) => `column ${j}`);
  const rows = header ? records.slice(1) : records;
  if (rows.length === 0) throw new DataFormatError(`loadCsv: the file has a header (line ${records[0].line}) but no rows of values`, records[0].line);
  if (width < 2) throw new DataFormatError(`loadCsv: line ${records[0].line} has ${width} column - need at least one feature and a target; is the delimiter ${JSON.stringify(delimiter)} right?`, records[0].line);
  const t = targetIndex(options.target, names, header);
  for (const r of rows) {
    if (r.fields.length !== width) {
      throw new DataFormatError(
        `loadCsv: line ${r.line} has ${r.fields.length} fields but ${header ? 'the header has' : 'the first row has'} ${width} - check for a missing value or an unquoted ${JSON.stringify(delimiter)}`,
        r.line,
      );
    }
  }
  const featureNames = names.filter((_, j) => j !== t);
  const features = new Float32Array(rows.length * (width - 1));
  rows.forEach((r, i) => {
    let k = 0;
    for (let j = 0; j < width; j++) {
      if (j === t) continue;
      features[i * (width - 1) + k++] = csvFloat32(r.fields[j], { line: r.line, column: names[j] }, 'fix or remove the row, or drop the column');
    }
  });
  const raw = rows.map((r) => r.fields[t].trim());
  const numeric = raw.map(csvNumber);
  const categorical = targetType === 'categorical' || (targetType === 'auto' && (options.classes !== undefined || numeric.some((v) => v === undefined)));
  const base = { features, numRows: rows.length, featureNames, targetName: names[t] };
  if (!categorical) {
    const at = (i: number) => ({ line: rows[i].line, column: names[t], role: 'target column' });
    const labels = Float32Array.from(raw, (v, i) => csvFloat32(v, at(i), "use targetType 'categorical' for class names"));
    return { ...base, labels };
  }
  const classes = options.classes ? [...options.classes] : sortedClasses(raw);
  const index = new Map(classes.map((c, k) => [c, k]));
  const labels = new Int32Array(rows.length);
  raw.forEach((value, i) => {
    const k = index.get(value);
    if (k === undefined) {
      throw new DataFormatError(`loadCsv: line ${rows[i].line}, target column '${names[t]}': ${JSON.stringify(value)} is not one of the given classes (${classes.join(', ')})`, rows[i].line);
    }
    labels[i] = k;
  });
  return { ...base, labels, classes };
}

/** Distinct values, numerically when all are numbers ("2" before "10"), otherwise in code-unit order: the same on every machine. */
function sortedClasses(values: string[]): string[] {
  const distinct = [...new Set(values)];
  if (distinct.every((v) => csvNumber(v) !== undefined)) return distinct.sort((a, b) => Number(a) - Number(b));
  return distinct.sort();
}

function targetIndex(target: string | number | undefined, names: string[], header: boolean): number {
  const width = names.length;
  if (target === undefined) return width - 1;
  if (typeof target === 'number') {
    const j = target < 0 ? width + target : target;
    if (!Number.isInteger(target) || j < 0 || j >= width) {
      throw new DataFormatError(`loadCsv: target column ${target} does not exist - the file has ${width} columns (0 to ${width - 1}, or -1 for the last)`);
    }
    return j;
  }
  if (!header) throw new DataFormatError(`loadCsv: target '${target}' is a column name but header is false - give the column's index instead`);
  const j = names.indexOf(target.trim());
  if (j < 0) throw new DataFormatError(`loadCsv: no column named '${target}' - the columns are: ${names.join(', ')}`);
  return j;
}

/** A CSV table as tensors: x float32 [rows, features], y int32 class indices or float32 values. */
export function csvToDataset(table: CsvTable): Dataset {
  const x = tensor(table.features, [table.numRows, table.featureNames.length], 'float32');
  const y = tensor(table.labels, [table.numRows], table.labels instanceof Int32Array ? 'int32' : 'float32');
  return { x, y };
}

export interface CsvDataset extends Dataset, Omit<CsvTable, 'features' | 'labels'> {}

/**
 * Reads a CSV file (Node) or CSV text into tensors. A string with a line
 * break is taken as the CSV text itself; any other string, or a URL, is a
 * file path. For browsers, fetch the text and call parseCsv/csvToDataset.
 */
export async function loadCsv(source: string | URL, options: CsvOptions = {}): Promise<CsvDataset> {
  let text: string;
  if (typeof source === 'string' && /[\r\n]/.test(source)) text = source;
  else {
    // Imported here so that the module stays loadable where there is no file system.
    const { readFile } = await import('node:fs/promises');
    text = await readFile(source, 'utf8');
  }
  const table = parseCsv(text, options);
  const { features: _features, labels: _labels, ...meta } = table;
  return { ...csvToDataset(table), ...meta };
}
