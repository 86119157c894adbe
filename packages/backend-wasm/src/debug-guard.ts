import { BackendError, type Backend, type DType, type KernelTable, type TensorInfo, type TypedArray } from '@neurite/core';

/**
 * Canary word written around every guarded block. As float32 and as float64
 * (two words) it is a NaN, and as int32 a huge index, so a kernel that READS
 * past its buffer most likely poisons its result and fails a value check;
 * a kernel that WRITES past it changes the canary and is caught exactly.
 */
export const CANARY = 0x7ff8dead | 0;

/** Guard bytes on each side: a multiple of 16 keeps the user region as aligned as the allocator's blocks. */
export const GUARD_BYTES = 64;

const BYTES: Record<DType, number> = { float32: 4, int32: 4, float64: 8 };

export interface BoundsGuardOptions {
  /** After each kernel, check every live block instead of only the kernel's inputs and output (slower; catches stray writes far away). */
  checkAllLive?: boolean;
}

interface Block {
  /** Start of the underlying allocation (the front guard). */
  readonly base: number;
  readonly dtype: DType;
  readonly size: number;
  readonly userBytes: number;
  /** Words in the back guard: the alignment padding plus GUARD_BYTES. */
  readonly backWords: number;
}

const roundUp16 = (n: number): number => Math.ceil(n / 16) * 16;
const hex = (word: number): string => `0x${(word >>> 0).toString(16).padStart(8, '0')}`;

/**
 * Wraps a backend whose storage is a byte offset (backend-wasm) so that every
 * block gets GUARD_BYTES of canaries before and after its user region, and
 * every kernel call is followed by a check that the canaries of the blocks it
 * touched are intact. A changed canary throws a BackendError naming the
 * kernel, the tensor and the byte offset (and the canary is re-armed, so one
 * fault is reported once). Kernels given freed or foreign storage, and
 * write()/read() of more elements than a block holds, are errors too.
 *
 * For debugging and CI only: it costs two extra reads of 64 bytes per operand
 * per kernel call and 128 + up to 15 bytes per tensor.
 */
export function withBoundsGuard<B extends Backend<number>>(backend: B, options: BoundsGuardOptions = {}): B {
  const blocks = new Map<number, Block>();

  const arm = (block: Block): void => {
    const front = new Int32Array(GUARD_BYTES / 4).fill(CANARY);
    backend.write(block.base, 'int32', front);
    backend.write(block.base + GUARD_BYTES + block.userBytes, 'int32', new Int32Array(block.backWords).fill(CANARY));
  };

  /** The first changed canary of a block as [byte offset relative to the user region, word found], or undefined. */
  const damage = (block: Block): [number, number] | undefined => {
    const front = backend.read(block.base, 'int32', GUARD_BYTES / 4);
    for (let i = front.length - 1; i >= 0; i--) {
      // Scanned from the user region outwards: the first hit is the nearest to the buffer.
      if (front[i] !== CANARY) return [i * 4 - GUARD_BYTES, front[i]];
    }
    const back = backend.read(block.base + GUARD_BYTES + block.userBytes, 'int32', block.backWords);
    for (let i = 0; i < back.length; i++) {
      if (back[i] !== CANARY) return [block.userBytes + i * 4, back[i]];
    }
    return undefined;
  };

  const describe = (what: string, storage: number, block: Block, shape?: readonly number[]): string =>
    `${what} (${block.dtype}${shape ? ` [${shape.join(',')}]` : ` x ${block.size}`}, ${block.userBytes} bytes at ${storage})`;

  const verify = (op: string, what: string, storage: number, shape?: readonly number[]): void => {
    const block = blocks.get(storage);
    if (block === undefined) return;
    const hit = damage(block);
    if (hit === undefined) return;
    const [offset, found] = hit;
    arm(block);
    const where = offset < 0 ? `${-offset} bytes before its start` : `byte ${offset}, ${offset - block.userBytes} bytes past its end`;
    throw new BackendError(
      `${op}: wrote outside its buffers - ${describe(what, storage, block, shape)} has its guard changed at ${where} ` +
        `(canary ${hex(CANARY)} became ${hex(found)}) - check the sizes and pointers the kernel adapter passes`,
    );
  };

  const known = (op: string, what: string, info: TensorInfo<number>): void => {
    if (!blocks.has(info.storage)) {
      throw new BackendError(
        `${op}: ${what} (${info.dtype} [${info.shape.join(',')}]) has storage ${info.storage}, which is not a live block of this backend - used after free, or from another backend?`,
      );
    }
  };

  const guardKernel = (op: string, kernel: (inputs: TensorInfo<number>[], out: TensorInfo<number>, attrs: unknown) => void) =>
    (inputs: TensorInfo<number>[], out: TensorInfo<number>, attrs: unknown): void => {
      inputs.forEach((x, i) => known(op, `inputs[${i}]`, x));
      known(op, 'out', out);
      kernel(inputs, out, attrs);
      verify(op, 'out', out.storage, out.shape);
      inputs.forEach((x, i) => verify(op, `inputs[${i}]`, x.storage, x.shape));
      if (options.checkAllLive) for (const storage of blocks.keys()) verify(op, 'a live block', storage);
    };

  // Every kernel the backend has, including ones added after this file was written.
  const kernels = Object.fromEntries(
    Object.entries(backend.kernels).map(([op, kernel]) => [op, guardKernel(op, kernel as Parameters<typeof guardKernel>[1])]),
  ) as unknown as KernelTable<number>;

  const checkLength = (op: string, storage: number, dtype: DType, length: number): Block => {
    const block = blocks.get(storage);
    if (block === undefined) throw new BackendError(`${op}: storage ${storage} is not a live block of this backend - used after free?`);
    if (length * BYTES[dtype] > block.userBytes) {
      throw new BackendError(`${op}: ${length} x ${dtype} does not fit ${describe('the block', storage, block)} - the size passed is wrong`);
    }
    return block;
  };

  const guarded: Partial<Backend<number>> = {
    alloc(dtype, size) {
      const userBytes = size * BYTES[dtype];
      const total = GUARD_BYTES + roundUp16(userBytes) + GUARD_BYTES;
      const base = backend.alloc('int32', total / 4);
      const block: Block = { base, dtype, size, userBytes, backWords: (total - GUARD_BYTES - userBytes) / 4 };
      arm(block);
      blocks.set(base + GUARD_BYTES, block);
      return base + GUARD_BYTES;
    },
    write(storage, dtype, data: TypedArray) {
      checkLength('write', storage, dtype, data.length);
      backend.write(storage, dtype, data);
    },
    read(storage, dtype, size) {
      checkLength('read', storage, dtype, size);
      return backend.read(storage, dtype, size);
    },
    free(storage) {
      const block = blocks.get(storage);
      if (block === undefined) throw new BackendError(`free: storage ${storage} is not a live block of this backend - freed twice?`);
      // Catches writes that happened outside any kernel check (e.g. a stray write() or a kernel on another block).
      try {
        verify('free', 'the freed block', storage);
      } finally {
        blocks.delete(storage);
        backend.free(block.base);
      }
    },
    kernels,
    features: () => ({ ...(backend.features?.() ?? {}), boundsGuard: true }),
  };
  // The prototype keeps everything else the backend offers (name, simd, memoryInfo, dispose...).
  return Object.assign(Object.create(backend) as B, guarded);
}
