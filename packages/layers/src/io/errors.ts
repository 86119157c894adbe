import { NeuriteError } from '@neurite/core';

/**
 * A save refused because the directory holds a model Neurite did not write
 * (a TensorFlow.js model.json, a symlink, a file of the user's): replacing it
 * would lose it. Pass `{ force: true }` (the CLI's `--force`) to replace it anyway.
 */
export class ForeignModelError extends NeuriteError {
  override name = 'ForeignModelError';
}

/** A save refused because another live process is writing to the same model directory. */
export class ModelLockedError extends NeuriteError {
  override name = 'ModelLockedError';
}
