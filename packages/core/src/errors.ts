import type { DType } from './dtype.js';

/**
 * One class per kind of failure. Messages name the op, show the values and end
 * with a hint: `matMul: inner dimensions differ (a [2,3], b [4,5]) - transpose one operand?`
 */
export class NeuriteError extends Error {
  override name = 'NeuriteError';
}

/** Shapes that do not fit the op (rank, broadcasting, axes, sizes). */
export class ShapeError extends NeuriteError {
  override name = 'ShapeError';
}

/** A dtype the op does not accept. */
export class DTypeError extends NeuriteError {
  override name = 'DTypeError';
}

/** No backend, a backend that failed to start, or a tensor on the wrong backend. */
export class BackendError extends NeuriteError {
  override name = 'BackendError';
}

/** Use of a tensor after `dispose()`. */
export class DisposedError extends NeuriteError {
  override name = 'DisposedError';
}

/** A saved model that cannot be read: wrong version, truncated, inconsistent. */
export class ModelFormatError extends NeuriteError {
  override name = 'ModelFormatError';
}

/** An argument that is wrong in a way not covered by the classes above. */
export class ArgumentError extends NeuriteError {
  override name = 'ArgumentError';
}

/** What could not be allocated, where, and why; `OutOfMemoryError` builds its message from it. */
export interface MemoryRequest {
  /** Who asked, as the message's first word: the op whose output it was ('matMul'), or what the block is for ('conv2d patch matrix'). */
  readonly op: string;
  readonly bytes: number;
  /** Elements of `dtype`, and the shape when the caller knows it (the engine does, a backend does not). */
  readonly dtype?: DType;
  readonly size?: number;
  readonly shape?: readonly number[];
  /** Where it had to fit: 'the wasm heap', 'the js backend', 'JavaScript memory'. */
  readonly place: string;
  /** Why it does not, with the numbers: the heap's size now and its limit, or the engine's reason. */
  readonly reason: string;
  /** What to do instead; a default fits most cases. */
  readonly hint?: string;
}

const MEMORY_HINT = 'dispose tensors you no longer need (tidy() frees what a step creates), use a smaller batch, or use the js backend';

/**
 * A request for more memory than the backend can give: a tensor larger than
 * it can hold at all, or a heap that is full. The backend is left as it was
 * (nothing of the failed request stays allocated), so it keeps working.
 */
export class OutOfMemoryError extends NeuriteError {
  override name = 'OutOfMemoryError';

  constructor(
    readonly details: MemoryRequest,
    options?: ErrorOptions,
  ) {
    const { dtype, size, shape } = details;
    const what = dtype === undefined ? '' : `${dtype} ${shape ? formatShape(shape) : `x ${size}`}, `;
    super(
      `${details.op}: cannot allocate ${what}${formatBytes(details.bytes)}, in ${details.place}: ${details.reason} - ${details.hint ?? MEMORY_HINT}`,
      options,
    );
  }

  /** The same failure named after the op that asked: a backend knows the size, the engine knows the op and the shape. */
  forOp(op: string, dtype: DType, shape: readonly number[], bytes: number): OutOfMemoryError {
    return new OutOfMemoryError({ ...this.details, op, dtype, shape, size: undefined, bytes }, { cause: this });
  }
}

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** `1073741824 bytes (1 GiB)`: exact for logs, rounded for people. */
export function formatBytes(bytes: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let value = bytes;
  let unit = 0;
  // Compare the rounded value, so 1 GiB less 64 bytes reads as 1 GiB, not 1024 MiB.
  while (Number(value.toFixed(2)) >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${bytes} bytes (${Number(value.toFixed(2))} ${units[unit]})`;
}
