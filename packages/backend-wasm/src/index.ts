import { registerBackend, type RegisterOptions } from '@neurite/core';
import { createWasmBackend, type WasmBackendOptions } from './backend.js';
import { simdSupported } from './loader.js';

export { createWasmBackend, type WasmBackend, type WasmBackendOptions, type WasmMemoryInfo } from './backend.js';
export { relaxedSimdSupported, simdSupported, type WasmSource } from './loader.js';

/** Above backend-js (1), so 'auto' prefers wasm; the SIMD build above the scalar one. */
export const WASM_SIMD_PRIORITY = 3;
export const WASM_SCALAR_PRIORITY = 2;

/**
 * Registers this backend as 'wasm' with core's registry. Call it once at
 * start-up; nothing loads until the backend is first used.
 */
export function register(options: RegisterOptions & WasmBackendOptions = {}): void {
  const { priority, ...create } = options;
  const simd = create.simd === false ? false : simdSupported();
  registerBackend('wasm', () => createWasmBackend(create), { priority: priority ?? (simd ? WASM_SIMD_PRIORITY : WASM_SCALAR_PRIORITY) });
}
