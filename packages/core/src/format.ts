import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** NumPy's print options: above THRESHOLD elements only EDGE items per axis end print. */
const THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 75;
const MAX_FRACTION_DIGITS = 8;
const PREFIX = 'array(';

/**
 * Prints like NumPy 2's repr: `array([[1. , 2.5],\n       [3. , 4. ]], dtype=float32)`.
 * The rules follow numpy/_core/arrayprint.py: floats take the fewest digits
 * that round-trip at the tensor's precision (at most 8 after the point),
 * aligned on the point; scientific notation when the largest magnitude
 * reaches 1e6 (float32) or 1e8 (float64), the smallest is under 1e-4, or
 * they span more than 1000x. Unlike NumPy the dtype is always shown, since
 * Neurite's default is float32, not float64.
 */
export function formatTensor(data: TypedArray, shape: Shape, dtype: DType): string {
  const summarize = data.length > THRESHOLD;
  const extras: string[] = [];
  if ((data.length === 0 && !(shape.length === 1 && shape[0] === 0)) || summarize) {
    extras.push(`shape=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})`);
  }
  extras.push(`dtype=${dtype}`);
  let body: string;
  if (data.length === 0) body = '[]';
  else {
    const format = elementFormatter(visibleValues(data, shape, summarize), dtype);
    body = shape.length === 0 ? format(data[0]) : formatNested(data, shape, 0, 0, format, summarize);
  }
  const head = PREFIX + body + ',';
  const extra = extras.join(', ') + ')';
  const lastLine = head.length - (head.lastIndexOf('\n') + 1);
  const spacer = lastLine + extra.length + 1 > LINE_WIDTH ? '\n' + ' '.repeat(PREFIX.length) : ' ';
  return head + spacer + extra;
}

function formatNested(
  data: TypedArray,
  shape: Shape,
  dim: number,
  offset: number,
  format: (v: number) => string,
  summarize: boolean,
): string {
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
  const indices = visibleIndices(shape[dim], summarize);
  const indent = PREFIX.length + dim + 1;
  if (dim === shape.length - 1) {
    return '[' + wrap(indices.map((i) => (i < 0 ? '...' : format(data[offset + i]))), indent) + ']';
  }
  const rows = indices.map((i) => (i < 0 ? '...' : formatNested(data, shape, dim + 1, offset + i * stride, format, summarize)));
  const separator = ',' + '\n'.repeat(shape.length - dim - 1) + ' '.repeat(indent);
  return '[' + rows.join(separator) + ']';
}

/** Indices printed along an axis of length n; -1 marks the `...`. */
function visibleIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

/** The values that will be printed: column widths depend on these only, as in NumPy. */
function visibleValues(data: TypedArray, shape: Shape, summarize: boolean): number[] {
  if (!summarize) return Array.from(data);
  const out: number[] = [];
  const walk = (dim: number, offset: number): void => {
    if (dim === shape.length) {
      out.push(data[offset]);
      return;
    }
    let stride = 1;
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
    for (const i of visibleIndices(shape[dim], true)) if (i >= 0) walk(dim + 1, offset + i * stride);
  };
  walk(0, 0);
  return out;
}

function wrap(items: string[], indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < items.length; i++) {
    const last = i === items.length - 1;
    // The closing brackets of the enclosing arrays share the last line.
    const piece = items[i] + (last ? '' : ', ');
    if (line.length > 0 && indent + line.length + piece.trimEnd().length + (last ? 1 : 0) > LINE_WIDTH) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += piece;
  }
  lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

function elementFormatter(values: number[], dtype: DType): (v: number) => string {
  if (dtype === 'int32') {
    const width = Math.max(...values.map((v) => String(v).length));
    return (v) => String(v).padStart(width);
  }
  const finite = values.filter(Number.isFinite);
  const nonZero = finite.map(Math.abs).filter((a) => a > 0);
  const maxAbs = nonZero.length > 0 ? Math.max(...nonZero) : 0;
  const minAbs = nonZero.length > 0 ? Math.min(...nonZero) : 0;
  const cutoff = dtype === 'float32' ? 1e6 : 1e8;
  const scientific = nonZero.length > 0 && (maxAbs >= cutoff || minAbs < 1e-4 || maxAbs / minAbs > 1e3);
  const roundTrips =
    dtype === 'float32' ? (text: string, v: number) => Math.fround(Number(text)) === Math.fround(v) : (text: string, v: number) => Number(text) === v;
  const render = scientific ? (v: number, d: number) => v.toExponential(d) : (v: number, d: number) => v.toFixed(d);
  const shortest = (v: number): number => {
    for (let d = 0; d < MAX_FRACTION_DIGITS; d++) if (roundTrips(render(v, d), v)) return d;
    return MAX_FRACTION_DIGITS;
  };
  let text: (v: number) => string;
  if (scientific) {
    // Scientific mantissas share one precision, padded with zeros.
    const precision = Math.max(0, ...finite.map(shortest));
    text = (v) => {
      const [mantissa, exponent] = v.toExponential(precision).split('e');
      const exp = Number(exponent);
      return `${precision === 0 ? mantissa + '.' : mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    };
  } else {
    // Positional values keep their own shortest digits, padded with spaces to align on the point.
    const fractionWidth = Math.max(0, ...finite.map(shortest));
    text = (v) => {
      const s = v.toFixed(shortest(v));
      const [int, frac = ''] = s.split('.');
      return `${int}.${frac.padEnd(fractionWidth)}`;
    };
  }
  const intWidth = Math.max(0, ...finite.map((v) => text(v).split('.')[0].length));
  const finiteText = (v: number) => {
    const t = text(v);
    return ' '.repeat(Math.max(0, intWidth - t.indexOf('.'))) + t;
  };
  const special = (v: number) => (Number.isNaN(v) ? 'nan' : v > 0 ? 'inf' : '-inf');
  const width = Math.max(0, ...finite.map((v) => finiteText(v).length), ...values.filter((v) => !Number.isFinite(v)).map((v) => special(v).length));
  return (v) => (Number.isFinite(v) ? finiteText(v) : special(v)).padStart(width);
}
