import { ModelFormatError } from '@neurite/core';
import type { Json } from '../config.js';

/** model.json beyond this is refused before parsing (a real topology is a few KB). */
export const MAX_MODEL_JSON_BYTES = 16 * 1024 * 1024;

/**
 * JSON.parse, hardened for files from anywhere: bounded size, and every
 * object rebuilt without a prototype, so a `__proto__` or `constructor` key
 * is an ordinary key that no later read or copy can turn into prototype
 * pollution. Deep nesting that overflows the parser becomes a
 * ModelFormatError like any other syntax problem.
 */
export function parseModelJson(text: string): Json {
  if (typeof text !== 'string') throw new ModelFormatError(`model.json: expected text, got ${typeof text}`);
  if (text.length > MAX_MODEL_JSON_BYTES) {
    throw new ModelFormatError(`model.json: ${text.length} characters is more than the ${MAX_MODEL_JSON_BYTES} allowed - this is not a model topology`);
  }
  try {
    return JSON.parse(text, (_key, value: unknown) => {
      if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
      const safe = Object.create(null) as Record<string, unknown>;
      for (const k of Object.keys(value)) Object.defineProperty(safe, k, { value: (value as Record<string, unknown>)[k], enumerable: true, writable: true, configurable: true });
      return safe;
    }) as Json;
  } catch (e) {
    throw new ModelFormatError(`model.json is not valid JSON: ${(e as Error).message}`);
  }
}
