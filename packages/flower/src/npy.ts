import { ArgumentError, DTypeError, ShapeError } from '@neurite/core';
import { FlowerProtocolError } from './errors.js';

/**
 * NumPy's .npy format, as `numpy.save(..., allow_pickle=False)` writes it:
 * Flower's `Array.from_numpy_ndarray` stores exactly these bytes, so writing
 * them byte for byte the same keeps our arrays' object ids equal to Python's.
 */

/** The element types Flower clients send: model weights (float32/64), counters and labels (int32/64), bytes (uint8). */
export type NpyDType = 'float32' | 'float64' | 'int32' | 'int64' | 'uint8';

export interface NpyDataMap {
  float32: Float32Array;
  float64: Float64Array;
  int32: Int32Array;
  int64: BigInt64Array;
  uint8: Uint8Array;
}

export type NpyTypedArray = NpyDataMap[NpyDType];

/** An array in C (row-major) order; `data.length` is the product of `shape` (1 for a 0-d array). */
export interface NpyArray<D extends NpyDType = NpyDType> {
  readonly dtype: D;
  readonly shape: readonly number[];
  readonly data: NpyDataMap[D];
}

const DESCR: Record<NpyDType, string> = { float32: '<f4', float64: '<f8', int32: '<i4', int64: '<i8', uint8: '|u1' };
const CTORS = { float32: Float32Array, float64: Float64Array, int32: Int32Array, int64: BigInt64Array, uint8: Uint8Array } as const;
const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY
// numpy pads the header so the data starts on a 64-byte boundary, and leaves
// room for the first dimension to grow to 21 digits without a rewrite.
const ALIGN = 64;
const GROWTH_DIGITS = 21;
const formatShape = (shape: readonly number[]) => `[${shape.join(',')}]`;
const LITTLE_ENDIAN_HOST = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

export const NPY_DTYPES: readonly NpyDType[] = Object.keys(DESCR) as NpyDType[];

export function isNpyDType(value: unknown): value is NpyDType {
  return typeof value === 'string' && Object.hasOwn(DESCR, value);
}

/** The dtype a typed array holds, or a DTypeError for one .npy here does not carry. */
export function npyDTypeOf(data: NpyTypedArray): NpyDType {
  for (const d of NPY_DTYPES) if (data instanceof CTORS[d]) return d;
  throw new DTypeError(`encodeNpy: cannot store a ${(data as object)?.constructor?.name ?? typeof data} - pass a Float32Array, Float64Array, Int32Array, BigInt64Array or Uint8Array`);
}

function checkShape(where: string, shape: readonly number[]): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isSafeInteger(d) || d < 0) throw new ShapeError(`${where}: shape ${formatShape(shape)} has a dimension that is not a non-negative integer - use whole numbers >= 0`);
    size *= d;
  }
  return size;
}

/** Python's repr of a shape tuple: `()`, `(5,)`, `(2, 3)`. */
function shapeRepr(shape: readonly number[]): string {
  return shape.length === 1 ? `(${shape[0]},)` : `(${shape.join(', ')})`;
}

/** The header numpy writes for this array (format 1.0; its length field is 16 bits). */
function header(dtype: NpyDType, shape: readonly number[]): Uint8Array {
  let dict = `{'descr': '${DESCR[dtype]}', 'fortran_order': False, 'shape': ${shapeRepr(shape)}, }`;
  if (shape.length > 0) dict += ' '.repeat(Math.max(0, GROWTH_DIGITS - String(shape[0]).length));
  const withNewline = dict.length + 1;
  // numpy pads by a full 64 bytes when the header already ends on a boundary.
  const pad = ALIGN - ((MAGIC.length + 2 + 2 + withNewline) % ALIGN);
  const headerLength = withNewline + pad;
  if (headerLength > 0xffff) throw new ShapeError(`encodeNpy: shape ${formatShape(shape)} needs a ${headerLength}-byte header, over format 1.0's 65535 - use fewer dimensions`);
  const out = new Uint8Array(MAGIC.length + 4 + headerLength);
  out.set(MAGIC, 0);
  out[6] = 1; // format 1.0
  out[7] = 0;
  out[8] = headerLength & 0xff;
  out[9] = headerLength >> 8;
  const text = dict + ' '.repeat(pad) + '\n';
  for (let i = 0; i < text.length; i++) out[10 + i] = text.charCodeAt(i);
  return out;
}

/** The bytes `numpy.save` writes for `data` with `shape` (C order, little-endian). */
export function encodeNpy(array: { readonly shape: readonly number[]; readonly data: NpyTypedArray }): Uint8Array {
  const { shape, data } = array;
  const dtype = npyDTypeOf(data);
  const size = checkShape('encodeNpy', shape);
  if (size !== data.length) throw new ShapeError(`encodeNpy: shape ${formatShape(shape)} holds ${size} elements but the data has ${data.length} - pass data of the shape's size`);
  const head = header(dtype, shape);
  const out = new Uint8Array(head.length + data.byteLength);
  out.set(head, 0);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), head.length);
  if (!LITTLE_ENDIAN_HOST) swapBytes(out.subarray(head.length), data.BYTES_PER_ELEMENT);
  return out;
}

function bad(reason: string): never {
  throw new FlowerProtocolError(`decodeNpy: ${reason} - the sender must write arrays with numpy.save(allow_pickle=False)`);
}

interface NpyHeader {
  readonly descr: string;
  readonly fortranOrder: boolean;
  readonly shape: number[];
}

