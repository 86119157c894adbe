import type { DType, TypedArray } from './dtype.js';
import type { Shape } from './shape.js';

/** Above this many elements only the first and last EDGE items of each axis print. */
const SUMMARY_THRESHOLD = 1000;
const EDGE = 3;
const LINE_WIDTH = 75;
const MAX_FRACTION_DIGITS = 8;

/**
 * Prints like NumPy's repr: `array([[1. , 2.5],\n       [3. , 4. ]], dtype=float32)`.
 * Floats use the fewest fractional digits (at most 8) that round-trip at the
 * tensor's precision, aligned on the decimal point; tiny or huge magnitudes
 * switch to scientific notation.
 */
export function formatTensor(data: TypedArray, shape: Shape, dtype: DType): string {
  const prefix = 'array(';
  const suffix = `, dtype=${dtype})`;
  if (data.length === 0) return `${prefix}[], shape=(${shape.join(', ')}${shape.length === 1 ? ',' : ''})${suffix}`;
  const summarize = data.length > SUMMARY_THRESHOLD;
  const format = elementFormatter(data, dtype);
  if (shape.length === 0) return prefix + format(data[0]) + suffix;
  const body = formatNested(data, shape, 0, 0, format, prefix.length, summarize);
  return prefix + body + suffix;
}

function formatNested(
  data: TypedArray,
  shape: Shape,
  dim: number,
  offset: number,
  format: (v: number) => string,
  indent: number,
  summarize: boolean,
): string {
  const n = shape[dim];
  let stride = 1;
  for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
  const indices = visibleIndices(n, summarize);
  if (dim === shape.length - 1) {
    const items = indices.map((i) => (i < 0 ? '...' : format(data[offset + i])));
    return '[' + wrap(items, indent + dim + 1) + ']';
  }
  const rows = indices.map((i) =>
    i < 0 ? '...' : formatNested(data, shape, dim + 1, offset + i * stride, format, indent, summarize),
  );
  const blankLines = '\n'.repeat(shape.length - dim - 1);
  return '[' + rows.join(',' + blankLines + ' '.repeat(indent + dim + 1)) + ']';
}

function visibleIndices(n: number, summarize: boolean): number[] {
  if (!summarize || n <= 2 * EDGE) return Array.from({ length: n }, (_, i) => i);
  return [...Array.from({ length: EDGE }, (_, i) => i), -1, ...Array.from({ length: EDGE }, (_, i) => n - EDGE + i)];
}

function wrap(items: string[], indent: number): string {
  const lines: string[] = [];
  let line = '';
  for (let i = 0; i < items.length; i++) {
    const piece = items[i] + (i < items.length - 1 ? ', ' : '');
    if (line.length > 0 && indent + line.length + piece.trimEnd().length > LINE_WIDTH) {
      lines.push(line.trimEnd());
      line = '';
    }
    line += piece;
  }
  lines.push(line);
  return lines.join('\n' + ' '.repeat(indent));
}

function elementFormatter(data: TypedArray, dtype: DType): (v: number) => string {
  if (dtype === 'int32') {
    let width = 1;
    for (const v of data) width = Math.max(width, String(v).length);
    return (v) => String(v).padStart(width);
  }
  const roundTrips =
    dtype === 'float32' ? (a: number, b: number) => Math.fround(a) === Math.fround(b) : (a: number, b: number) => a === b;
  let maxAbs = 0;
  let minAbs = Infinity;
  for (const v of data) {
    if (!Number.isFinite(v)) continue;
    const a = Math.abs(v);
    maxAbs = Math.max(maxAbs, a);
    if (a > 0) minAbs = Math.min(minAbs, a);
  }
  const scientific = maxAbs >= 1e16 || (minAbs < 1e-4 && minAbs !== Infinity) || (minAbs !== Infinity && maxAbs / minAbs > 1e3 && minAbs < 1e-3);
  const digitsNeeded = (v: number, render: (v: number, d: number) => string): number => {
    for (let d = 0; d < MAX_FRACTION_DIGITS; d++) if (roundTrips(Number(render(v, d)), v)) return d;
    return MAX_FRACTION_DIGITS;
  };
  const render = scientific ? (v: number, d: number) => v.toExponential(d) : (v: number, d: number) => v.toFixed(d);
  let fraction = 0;
  for (const v of data) if (Number.isFinite(v)) fraction = Math.max(fraction, digitsNeeded(v, render));
  const text = (v: number): string => {
    if (Number.isNaN(v)) return 'nan';
    if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
    if (scientific) {
      const [mantissa, exponent] = v.toExponential(fraction).split('e');
      const exp = Number(exponent);
      return `${fraction === 0 ? mantissa + '.' : mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
    }
    // Trailing zeros become spaces so columns still align on the point (NumPy's maxprec).
    const s = v.toFixed(fraction);
    if (fraction === 0) return s + '.';
    const trimmed = s.replace(/0+$/, '');
    return trimmed + ' '.repeat(s.length - trimmed.length);
  };
  let intWidth = 0;
  for (const v of data) intWidth = Math.max(intWidth, text(v).split('.')[0].length);
  return (v) => {
    const t = text(v);
    const point = t.indexOf('.');
    const intPart = point < 0 ? t.length : point;
    return ' '.repeat(Math.max(0, intWidth - intPart)) + t;
  };
}
