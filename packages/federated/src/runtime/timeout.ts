import type { Client } from './messages.js';

export const TIMED_OUT = Symbol('timeout');

/** The call's result, or TIMED_OUT after `ms` (and the call is abandoned), or the error it threw. */
export async function withTimeout<T>(client: Client, call: () => Promise<T>, ms: number): Promise<T | typeof TIMED_OUT | Error> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<typeof TIMED_OUT>((resolve) => {
    timer = setTimeout(() => resolve(TIMED_OUT), ms);
  });
  try {
    const r = await Promise.race([call().catch((e: unknown) => (e instanceof Error ? e : new Error(String(e)))), timeout]);
    if (r === TIMED_OUT) client.abandon?.();
    return r;
  } finally {
    clearTimeout(timer);
  }
}
