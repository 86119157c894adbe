import type { AttrsOf, Backend, KernelName, TensorInfo } from './backend.js';
import { bytesPerElement, type DType, type TypedArray } from './dtype.js';
import { BackendError, OutOfMemoryError, formatShape } from './errors.js';
import { getBackend, isRemoved, registeredName } from './registry.js';
import { sizeOf, type Shape } from './shape.js';
import { DataRecord, Tensor, Variable, memoryCounters } from './tensor.js';

/**
 * Gradient of one recorded op: given dL/d(output), return dL/d(input) for each
 * input (null where no gradient flows). Written with forward ops, so it is
 * itself differentiable.
 */
/**
 * An op's gradient: dL/dinputs from dL/doutput. `needs[i]` says whether the
 * backward pass wants input i's gradient; an op may return null where it is
 * false and skip the work (a first layer's gradient for the data it reads,
 * the largest backprop of a conv net, is never used).
 */
export type GradFn = (dy: Tensor, inputs: readonly Tensor[], output: Tensor, needs: readonly boolean[]) => (Tensor | null)[];

export interface TapeNode {
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  readonly gradFn: GradFn;
  /** The kernel's attributes (a fused activation, an axis...), for gradient overrides that need them. */
  readonly attrs?: unknown;
}

/**
 * Records ops whose inputs depend on the watched sources, in execution order
 * (which is already a topological order).
 */
export class Tape {
  readonly nodes: TapeNode[] = [];
  /** Ids of tensors that depend on a source (gradients may flow to them). */
  readonly watched = new Set<number>();
  /** Tensors the nodes refer to; tidy() must not free them before backward runs. */
  readonly held = new Set<Tensor>();
  watch(t: Tensor): void {
    this.watched.add(t.id);
    this.held.add(t);
  }
}

const tapes: Tape[] = [];
const scopes: Tensor[][] = [];
const kept = new WeakSet<Tensor>();

export function pushTape(tape: Tape): void {
  tapes.push(tape);
}
export function popTape(tape: Tape): void {
  const i = tapes.lastIndexOf(tape);
  if (i >= 0) tapes.splice(i, 1);
}

function isHeldByTape(t: Tensor): boolean {
  for (const tape of tapes) if (tape.held.has(t)) return true;
  return false;
}

function track(t: Tensor): Tensor {
  if (scopes.length > 0) scopes[scopes.length - 1].push(t);
  return t;
}

/** Marks a tensor so no enclosing `tidy()` frees it; you dispose it yourself. */
export function keep<T extends Tensor>(t: T): T {
  kept.add(t);
  return t;
}

export type TensorContainer = Tensor | void | undefined | null | number | string | boolean | TensorContainer[] | { [key: string]: TensorContainer };

function collect(value: unknown, into: Set<Tensor>, seen = new Set<unknown>()): void {
  if (value instanceof Tensor) {
    into.add(value);
    return;
  }
  // Typed arrays (dataSync() results) hold numbers, never tensors: walking their elements one by one cost explain's runner 40% of its time.
  if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value) || seen.has(value)) return;
  seen.add(value);
  for (const v of Array.isArray(value) ? value : Object.values(value)) collect(v, into, seen);
}

/**
 * Runs `fn` and frees every tensor it created except those it returns (in an
 * array or object too) and those passed to `keep()`. Returned tensors belong to
 * the enclosing scope. Tensors a gradient tape still needs are handed to the
 * enclosing scope instead of being freed.
 */
export function tidy<T>(fn: () => T): T {
  scopes.push([]);
  let result: T;
  try {
    result = fn();
  } catch (e) {
    endScope(new Set());
    throw e;
  }
  if (result instanceof Promise) {
    endScope(new Set());
    throw new TypeError('tidy: the function returned a Promise - tidy() only works with synchronous code');
  }
  const survivors = new Set<Tensor>();
  collect(result, survivors);
  endScope(survivors);
  return result;
}

