/** Shapes shared by the bench harness; the .mjs files reference them through JSDoc. */

/** A tensor library as the suites see it: the ops both Neurite and tfjs spell the same way. */
export interface Lib {
  matMul(a: unknown, b: unknown): unknown;
  add(a: unknown, b: unknown): unknown;
  mul(a: unknown, b: unknown): unknown;
  relu(a: unknown): unknown;
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
  /** Input shapes; the harness fills them from the seeded generator. */
  inputs: number[][];
  /** FLOPs (compute-bound suites) or bytes moved (memory-bound suites) per call. */
  work: number;
  /** Result tolerance against the reference, as max |a - b| / max |b|. */
  tolerance: number;
  /**
   * Contenders that only compute this case once (for the agreement check, e.g.
   * the reference) and are not timed: too slow to time within the gate's budget.
   */
  untimed?: string[];
  /** Also untimed in the short (gate) run, to keep it under two minutes; timed in full runs. */
  untimedShort?: string[];
  run(lib: Lib, inputs: unknown[], contender: Contender): unknown;
}

export interface Suite {
  name: string;
  /** GFLOP/s or GB/s: throughput is work / median / 1e9. */
  unit: 'GFLOP/s' | 'GB/s';
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
  /** Honour the cases' `untimedShort` (the short run). */
  short: boolean;
}

export interface Timing {
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
  timings: Timing[];
  ratios: Ratio[];
}

export interface SuiteResult {
  name: string;
  unit: Suite['unit'];
  cases: CaseResult[];
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
  suites: SuiteResult[];
}
