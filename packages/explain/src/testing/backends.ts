/** Test support (not shipped): the backends every explain test runs on. */
import { listBackends, setBackend } from '@neurite/core';
import { register as registerJs } from '@neurite/backend-js';
import { register as registerWasm } from '@neurite/backend-wasm';

export const BACKENDS = ['js', 'wasm'] as const;
export type BackendName = (typeof BACKENDS)[number];

/** Registers (once) and activates a backend; wasm is loaded from the package's built .wasm. */
export async function useBackend(name: BackendName): Promise<void> {
  const registered = (await listBackends()).map((b) => b.name);
  if (!registered.includes(name)) (name === 'js' ? registerJs : registerWasm)();
  await setBackend(name);
}
