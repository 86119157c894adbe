import { DataFormatError } from './errors.js';

/** The largest finite float32; tensors are float32, so a larger magnitude would become Infinity. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** Decimal numbers only: no NaN, Infinity, hexadecimal or empty text. */
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** The number a CSV field holds, or undefined when it is not decimal number text (a class name, say). */
export function csvNumber(text: string): number | undefined {
  const t = text.trim();
  return NUMBER.test(t) ? Number(t) : undefined;
}

/** Whether float32 holds `value` as a finite number (rounding is fine; becoming Infinity is not). */
export function fitsFloat32(value: number): boolean {
  return Number.isFinite(Math.fround(value));
}

/**
 * A field that goes into a float32 tensor: refused with the line and column
 * when it is not a number or when its magnitude overflows float32 (1e39,
 * 1e999), which would otherwise surface later as Infinity with no line.
 * `role` is how the message names the column ('column' or 'target column').
 */
export function csvFloat32(text: string, at: { line: number; column: string; role?: string }, hint: string): number {
  const where = `loadCsv: line ${at.line}, ${at.role ?? 'column'} '${at.column}'`;
  const v = csvNumber(text);
  if (v === undefined) throw new DataFormatError(`${where}: ${JSON.stringify(text)} is not a number - ${hint}`, at.line, at.column);
  if (!fitsFloat32(v)) {
    throw new DataFormatError(
      `${where}: ${text.trim()} overflows float32 (largest magnitude ${FLOAT32_MAX.toPrecision(8)}) - fix the value, or rescale the column (e.g. to other units)`,
      at.line,
      at.column,
    );
  }
  return v;
}
