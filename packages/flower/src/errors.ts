import { NeuriteError } from '@neurite/core';

/**
 * Bytes from a Flower peer that do not follow Flower's format: a malformed
 * object, an object whose id is not the SHA-256 of its bytes, a .npy header
 * we cannot read, a record value of an unknown kind. The message names the
 * object or field and what was found.
 */
export class FlowerProtocolError extends NeuriteError {
  override name = 'FlowerProtocolError';
}
