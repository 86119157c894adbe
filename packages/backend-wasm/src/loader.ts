import { BackendError } from '@neurite/core';
import type { WasmExports } from './heap.js';

/** Where the .wasm comes from: bytes, a URL, or (in Node) a file path. */
export type WasmSource = BufferSource | URL | string;

/**
 * A module whose only function uses a SIMD instruction (i8x16.splat +
 * i8x16.popcnt): it validates exactly when the engine has 128-bit SIMD.
 */
const SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 10, 1, 8, 0, 65, 0, 253, 15, 253, 98, 11,
]);

export function simdSupported(): boolean {
  try {
    return WebAssembly.validate(SIMD_PROBE);
  } catch {
    return false;
  }
}

/**
 * A module whose only function uses a relaxed-SIMD instruction (three
 * f32x4.splat of f32.const 0, then f32x4.relaxed_madd): it validates exactly
 * when the engine has relaxed SIMD (Chrome 114+, Node 22+; Node 20 behind
 * --experimental-wasm-relaxed-simd).
 */
export const RELAXED_SIMD_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 28, 1, 26, 0, 67, 0, 0, 0, 0, 253, 19, 67, 0, 0,
  0, 0, 253, 19, 67, 0, 0, 0, 0, 253, 19, 253, 133, 2, 11,
]);

export function relaxedSimdSupported(): boolean {
  try {
    return WebAssembly.validate(RELAXED_SIMD_PROBE);
  } catch {
    return false;
  }
}

/** Which packaged build to load: scalar, SIMD, relaxed SIMD (FMA matMul), or the threaded SIMD one. */
export type PackagedBuild = 'scalar' | 'simd' | 'relaxed' | 'threads';

const isNode = typeof process !== 'undefined' && typeof process.versions?.node === 'string';

async function readFile(path: string | URL): Promise<Uint8Array<ArrayBuffer>> {
  const fs = await import('node:fs/promises');
  // Node's Buffer may be typed over a SharedArrayBuffer; copying gives a plain ArrayBuffer.
  return new Uint8Array(await fs.readFile(path));
}

/**
 * The .wasm files ship next to the compiled loader (dist/). When the loader
 * runs from its TypeScript source (tests), they are in ../dist. The literal
 * `new URL('./x.wasm', import.meta.url)` form lets bundlers find and copy them.
 */
function packagedUrls(build: PackagedBuild): URL[] {
  switch (build) {
    case 'threads':
      return [new URL('./neurite-simd-threads.wasm', import.meta.url), new URL('../dist/neurite-simd-threads.wasm', import.meta.url)];
    case 'relaxed':
      return [new URL('./neurite-simd-relaxed.wasm', import.meta.url), new URL('../dist/neurite-simd-relaxed.wasm', import.meta.url)];
    case 'simd':
      return [new URL('./neurite-simd.wasm', import.meta.url), new URL('../dist/neurite-simd.wasm', import.meta.url)];
    case 'scalar':
      return [new URL('./neurite-scalar.wasm', import.meta.url), new URL('../dist/neurite-scalar.wasm', import.meta.url)];
  }
}

async function fetchBytes(url: URL | string): Promise<ArrayBuffer> {
  const response = await fetch(url);
  if (!response.ok) throw new BackendError(`wasm: cannot load ${String(url)} (HTTP ${response.status}) - check the wasm option`);
  return response.arrayBuffer();
}

async function bytesOf(source: WasmSource): Promise<BufferSource> {
  if (typeof source !== 'string' && !(source instanceof URL)) return source;
  if (isNode && (typeof source === 'string' || source.protocol === 'file:')) return readFile(source);
  return fetchBytes(source);
}

async function packagedBytes(build: PackagedBuild): Promise<BufferSource> {
  const urls = packagedUrls(build);
  if (!isNode) return fetchBytes(urls[0]);
  let last: unknown;
  for (const url of urls) {
    try {
      return await readFile(url);
    } catch (e) {
      last = e;
    }
  }
  throw new BackendError(
    `wasm: ${urls[0].pathname} is missing - build @neurite/backend-wasm (npm run build) or pass the wasm option`,
    { cause: last },
  );
}

