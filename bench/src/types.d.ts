/** Shapes shared by the bench harness; the .mjs files reference them through JSDoc. */

/** A tensor library as the suites see it: the ops both Neurite and tfjs spell the same way. */
export interface Lib {
  matMul(a: unknown, b: unknown): unknown;
  add(a: unknown, b: unknown): unknown;
  mul(a: unknown, b: unknown): unknown;
  relu(a: unknown): unknown;
  exp(a: unknown): unknown;
  sigmoid(a: unknown): unknown;
  tanh(a: unknown): unknown;
  sum(a: unknown): unknown;
  max(a: unknown): unknown;
}

/** One thing being measured: a Neurite backend or a peer library on one of its backends. */
export interface Contender {
  id: string;
  label: string;
  kind: 'neurite' | 'tfjs';
  version: string;
  lib: Lib;
  /** Makes this contender's backend the active one (libraries keep a global active backend). */
  activate(): Promise<void>;
  tensor(data: Float32Array, shape: number[]): unknown;
  read(t: unknown): Float32Array;
  dispose(t: unknown): void;
}

export interface ContenderSpec {
  id: string;
  label: string;
  kind: Contender['kind'];
  load(): Promise<Contender>;
}

export interface Case {
  /** Stable id, part of the ratio keys in floors.json: never rename lightly. */
  id: string;
  label: string;
  /** FLOPs, bytes moved or samples per call, in the unit of the suite (or of the case). */
  work: number;
  /** Overrides the suite's unit for this case (a suite mixing compute- and memory-bound cases). */
  unit?: Unit;
  /** Result tolerance against the reference, as max |a - b| / max |b|. */
  tolerance: number;
  /** Op form: input shapes, filled from the seeded generator... */
  inputs?: number[][];
  /** ...and the op on them; the harness reads and disposes what it returns. */
  run?(lib: Lib, inputs: unknown[], contender: Contender): unknown;
  /**
   * General form (models, in-place updates): builds this contender's state with
   * its backend active, computes the output the agreement check compares, and
   * returns the timed call. Returns null when the variant does not apply to the
   * contender (no row). Throwing marks the contender unavailable for this case.
   */
  prepare?(contender: Contender, ctx: PrepareContext): Promise<Instance | null>;
  /**
   * Ways of computing the same result, timed in the same rounds: the first is
   * the primary one (rows named after the contender), the others get rows
   * `contender.variant` and a ratio against the primary on the same contender
   * (e.g. fused vs composed). A variant may also be a yardstick that computes
   * something else (the training steps an explanation is held to): each row's
   * output is checked against the reference contender's row of the same
   * variant, or its primary row when it has none.
   */
  variants?: string[];
  /** Only these contenders take part (default: all). */
  contenders?: string[];
  /**
   * Contenders (ids, every variant) that only compute this case once (for the
   * agreement check, e.g. the reference) and are not timed: too slow to time
   * within the gate's budget.
   */
  untimed?: string[];
  /** Also untimed in the short (gate) run, to keep it under two minutes; timed in full runs. */
  untimedShort?: string[];
  /**
   * Contenders known to compute this case wrongly, with why: each is still
   * run and checked, then listed as unavailable with its error and this
   * reason instead of being timed (a wrong result is never a speed). If one
   * agrees with the reference after all (the peer fixed it), the case fails
   * and says to remove the entry.
   */
  wrong?: Record<string, string>;
  /** Too slow for the gate: full runs only. */
  fullOnly?: boolean;
  /** Budget overrides per mode, for slow cases (a training epoch takes seconds per call) and a lean gate. */
  budget?: { full?: Partial<Budget>; short?: Partial<Budget> };
}

export interface PrepareContext {
  seed: number;
  short: boolean;
  /** One of the case's variants (undefined when it has none). */
  variant: string | undefined;
}

/** One contender's state for a case. */
export interface Instance {
  /** What the agreement check compares, computed before timing; parts of different scales are compared one by one. */
  output: Float32Array | Float32Array[];
  /** The timed call. Write it as an `async` function when it awaits (tinybench tells them apart by that). */
  run(): unknown;
  /** Frees the state; may return a promise (worker threads end asynchronously), which the harness awaits. */
  dispose(): void | Promise<void>;
  /**
   * Work per call of this row when it differs from the case's `work`: a variant
   * that is a yardstick computing something else (training steps beside an
   * explanation) counts its own samples.
   */
  work?: number;
}

export type Unit = 'GFLOP/s' | 'GB/s' | 'samples/s';

export interface Suite {
  name: string;
  /** GFLOP/s or GB/s: throughput is work / median / 1e9; samples/s: work / median. */
  unit: Unit;
  cases: Case[];
}

export interface Budget {
  /** Alternating rounds per case: contenders take turns so drift on a shared machine hits both. */
  rounds: number;
  /** tinybench time budget per contender per round, ms. */
  time: number;
  /** Minimum iterations per contender per round. */
  iterations: number;
  /** Warm-up before the first round (JIT, caches). */
  warmupTime: number;
  warmupIterations: number;
  /** Honour the cases' `untimedShort` and `fullOnly` (the short run). */
  short: boolean;
}

export interface Timing {
  /** The contender's id, or `contender.variant` for a case's other variants. */
  contender: string;
  samples: number;
  median: number;
  p75: number;
  p99: number;
  throughput: number;
  maxRelError: number;
  agrees: boolean;
}

export interface Ratio {
  /** `${suite}/${case}:${numerator}/${denominator}`, the key floors.json uses. */
  id: string;
  numerator: string;
  denominator: string;
  /** How many times faster the numerator is: denominator median / numerator median. */
  value: number;
}

export interface CaseResult {
  id: string;
  label: string;
  work: number;
  unit: Unit;
  timings: Timing[];
  ratios: Ratio[];
  /** Contenders (or `contender.variant`) that could not run this case, with the reason. */
  unavailable: { contender: string; reason: string }[];
}

export interface SuiteResult {
  name: string;
  unit: Suite['unit'];
  cases: CaseResult[];
  /** Cases not run, with the reason (e.g. full-run only). */
  skipped: { id: string; reason: string }[];
}

export interface Machine {
  cpus: number;
  cpuModel: string;
  node: string;
  platform: string;
  /** GLIBC_TUNABLES the run used (see allocator.mjs). */
  allocator: string;
}

export interface Results {
  date: string;
  mode: 'full' | 'short';
  machine: Machine;
  contenders: { id: string; label: string; version: string }[];
  /** Contenders that failed to load, with the reason. */
  unavailable: { id: string; label: string; reason: string }[];
  suites: SuiteResult[];
}
