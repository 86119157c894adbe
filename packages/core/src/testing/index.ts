/**
 * @neurite/core/testing: the conformance suite every backend runs.
 *
 * ```ts
 * import { describeConformance } from '@neurite/core/testing';
 * describeConformance({ backend: 'js', factory: createJsBackend });
 * ```
 *
 * Needs vitest (an optional peer dependency of @neurite/core).
 */
export { describeConformance, conformanceCaseNames, type ConformanceOptions } from './suite.js';
export { EXACT, FLOAT32, SUMMATION, TRANSCENDENTAL, type Tolerance } from './compare.js';
