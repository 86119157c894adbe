import type { Backend } from './backend.js';
import { bytesPerElement, type DType, type DataOf, type TypedArray } from './dtype.js';
import { BackendError, DisposedError, formatShape } from './errors.js';
import { formatTensor } from './format.js';
import { isRemoved, registeredName } from './registry.js';
import type { Shape } from './shape.js';

export type NestedArray = number | NestedArray[];

/** Live tensors and bytes per backend; the numbers `memory()` reports. */
export interface BackendMemory {
  tensors: number;
  bytes: number;
}
const liveByBackend = new Map<Backend<unknown>, BackendMemory>();

export function memoryCounters(): ReadonlyMap<Backend<unknown>, BackendMemory> {
  return liveByBackend;
}
function counter(backend: Backend<unknown>): BackendMemory {
  let c = liveByBackend.get(backend);
  if (!c) liveByBackend.set(backend, (c = { tensors: 0, bytes: 0 }));
  return c;
}

/**
 * Backend storage shared by every tensor that views it (reshape shares, it
 * does not copy). Freed when the last tensor lets go.
 */
export class DataRecord {
  private refs = 0;
  readonly bytes: number;
  constructor(
    readonly backend: Backend<unknown>,
    readonly storage: unknown,
    readonly dtype: DType,
    readonly size: number,
  ) {
    this.bytes = size * bytesPerElement(dtype);
    counter(backend).bytes += this.bytes;
  }
  retain(): void {
    this.refs++;
  }
  /** How many tensors view this storage; an in-place write must not touch shared storage. */
  get refCount(): number {
    return this.refs;
  }
  release(): void {
    if (--this.refs === 0) {
      if (!isRemoved(this.backend)) this.backend.free(this.storage);
      counter(this.backend).bytes -= this.bytes;
    }
  }
}

let nextId = 0;

/** @internal Ids grow monotonically: a tensor with id >= this value was made after the call. */
export function tensorIdWatermark(): number {
  return nextId;
}

/**
 * An n-dimensional array: a handle on backend storage plus shape and dtype.
 * Immutable: ops return new tensors. Dispose what you create, or create it
 * inside `tidy()`.
 */
export class Tensor<D extends DType = DType> {
  readonly id = nextId++;
  readonly shape: readonly number[];
  readonly size: number;
  protected record: DataRecord | null;

  /** @internal Tensors are made by ops and creation functions, not by `new`. */
  constructor(record: DataRecord, shape: Shape, readonly dtype: D) {
    this.shape = Object.freeze([...shape]);
    this.size = record.size;
    this.record = record;
    record.retain();
    counter(record.backend).tensors++;
  }

  get rank(): number {
    return this.shape.length;
  }

  get isDisposed(): boolean {
    return this.record === null;
  }

  /** Name (as registered) of the backend that holds this tensor's data. */
  get backendName(): string {
    const backend = this.live('backendName').backend;
    return registeredName(backend) ?? backend.name;
  }

  /** @internal The storage record; throws `DisposedError` after dispose. */
  live(op: string): DataRecord {
    if (this.record === null) {
      throw new DisposedError(
        `${op}: tensor #${this.id} ${formatShape(this.shape)} ${this.dtype} was disposed - ` +
          `keep() it or move its use inside the tidy() that created it`,
      );
    }
    if (isRemoved(this.record.backend)) {
      throw new BackendError(
        `${op}: tensor #${this.id} lives on backend '${this.record.backend.name}', which was removed - ` +
          `move tensors off a backend (toBackend) before removeBackend()`,
      );
    }
    return this.record;
  }

  /** A copy of the elements in row-major order. */
  dataSync(): DataOf<D> {
    const r = this.live('dataSync');
    return r.backend.read(r.storage, r.dtype, r.size) as DataOf<D>;
  }

  async data(): Promise<DataOf<D>> {
    return this.dataSync();
  }

  /** Nested arrays of numbers; a number for a scalar. */
  arraySync(): NestedArray {
    return nest(this.dataSync(), this.shape);
  }

  async array(): Promise<NestedArray> {
    return this.arraySync();
  }

  /** Frees the data when no other tensor shares it. Idempotent. */
  dispose(): void {
    const r = this.record;
    if (r === null) return;
    this.record = null;
    counter(r.backend).tensors--;
    r.release();
  }

  /** NumPy-style: `array([[1., 2.], [3., 4.]], dtype=float32)`. */
  toString(): string {
    if (this.record === null) return `Tensor(disposed, shape=${formatShape(this.shape)}, dtype=${this.dtype})`;
    return formatTensor(this.dataSync(), this.shape, this.dtype);
  }
}

/**
 * A tensor whose data can be replaced in place (model weights). Its id stays
 * the same across `assign`, so gradients keep finding it.
 */
export class Variable<D extends DType = DType> extends Tensor<D> {
  constructor(
    record: DataRecord,
    shape: Shape,
    dtype: D,
    readonly name: string,
    public trainable = true,
  ) {
    super(record, shape, dtype);
  }

  /** @internal Use `assign()` from the ops; it validates shape and dtype first. */
  swapRecord(next: DataRecord): void {
    const prev = this.live('assign');
    next.retain();
    counter(next.backend).tensors++;
    this.record = next;
    counter(prev.backend).tensors--;
    prev.release();
  }
}

function nest(data: TypedArray, shape: Shape): NestedArray {
  if (shape.length === 0) return data[0];
  const build = (offset: number, dim: number): NestedArray[] => {
    const n = shape[dim];
    const out: NestedArray[] = new Array(n);
    if (dim === shape.length - 1) {
      for (let i = 0; i < n; i++) out[i] = data[offset + i];
      return out;
    }
    let stride = 1;
    for (let d = dim + 1; d < shape.length; d++) stride *= shape[d];
    for (let i = 0; i < n; i++) out[i] = build(offset + i * stride, dim + 1);
    return out;
  };
  return build(0, 0);
}
