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

export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
