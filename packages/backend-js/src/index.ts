import { registerBackend, type RegisterOptions } from '@neurite/core';
import { createJsBackend } from './backend.js';

export { createJsBackend } from './backend.js';
export { kernels } from './kernels/index.js';

/** The priority `register()` uses: below compiled backends, so 'auto' prefers them when present. */
export const JS_BACKEND_PRIORITY = 1;

/** Registers this backend as 'js' with core's registry. Call it once at start-up. */
export function register(options: RegisterOptions = {}): void {
  registerBackend('js', createJsBackend, { priority: JS_BACKEND_PRIORITY, ...options });
}
