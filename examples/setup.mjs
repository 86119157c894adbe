// What every example does around its training loop.
import { fileURLToPath } from 'node:url';
import * as nt from '@neurite/core';
import { register } from '@neurite/backend-js';

/**
 * Registers the pure-TypeScript backend (once: examples may run together in
 * one process) and activates `name`; 'auto' picks the best available one.
 * Returns the name of the backend that is now active.
 */
export async function useBackend(name = 'auto') {
  const known = await nt.listBackends();
  if (!known.some((b) => b.name === 'js')) register();
  return nt.setBackend(name);
}

/** True when `moduleUrl` is the file node was started with, not an import. */
export function isMain(moduleUrl) {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1];
}