function endScope(survivors: Set<Tensor>): void {
  const scope = scopes.pop()!;
  const parent = scopes.length > 0 ? scopes[scopes.length - 1] : null;
  for (const t of scope) {
    if (t.isDisposed || kept.has(t) || t instanceof Variable) continue;
    if (survivors.has(t) || isHeldByTape(t)) parent?.push(t);
    else t.dispose();
  }
}

/** Disposes every tensor found in `value` (a tensor, or arrays/objects of them). */
export function dispose(value: unknown): void {
  const found = new Set<Tensor>();
  collect(value, found);
  for (const t of found) t.dispose();
}

export interface MemoryInfo {
  /** Live tensors across all backends. */
  numTensors: number;
  /** Bytes of tensor data across all backends (shared storage counted once). */
  numBytes: number;
  /** Per backend; `reservedBytes` is what the backend holds beyond live tensors (a wasm heap), when it says. */
  backends: Record<string, { tensors: number; bytes: number; reservedBytes?: number }>;
}

/** Live tensors and bytes, in total and per backend. */
export function memory(): MemoryInfo {
  const info: MemoryInfo = { numTensors: 0, numBytes: 0, backends: {} };
  for (const [backend, c] of memoryCounters()) {
    info.numTensors += c.tensors;
    info.numBytes += c.bytes;
    const name = registeredName(backend) ?? `${backend.name} (removed)`;
    const entry = (info.backends[name] ??= { tensors: 0, bytes: 0 });
    entry.tensors += c.tensors;
    entry.bytes += c.bytes;
    const reserved = isRemoved(backend) ? undefined : backend.memoryInfo?.().reservedBytes;
    if (reserved !== undefined) entry.reservedBytes = (entry.reservedBytes ?? 0) + reserved;
  }
  return info;
}

function info(t: Tensor): TensorInfo<unknown> {
  return { storage: t.live('op').storage, shape: t.shape, dtype: t.dtype, size: t.size };
}

function checkInputs(op: string, backend: Backend<any>, inputs: readonly Tensor[]): void {
  for (const t of inputs) {
    const record = t.live(op);
    if (record.backend !== backend) {
      const here = registeredName(record.backend) ?? record.backend.name;
      const active = registeredName(backend) ?? backend.name;
      throw new BackendError(
        `${op}: tensor #${t.id} ${formatShape(t.shape)} lives on backend '${here}' but ops run on ` +
          `'${active}' - move it with await toBackend(x, '${active}')`,
      );
    }
  }
}

function record(name: string, inputs: readonly Tensor[], output: Tensor, gradFn: GradFn | undefined, attrs?: unknown): void {
  if (gradFn === undefined) return;
  for (const tape of tapes) {
    if (!inputs.some((t) => tape.watched.has(t.id))) continue;
    tape.nodes.push({ name, inputs, output, gradFn, attrs });
    tape.watch(output);
    for (const t of inputs) tape.held.add(t);
  }
}

/**
 * Storage for a tensor of `shape` that `op` creates. A backend knows only
 * sizes, so its OutOfMemoryError is renamed after the op and the shape; a
 * RangeError from a backend's alloc (a typed array too long for the engine)
 * is the same failure, untyped.
 */
function allocate(op: string, backend: Backend<any>, dtype: DType, shape: Shape): unknown {
  const size = sizeOf(shape);
  try {
    return backend.alloc(dtype, size);
  } catch (e) {
    const bytes = size * bytesPerElement(dtype);
    if (e instanceof OutOfMemoryError) throw e.forOp(op, dtype, shape, bytes);
    if (!(e instanceof RangeError)) throw e;
    const place = `backend '${registeredName(backend) ?? backend.name}'`;
    throw new OutOfMemoryError({ op, dtype, shape, bytes, place, reason: e.message }, { cause: e });
  }
}

/**
 * The one path every primitive op takes: allocate the output on the active
 * backend, run the kernel, track the result for tidy(), record the gradient.
 * Shapes and dtypes were checked by the op before it got here.
 */
