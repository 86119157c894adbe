/**
 * @neurite/core/testing: the conformance suite every backend runs.
 *
 * ```ts
 * import { describeConformance } from '@neurite/core/testing';
 * import { createMyBackend } from './backend.js';
 *
 * describeConformance({
 *   backend: 'mine',
 *   factory: createMyBackend,
 *   skip: { 'gelu gradient': 'why this backend cannot pass it yet' },
 * });
 * ```
 *
 * For every op of the core set it checks forward values against float64
 * reference formulas on seeded inputs, gradients against central finite
 * differences (in float64 when the backend stores it), zero-size, rank-0 and
 * large inputs, error classes and messages, and that no case leaks a tensor.
 * `conformanceCaseNames()` lists the names a `skip` map may use; an unknown
 * name or an empty reason is an error. Needs vitest (an optional peer
 * dependency of @neurite/core).
 */
export { describeConformance, conformanceCaseNames, type ConformanceOptions } from './suite.js';
export { EXACT, FLOAT32, SUMMATION, TRANSCENDENTAL, type Tolerance } from './compare.js';
export { DELETE, ODD_JSON_VALUES, damageBytes, damageJson, damageText, jsonSites, type BytesDamage, type JsonEdit } from './damage.js';
export { killDuring, type KillDuringOptions } from './kill-during.js';
