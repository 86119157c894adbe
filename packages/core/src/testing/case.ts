import { Random } from '../index.js';

/** What a case learns about the backend under test once it has started. */
export interface CaseEnv {
  /** The backend stores float64: gradients are checked by finite differences in float64. */
  readonly float64: boolean;
}

/**
 * One conformance check. `run` must leave no live tensor behind (the suite
 * asserts it) and must throw when the backend is wrong.
 */
export interface Case {
  /** Unique across the suite; the key a backend uses in its `skip` map. */
  readonly name: string;
  /** A capability the case cannot run without; it is skipped at run time, with a note, when absent. */
  readonly needs?: 'float64';
  readonly run: (env: CaseEnv) => void;
}

export interface CaseGroup {
  readonly name: string;
  readonly cases: readonly Case[];
}

/**
 * A generator seeded from the case name (FNV-1a), so every case draws the
 * same inputs whatever runs before it, and a failure reproduces alone.
 */
export function rngFor(name: string): Random {
  let h = 0x811c9dc5;
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return new Random(h >>> 0);
}