export function runKernel<K extends KernelName>(
  name: K,
  inputs: readonly Tensor[],
  attrs: AttrsOf<K>,
  outShape: Shape,
  outDtype: DType,
  gradFn?: GradFn,
): Tensor {
  const backend = getBackend();
  checkInputs(name, backend, inputs);
  const size = sizeOf(outShape);
  const storage = allocate(name, backend, outDtype, outShape);
  const out = new DataRecord(backend, storage, outDtype, size);
  const output = new Tensor(out, outShape, outDtype);
  if (size > 0) {
    const kernel = backend.kernels[name] as (i: TensorInfo<unknown>[], o: TensorInfo<unknown>, a: unknown) => void;
    try {
      kernel(inputs.map(info), { storage, shape: output.shape, dtype: outDtype, size }, attrs);
    } catch (e) {
      output.dispose();
      throw e;
    }
  }
  track(output);
  record(name, inputs, output, gradFn, attrs);
  return output;
}

/** A tensor over the same storage with another shape (reshape, squeeze...). */
export function runView(name: string, x: Tensor, shape: Shape, gradFn: GradFn): Tensor {
  const output = new Tensor(x.live(name), shape, x.dtype);
  track(output);
  record(name, [x], output, gradFn);
  return output;
}

/**
 * Runs an in-place kernel: `out` is inputs[0] and every tensor in `mutated`
 * is written. A mutated variable whose storage is shared with another tensor
 * (after `assign`) first gets a private copy, so no other tensor changes.
 * Nothing is recorded: in-place updates are not differentiable.
 */
export function runInPlace<K extends KernelName>(name: K, inputs: readonly Tensor[], attrs: AttrsOf<K>, mutated: readonly Variable[]): void {
  const backend = getBackend();
  checkInputs(name, backend, inputs);
  for (const v of mutated) {
    const shared = v.live(name);
    if (shared.refCount > 1) v.swapRecord(upload(name, backend, shared.backend.read(shared.storage, shared.dtype, shared.size), v.shape, v.dtype));
  }
  if (inputs[0].size === 0) return;
  const kernel = backend.kernels[name] as (i: TensorInfo<unknown>[], o: TensorInfo<unknown>, a: unknown) => void;
  const infos = inputs.map(info);
  kernel(infos, infos[0], attrs);
}

/** A new tensor on the active backend holding a copy of `data`; `op` names it in errors. */
export function fromData(data: TypedArray, shape: Shape, dtype: DType, op = 'tensor'): Tensor {
  return track(new Tensor(upload(op, getBackend(), data, shape, dtype), shape, dtype));
}

function upload(op: string, backend: Backend<any>, data: TypedArray, shape: Shape, dtype: DType): DataRecord {
  if (!backend.dtypes.includes(dtype)) {
    throw new BackendError(`backend '${backend.name}' does not store ${dtype} - use float32 or int32 with it`);
  }
  const storage = allocate(op, backend, dtype, shape);
  try {
    if (data.length > 0) backend.write(storage, dtype, data);
  } catch (e) {
    // No tensor owns the storage yet: without this free, a failed write would leak it.
    backend.free(storage);
    throw e;
  }
  return new DataRecord(backend, storage, dtype, data.length);
}

/** A trainable tensor whose data `assign()` replaces in place. */
export function makeVariable(initial: Tensor, name: string, trainable: boolean): Variable {
  const backend = getBackend();
  checkInputs('variable', backend, [initial]);
  const v = new Variable(upload('variable', backend, initial.dataSync(), initial.shape, initial.dtype), initial.shape, initial.dtype, name, trainable);
  return v;
}

/** @internal Replaces a variable's data with a copy-free share of `value`'s storage. */
export function swapVariable(v: Variable, value: Tensor): void {
  checkInputs('assign', getBackend(), [value]);
  v.swapRecord(value.live('assign'));
}

/** Copies a tensor's data to another started backend. */
export function copyToBackend(x: Tensor, backend: Backend<any>): Tensor {
  return track(new Tensor(upload('toBackend', backend, x.dataSync(), x.shape, x.dtype), x.shape, x.dtype));
}

/** @internal For tests and tools: how many tapes are recording right now. */
export function activeTapeCount(): number {
  return tapes.length;
}
