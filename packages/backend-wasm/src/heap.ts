import { BackendError, OutOfMemoryError, formatBytes, type DType, type TypedArray } from '@neurite/core';
import type { ThreadPool } from './threads.js';

/** The exports of assembly/index.ts (pointers and sizes are numbers). */
export interface WasmExports {
  readonly memory: WebAssembly.Memory;
  /** An unsigned offset: the loader converts wasm's i32, which is negative from 2 GiB up. */
  alloc(bytes: number): number;
  free(ptr: number): void;
  heapSize(): number;
  simd(): number;
  relaxed(): number;
  binary(op: number, dt: number, a: number, b: number, o: number, rank: number, shape: number, sa: number, sb: number): void;
  where(cdt: number, dt: number, c: number, a: number, b: number, o: number, rank: number, shape: number, sc: number, sa: number, sb: number): void;
  unary(op: number, dt: number, x: number, o: number, n: number, alpha: number): void;
  cast(from: number, to: number, x: number, o: number, n: number): void;
  matMul(dt: number, a: number, b: number, c: number, batch: number, m: number, n: number, k: number, aBatch: number, bBatch: number, transposeA: number, transposeB: number): void;
  matMulRows(a: number, b: number, c: number, m: number, n: number, k: number, aBatch: number, bBatch: number, transposeA: number, transposeB: number, t0: number, t1: number, r0: number, r1: number, scratch: number): void;
  matMulScratch(n: number): number;
  matMulShared(a: number, b: number, c: number, batch: number, m: number, n: number, k: number, aBatch: number, bBatch: number, transposeA: number, transposeB: number, sync: number, pb: number, scratch: number, thread: number, threads: number, canWait: number): void;
  matMulSharedScratch(): number;
  matMulPackedB(n: number): number;
  threads(): number;
  reduce(op: number, dt: number, x: number, o: number, outer: number, reduceSize: number): void;
  transpose(bytes: number, x: number, o: number, rank: number, shape: number, strides: number, size: number): void;
  slice(es: number, x: number, o: number, rank: number, outShape: number, inStrides: number, begin: number): void;
  pad(dt: number, x: number, o: number, outSize: number, rank: number, inShape: number, outStrides: number, before: number, value: number): void;
  concatPart(es: number, x: number, o: number, outer: number, block: number, outBlock: number, offset: number): void;
  gather(es: number, x: number, idx: number, o: number, outer: number, dim: number, inner: number, count: number): void;
  scatterAdd(dt: number, u: number, idx: number, o: number, outSize: number, outer: number, dim: number, inner: number, count: number): void;
  broadcastTo(es: number, x: number, o: number, rank: number, shape: number, strides: number): void;
  tile(es: number, x: number, o: number, rank: number, inShape: number, outShape: number, inStrides: number, repsLast: number): void;
  reverse(es: number, x: number, o: number, rank: number, shape: number, strides: number, flip: number): void;
  oneHot(dt: number, idx: number, o: number, count: number, depth: number, onValue: number, offValue: number): void;
  biasActivation(dt: number, o: number, bias: number, rows: number, n: number, act: number): void;
  activationGrad(dt: number, dy: number, y: number, o: number, n: number, act: number): void;
  softmaxCrossEntropy(dt: number, y: number, z: number, o: number, rows: number, c: number): void;
  softmaxCrossEntropyGrad(dt: number, y: number, z: number, dy: number, o: number, rows: number, c: number): void;
  sgdUpdate(dt: number, w: number, g: number, b: number, n: number, lr: number, momentum: number, nesterov: number, wd: number): void;
  adamUpdate(dt: number, w: number, g: number, m: number, v: number, n: number, lr: number, beta1: number, beta2: number, eps: number, c1: number, c2: number, coupled: number, shrink: number): void;
  im2col(dt: number, x: number, col: number, geom: number, r0: number, r1: number): void;
  col2im(dt: number, col: number, dx: number, geom: number, r0: number, r1: number): void;
  accumulate(dt: number, dst: number, src: number, n: number): void;
  convPaddedBytes(geom: number): number;
  conv2dImages(x: number, f: number, o: number, geom: number, co: number, pad: number, b0: number, b1: number): void;
  conv2dFilterGrad(x: number, dy: number, dw: number, geom: number, co: number, pad: number, b0: number, b1: number): void;
  flipFilter(f: number, dst: number, kh: number, kw: number, ci: number, co: number): void;
  maxPool(dt: number, x: number, o: number, geom: number): void;
  avgPool(dt: number, x: number, o: number, geom: number): void;
  maxPoolGrad(dt: number, x: number, dy: number, dx: number, geom: number): void;
  avgPoolGrad(dt: number, dy: number, dx: number, geom: number): void;
}

/** dtype codes understood by the AssemblyScript kernels (assembly/kernels/common.ts). */
export const DTYPE_CODE: Record<DType, number> = { float32: 0, int32: 1, float64: 2 };
export const BYTES: Record<DType, number> = { float32: 4, int32: 4, float64: 8 };

/** Largest request we pass to the allocator; TLSF refuses blocks of 1 GiB and more. */
const MAX_BYTES = 2 ** 30 - 64;

/** The most a 32-bit wasm memory can hold: 65536 pages of 64 KiB. */
export const WASM32_MAX_BYTES = 2 ** 32;

/**
 * Linear memory as seen from JavaScript. Growing wasm memory detaches every
 * view over the old buffer, so all views live here and `sync()` is the one
 * place that renews them; every read and write goes through it. Offsets are
 * unsigned numbers up to 4 GiB (the loader makes `alloc` return them so), so
 * views index them with division, never with signed shifts.
 */
