import { mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * The test side of examples/flower's array directories (<name>.npy + arrays.json).
 * A deliberately small .npy reader/writer of its own: the tests use it as an
 * oracle, so it must not share code with the codec under test.
 */
export interface NamedArray {
  readonly dtype: 'float32' | 'float64' | 'int32';
  readonly shape: number[];
  readonly values: Float64Array;
}

const DESCR = { '<f4': 'float32', '<f8': 'float64', '<i4': 'int32' } as const;

export function readNpy(bytes: Uint8Array, what: string): NamedArray {
  const magic = String.fromCharCode(...bytes.subarray(1, 6));
  if (bytes[0] !== 0x93 || magic !== 'NUMPY') throw new Error(`${what}: not a .npy file`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const major = bytes[6]!;
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder().decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr':\s*'([^']+)'/.exec(header)?.[1] as keyof typeof DESCR | undefined;
  const fortran = /'fortran_order':\s*(True|False)/.exec(header)?.[1];
  const shapeText = /'shape':\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || !(descr in DESCR) || fortran !== 'False' || shapeText === undefined) throw new Error(`${what}: unsupported .npy header ${header.trim()}`);
  const shape = shapeText.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  // A real copy (Buffer#slice would share memory), so the data starts at offset 0 and is aligned.
  const data = Uint8Array.prototype.slice.call(bytes, start + headerLen);
  const typed = descr === '<f4' ? new Float32Array(data.buffer, 0, count) : descr === '<f8' ? new Float64Array(data.buffer, 0, count) : new Int32Array(data.buffer, 0, count);
  return { dtype: DESCR[descr], shape, values: Float64Array.from(typed) };
}

export function writeNpy(array: NamedArray): Uint8Array {
  const descr = { float32: '<f4', float64: '<f8', int32: '<i4' }[array.dtype];
  const shape = array.shape.length === 1 ? `(${array.shape[0]},)` : `(${array.shape.join(', ')})`;
  let header = `{'descr': '${descr}', 'fortran_order': False, 'shape': ${shape}, }`;
  // Version 1.0: the header is padded with spaces so the data starts on a 64-byte boundary.
  const pad = 64 - ((10 + header.length + 1) % 64);
  header = `${header}${' '.repeat(pad % 64)}\n`;
  const data = array.dtype === 'float32' ? new Float32Array(array.values) : array.dtype === 'float64' ? new Float64Array(array.values) : new Int32Array(array.values);
  const out = new Uint8Array(10 + header.length + data.byteLength);
  out.set([0x93, ...new TextEncoder().encode('NUMPY'), 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer), 10 + header.length);
  return out;
}

export interface ArrayDir {
  readonly arrays: Map<string, NamedArray>;
  /** The extra fields of arrays.json (round, num-examples, partition-id...). */
  readonly info: Record<string, unknown>;
}

export function readArrayDir(dir: string): ArrayDir {
  const index = JSON.parse(readFileSync(join(dir, 'arrays.json'), 'utf8')) as { names: string[] } & Record<string, unknown>;
  const arrays = new Map<string, NamedArray>();
  for (const name of index.names) arrays.set(name, readNpy(readFileSync(join(dir, `${name}.npy`)), join(dir, `${name}.npy`)));
  const { names: _names, ...info } = index;
  return { arrays, info };
}

export function writeArrayDir(dir: string, arrays: Map<string, NamedArray>): void {
  mkdirSync(dir, { recursive: true });
  for (const [name, array] of arrays) writeFileSync(join(dir, `${name}.npy`), writeNpy(array));
  writeFileSync(join(dir, 'arrays.json.tmp'), JSON.stringify({ names: [...arrays.keys()] }));
  renameSync(join(dir, 'arrays.json.tmp'), join(dir, 'arrays.json'));
}

/** Subdirectories named <prefix><n>, complete ones only (arrays.json written last), by n. */
export function numberedDirs(dir: string, prefix: string): { n: number; path: string }[] {
  let entries: string[];
  try {
    entries = readdirSync(dir);
  } catch {
    return [];
  }
  return entries
    .filter((e) => e.startsWith(prefix) && /^\d+$/.test(e.slice(prefix.length)))
    .map((e) => ({ n: Number(e.slice(prefix.length)), path: join(dir, e) }))
    .filter(({ path }) => {
      try {
        readFileSync(join(path, 'arrays.json'));
        return true;
      } catch {
        return false;
      }
    })
    .sort((a, b) => a.n - b.n);
}
