import { copyToBackend } from './engine.js';
import { findBackend } from './registry.js';
import type { Tensor } from './tensor.js';

/** A copy of `x` on another backend (started if it was not yet). */
export async function toBackend(x: Tensor, backendName: string): Promise<Tensor> {
  const backend = await findBackend(backendName);
  return copyToBackend(x, backend);
}
