import { tidy } from '../engine.js';

/**
 * Wraps a public op so that whatever it creates on the way (scalars made from
 * numbers, intermediates of a composite) is freed when it returns, except the
 * result and what a gradient tape still needs.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export function defineOp<F extends (...args: any[]) => any>(fn: F): F {
  return ((...args: Parameters<F>) => tidy(() => fn(...args))) as F;
}
