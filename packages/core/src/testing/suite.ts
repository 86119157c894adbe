import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBackend, listBackends, memory, registerBackend, removeBackend, setBackend, type BackendFactory } from '../index.js';
import type { Case, CaseEnv, CaseGroup } from './case.js';
import { autogradCases } from './cases-autograd.js';
import { compositeCases } from './cases-composite.js';
import { convCases } from './cases-conv.js';
import { creationCases } from './cases-creation.js';
import { edgeCases } from './cases-edge.js';
import { elementwiseCases } from './cases-elementwise.js';
import { errorCases } from './cases-errors.js';
import { fusedCases } from './cases-fused.js';
import { matMulCases } from './cases-matmul.js';
import { movementCases } from './cases-movement.js';
import { reductionCases } from './cases-reduce.js';

export interface ConformanceOptions {
  /** Name under which the backend is registered for the suite (e.g. 'js'). */
  backend: string;
  /** Factory to register if the name is not registered yet. */
  factory: BackendFactory;
  /** Cases to skip, each with a written reason: { 'gelu gradient': 'reason' }. A skip without a reason is an error. */
  skip?: Record<string, string>;
}

/** Every case of the suite, grouped by op family (building them creates no tensors). */
export function conformanceGroups(): CaseGroup[] {
  return [
    { name: 'elementwise', cases: elementwiseCases() },
    { name: 'matMul', cases: matMulCases() },
    { name: 'reductions', cases: reductionCases() },
    { name: 'movement', cases: movementCases() },
    { name: 'composites', cases: compositeCases() },
    { name: 'fused kernels', cases: fusedCases() },
    { name: 'convolution and pooling', cases: convCases() },
    { name: 'autograd', cases: autogradCases() },
    { name: 'creation and random', cases: creationCases() },
    { name: 'edge shapes', cases: edgeCases() },
    { name: 'errors', cases: errorCases() },
  ];
}

/** The names a `skip` map may use. */
export function conformanceCaseNames(): string[] {
  return conformanceGroups().flatMap((g) => g.cases.map((c) => c.name));
}

/** @internal Throws on duplicate case names, skips of unknown cases and skips without a reason. */
export function checkSkips(groups: readonly CaseGroup[], skip: Record<string, string>): void {
  const names = new Set<string>();
  for (const c of groups.flatMap((g) => g.cases)) {
    if (names.has(c.name)) throw new Error(`describeConformance: two cases are named '${c.name}' - case names must be unique`);
    names.add(c.name);
  }
  for (const [name, reason] of Object.entries(skip)) {
    if (!names.has(name)) {
      throw new Error(`describeConformance: skip names '${name}', which is not a conformance case - remove the stale skip or fix its name`);
    }
    if (typeof reason !== 'string' || reason.trim() === '') {
      throw new Error(`describeConformance: the skip of '${name}' has no reason - every skip must say why`);
    }
  }
}

/**
 * Registers the conformance suite with vitest for one backend: forward values
 * against float64 references, gradients against finite differences, edge
 * shapes, error classes and messages. Every case also asserts that it leaves
 * the number of live tensors (and bytes) unchanged.
 */
export function describeConformance(options: ConformanceOptions): void {
  const skip = options.skip ?? {};
  const groups = conformanceGroups();
  checkSkips(groups, skip);
  const env: { float64: boolean } = { float64: false };
  let previous: string | undefined;
  let registeredHere = false;

  describe(`conformance: ${options.backend}`, () => {
    beforeAll(async () => {
      const statuses = await listBackends();
      previous = statuses.find((s) => s.active)?.name;
      if (!statuses.some((s) => s.name === options.backend)) {
        registerBackend(options.backend, options.factory);
        registeredHere = true;
      }
      await setBackend(options.backend);
      env.float64 = getBackend().dtypes.includes('float64');
    });

    afterAll(async () => {
      if (previous !== undefined && previous !== options.backend) await setBackend(previous);
      if (registeredHere) removeBackend(options.backend);
    });

    for (const group of groups) {
      describe(group.name, () => {
        for (const c of group.cases) {
          const reason = skip[c.name];
          if (reason !== undefined) it.skip(`${c.name} (skipped: ${reason})`, () => {});
          else it(c.name, (ctx) => runCase(c, env, (note) => ctx.skip(note)));
        }
      });
    }
  });
}

function runCase(c: Case, env: CaseEnv, skipNow: (note: string) => void): void {
  if (c.needs === 'float64' && !env.float64) {
    skipNow(`'${c.name}' needs a backend that stores float64`);
    return;
  }
  const before = memory();
  c.run(env);
  const after = memory();
  expect(after.numTensors, `live tensors after '${c.name}' (a leak, or a tensor disposed twice)`).toBe(before.numTensors);
  expect(after.numBytes, `live bytes after '${c.name}' (storage not released with its last tensor)`).toBe(before.numBytes);
}