const REQUIRED_EXPORTS = [
  'memory', 'alloc', 'free', 'heapSize', 'simd', 'relaxed', 'binary', 'where', 'unary', 'cast', 'matMul', 'reduce', 'transpose',
  'slice', 'pad', 'concatPart', 'gather', 'scatterAdd', 'broadcastTo', 'tile', 'reverse', 'oneHot',
  'matMulRows', 'matMulScratch', 'matMulShared', 'matMulSharedScratch', 'matMulPackedB', 'threads',
] as const satisfies readonly (keyof WasmExports)[];

/** Raised by the module's `abort` import (asserts, allocation too large); callers turn it into a BackendError. */
export class WasmAbort extends Error {
  override name = 'WasmAbort';
}

export async function instantiate(build: Exclude<PackagedBuild, 'threads'>, source?: WasmSource): Promise<WasmExports> {
  const bytes = source === undefined ? await packagedBytes(build) : await bytesOf(source);
  return link(await WebAssembly.compile(bytes));
}

/** Pages of the threaded build's shared memory; they must match its build flags (asbuild:threads in package.json). */
export const THREADS_MEMORY_PAGES = { initial: 16, maximum: 32768 } as const;

export interface ThreadedModule {
  exports: WasmExports;
  /** Compiled once, instantiated again in every worker. */
  module: WebAssembly.Module;
  /** Shared, imported by every instance. */
  memory: WebAssembly.Memory;
}

/** The threaded build (neurite-simd-threads.wasm) over a new shared memory: the main thread's instance. */
export async function instantiateThreaded(source?: WasmSource): Promise<ThreadedModule> {
  const bytes = source === undefined ? await packagedBytes('threads') : await bytesOf(source);
  const module = await WebAssembly.compile(bytes);
  const memory = new WebAssembly.Memory({ ...THREADS_MEMORY_PAGES, shared: true });
  const exports = await link(module, memory);
  if (exports.threads() === 0) {
    throw new BackendError('wasm: the module passed as options.threadsWasm is not the threaded build - pass neurite-simd-threads.wasm');
  }
  return { exports, module, memory };
}

async function link(module: WebAssembly.Module, shared?: WebAssembly.Memory): Promise<WasmExports> {
  let memory: WebAssembly.Memory | undefined;
  const readString = (ptr: number): string => {
    if (!memory || ptr === 0) return '';
    // AssemblyScript strings are UTF-16 with their byte length in the header word before them.
    const at = ptr >>> 0; // an i32 argument, signed like every pointer wasm hands to JavaScript
    const len = new Uint32Array(memory.buffer, at - 4, 1)[0] >>> 1;
    return String.fromCharCode(...new Uint16Array(memory.buffer, at, len));
  };
  const imports = {
    env: {
      ...(shared ? { memory: shared } : {}),
      abort(message: number, file: number, line: number, column: number): never {
        throw new WasmAbort(`${readString(message)} at ${readString(file)}:${line}:${column}`);
      },
    },
  };
  const instance = await WebAssembly.instantiate(module, imports);
  const missing = REQUIRED_EXPORTS.filter((name) => !(name in instance.exports));
  if (missing.length > 0) {
    throw new BackendError(`wasm: the module lacks ${missing.join(', ')} - it is not a build of this version's assembly/ (rebuild or pass the matching file)`);
  }
  // The one unchecked cast: WebAssembly exports are untyped; WasmExports mirrors assembly/index.ts and was checked above.
  const raw = instance.exports as unknown as WasmExports;
  memory = raw.memory;
  // A wasm i32 result reaches JavaScript signed, so a block from 2 GiB up would come back negative and every view
  // and Map key built on it would be wrong. Pointers enter JavaScript only through alloc: make them unsigned here, once.
  return Object.freeze({ ...raw, alloc: (bytes: number) => raw.alloc(bytes) >>> 0 });
}