/** Reads the header's Python dict literal; only the three keys numpy writes are accepted. */
function parseHeader(text: string): NpyHeader {
  const m = /^\s*\{(.*)\}\s*$/s.exec(text);
  if (!m) bad(`header is not a dict: ${JSON.stringify(text.slice(0, 80))}`);
  const fields = new Map<string, string>();
  const re = /\s*'([a-z_]+)'\s*:\s*('[^']*'|True|False|\([^)]*\))\s*(,|$)/gy;
  const rest = m[1];
  let pos = 0;
  while (pos < rest.length && rest.slice(pos).trim() !== '') {
    re.lastIndex = pos;
    const f = re.exec(rest);
    if (!f) bad(`cannot read the header at ${JSON.stringify(rest.slice(pos, pos + 40))}`);
    fields.set(f[1], f[2]);
    pos = re.lastIndex;
  }
  const descr = fields.get('descr');
  const order = fields.get('fortran_order');
  const shape = fields.get('shape');
  if (descr === undefined || order === undefined || shape === undefined || fields.size !== 3) {
    bad(`header keys are [${[...fields.keys()].join(', ')}], expected descr, fortran_order and shape`);
  }
  if (!descr.startsWith("'")) bad(`descr ${descr} is not a string (structured dtypes are not supported)`);
  if (order !== 'True' && order !== 'False') bad(`fortran_order is ${order}`);
  const dims = shape
    .slice(1, -1)
    .split(',')
    .map((s) => s.trim())
    .filter((s, i, all) => s !== '' || i < all.length - 1);
  if (dims.some((d) => !/^\d+$/.test(d))) bad(`shape ${shape} is not a tuple of non-negative integers`);
  return { descr: descr.slice(1, -1), fortranOrder: order === 'True', shape: dims.map(Number) };
}

function dtypeFromDescr(descr: string): { dtype: NpyDType; swap: boolean } {
  const byteOrder = descr[0];
  const kind = descr.slice(1);
  const dtype = NPY_DTYPES.find((d) => DESCR[d].slice(1) === kind);
  if (!dtype || !'<>|='.includes(byteOrder)) {
    bad(`dtype '${descr}' is not supported (supported: ${NPY_DTYPES.map((d) => `${d} '${DESCR[d]}'`).join(', ')})`);
  }
  const big = byteOrder === '>' || (byteOrder === '=' && !LITTLE_ENDIAN_HOST);
  return { dtype, swap: big === LITTLE_ENDIAN_HOST && CTORS[dtype].BYTES_PER_ELEMENT > 1 };
}

function swapBytes(bytes: Uint8Array, width: number): void {
  for (let i = 0; i < bytes.length; i += width) bytes.subarray(i, i + width).reverse();
}

/** Fortran (column-major) data rearranged into C order. */
function toCOrder<T extends NpyTypedArray>(data: T, shape: readonly number[]): T {
  const out = new (data.constructor as new (n: number) => T)(data.length);
  const rank = shape.length;
  const index = new Array<number>(rank).fill(0);
  const fStrides = new Array<number>(rank);
  for (let k = 0, s = 1; k < rank; k++) {
    fStrides[k] = s;
    s *= shape[k];
  }
  // Walk the output in C order, keeping the matching Fortran offset.
  for (let i = 0, f = 0; i < data.length; i++) {
    out[i] = data[f];
    for (let k = rank - 1; k >= 0; k--) {
      index[k]++;
      f += fStrides[k];
      if (index[k] < shape[k]) break;
      f -= fStrides[k] * shape[k];
      index[k] = 0;
    }
  }
  return out;
}

/**
 * Reads .npy bytes (format 1.0, 2.0 or 3.0) into a fresh C-order typed array.
 * Big-endian and Fortran-order arrays are converted; the result never shares
 * memory with `bytes`.
 */
export function decodeNpy(bytes: Uint8Array): NpyArray {
  if (!(bytes instanceof Uint8Array)) throw new ArgumentError(`decodeNpy: expected a Uint8Array, got ${typeof bytes} - pass the array's bytes`);
  if (bytes.length < 10 || MAGIC.some((b, i) => bytes[i] !== b)) bad(`the bytes do not start with the .npy magic string (${bytes.length} bytes)`);
  const major = bytes[6];
  if (major < 1 || major > 3 || bytes[7] !== 0) bad(`format version ${major}.${bytes[7]} is not one of 1.0, 2.0, 3.0`);
  const wide = major >= 2;
  const start = wide ? 12 : 10;
  if (bytes.length < start) bad(`truncated header (${bytes.length} bytes)`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLength = wide ? view.getUint32(8, true) : view.getUint16(8, true);
  const dataStart = start + headerLength;
  if (dataStart > bytes.length) bad(`the header claims ${headerLength} bytes but only ${bytes.length - start} follow`);
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, dataStart));
  const head = parseHeader(text);
  const { dtype, swap } = dtypeFromDescr(head.descr);
  const size = head.shape.reduce((a, b) => a * b, 1);
  const width = CTORS[dtype].BYTES_PER_ELEMENT;
  const expected = size * width;
  if (bytes.length - dataStart !== expected) {
    bad(`shape ${formatShape(head.shape)} of ${dtype} needs ${expected} data bytes but ${bytes.length - dataStart} follow the header`);
  }
  // A copy on an aligned buffer, so the typed array view is always legal.
  const raw = bytes.slice(dataStart);
  if (swap) swapBytes(raw, width);
  let data = new CTORS[dtype](raw.buffer, 0, size) as NpyTypedArray;
  if (head.fortranOrder && head.shape.length > 1) data = toCOrder(data, head.shape);
  return { dtype, shape: head.shape, data };
}