export class WasmHeap {
  private buffer: ArrayBuffer | null = null;
  private f32 = new Float32Array(0);
  private f64 = new Float64Array(0);
  private i32 = new Int32Array(0);
  /** Bytes of each live block, so `liveBytes` is exact and a double free is caught. */
  private readonly blocks = new Map<number, number>();
  private live = 0;
  /** Scratch block for small i32 argument arrays (shapes, strides). */
  private argsPtr = 0;
  private argsCap = 0;

  /** Workers sharing this memory (the threaded build with threads > 1), else null. */
  threads: ThreadPool | null = null;
  /** Multiply-adds from which a float32 matMul is split over `threads`. */
  threadsMinWork = Infinity;

  /** `limitBytes`: the most linear memory can grow to (4 GiB, or the threaded build's maximum). */
  constructor(
    readonly exports: WasmExports,
    readonly limitBytes = WASM32_MAX_BYTES,
  ) {}

  private sync(): void {
    const buffer = this.exports.memory.buffer;
    if (buffer === this.buffer) return;
    this.buffer = buffer;
    this.f32 = new Float32Array(buffer);
    this.f64 = new Float64Array(buffer);
    this.i32 = new Int32Array(buffer);
  }

  get heapBytes(): number {
    return this.exports.memory.buffer.byteLength;
  }

  get liveBytes(): number {
    return this.live;
  }

  /**
   * A block of `bytes` (16-byte aligned). One that cannot be had is an
   * OutOfMemoryError named after `op` (what the block is for; the engine
   * renames a tensor's after its op) and nothing stays allocated: TLSF
   * changes nothing before memory.grow succeeds, and a failed grow traps.
   */
  allocBytes(bytes: number, op: string, dtype?: DType, size?: number): number {
    const request = { op, bytes, dtype, size, place: 'the wasm heap' };
    if (!(bytes >= 0 && bytes <= MAX_BYTES)) {
      throw new OutOfMemoryError({
        ...request,
        reason: `one block holds at most ${formatBytes(MAX_BYTES)}; the heap is ${formatBytes(this.heapBytes)} of at most ${formatBytes(this.limitBytes)}`,
        hint: 'split the tensor or use a smaller batch, or use the js backend, whose tensors may exceed 1 GiB',
      });
    }
    let ptr: number;
    try {
      ptr = this.exports.alloc(bytes);
    } catch (e) {
      // TLSF traps (unreachable) when memory.grow fails; anything else means the heap itself is broken.
      if (!(e instanceof WebAssembly.RuntimeError)) throw new BackendError(`wasm: the allocator failed on ${op} - the heap is corrupt; create a new backend`, { cause: e });
      throw new OutOfMemoryError(
        {
          ...request,
          reason:
            `the heap is ${formatBytes(this.heapBytes)} of at most ${formatBytes(this.limitBytes)}, ` +
            `${formatBytes(this.live)} of it held by live blocks, and cannot grow by that much`,
        },
        { cause: e },
      );
    }
    this.blocks.set(ptr, bytes);
    this.live += bytes;
    return ptr;
  }

  alloc(dtype: DType, size: number): number {
    return this.allocBytes(size * BYTES[dtype], 'wasm', dtype, size);
  }

  free(ptr: number): void {
    const bytes = this.blocks.get(ptr);
    if (bytes === undefined) throw new BackendError(`wasm: free of unknown block ${ptr} - freed twice?`);
    this.blocks.delete(ptr);
    this.live -= bytes;
    this.exports.free(ptr);
  }

  write(ptr: number, dtype: DType, data: TypedArray): void {
    this.sync();
    this.view(dtype).set(data, ptr / BYTES[dtype]);
  }

  read(ptr: number, dtype: DType, size: number): TypedArray {
    this.sync();
    const start = ptr / BYTES[dtype];
    return this.view(dtype).slice(start, start + size);
  }

  /** Sets `bytes` bytes at `ptr` to zero. */
  zero(ptr: number, bytes: number): void {
    this.sync();
    new Uint8Array(this.exports.memory.buffer, ptr, bytes).fill(0);
  }

  private view(dtype: DType): TypedArray {
    return dtype === 'float32' ? this.f32 : dtype === 'int32' ? this.i32 : this.f64;
  }

  /**
   * Writes small integer lists (shapes, strides) into the scratch block and
   * returns a pointer to each. Valid until the next call.
   */
  args(...lists: readonly (readonly number[])[]): number[] {
    let total = 0;
    for (const l of lists) total += l.length;
    if (total > this.argsCap) {
      if (this.argsPtr !== 0) this.free(this.argsPtr);
      this.argsPtr = 0;
      this.argsCap = 0;
      const cap = Math.max(64, total * 2);
      this.argsPtr = this.allocBytes(cap * 4, 'kernel arguments');
      this.argsCap = cap;
    }
    this.sync();
    const ptrs: number[] = [];
    let at = this.argsPtr / 4;
    for (const l of lists) {
      ptrs.push(at * 4);
      for (let i = 0; i < l.length; i++) this.i32[at + i] = l[i];
      at += l.length;
    }
    return ptrs;
  }

  /** Bytes held by the heap itself (argument scratch), not counted as tensors. */
  get scratchBytes(): number {
    return this.argsPtr === 0 ? 0 : this.argsCap * 4;
  }
}
