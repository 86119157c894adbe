import type { Tensor } from './tensor.js';

/** What a gradient override sees of one recorded op. */
export interface GradientOverrideNode {
  /** The kernel name ('tanh', 'fusedMatMul', ...) or view name ('reshape'). */
  readonly name: string;
  readonly inputs: readonly Tensor[];
  readonly output: Tensor;
  /** The kernel's attributes (for example `{ activation }` of fusedMatMul); undefined for views. */
  readonly attrs: unknown;
  /** The op's own backward rule, for overrides that fall back to it where theirs is undefined (0/0). */
  gradient(dy: Tensor): (Tensor | null)[];
}

/**
 * A replacement backward rule for one op: dL/d(input) for each input from
 * dL/d(output), or `undefined` to use the op's own gradient for this node.
 */
export type GradientOverride = (dy: Tensor, node: GradientOverrideNode) => (Tensor | null)[] | undefined;

const active: Readonly<Record<string, GradientOverride>>[] = [];

/**
 * Runs `fn` with modified backward rules: every gradient computed inside
 * (`grad`, `valueAndGrad`, ...) uses `rules[op]` for the ops it names, per
 * recorded op, instead of the op's own gradient. This is how attribution
 * methods such as DeepLIFT (which replaces the derivative of each
 * nonlinearity by a finite-difference ratio) work on any model without
 * layer hooks: a layer applied twice is two recorded ops, each rewritten on
 * its own. Inner calls take precedence over outer ones for the same op.
 */
export function withGradientOverrides<T>(rules: Readonly<Record<string, GradientOverride>>, fn: () => T): T {
  active.push(rules);
  try {
    return fn();
  } finally {
    active.pop();
  }
}

/** @internal The innermost override for an op, if any. */
export function gradientOverrideFor(name: string): GradientOverride | undefined {
  for (let i = active.length - 1; i >= 0; i--) {
    if (Object.hasOwn(active[i], name)) return active[i][name];
  }
  return undefined;
}
