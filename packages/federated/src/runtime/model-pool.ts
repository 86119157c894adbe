import { getBackend, type Backend } from '@neurite/core';
import type { Model } from '@neurite/layers';
import type { ModelSpec } from './task.js';

/**
 * Built models waiting for their next client, per backend and model spec.
 * A client in this thread borrows one for a call and gives it back: the
 * weights are overwritten at the start of every call, so a model carries
 * nothing from one client to the next, and a thread holds as many models as
 * it runs calls at once (one), not one per client it ever ran.
 */
const pools = new WeakMap<Backend<any>, Map<string, Model[]>>();

function freeList(spec: ModelSpec): Model[] {
  const backend = getBackend();
  let byKey = pools.get(backend);
  if (!byKey) pools.set(backend, (byKey = new Map()));
  const key = JSON.stringify(spec);
  let free = byKey.get(key);
  if (!free) byKey.set(key, (free = []));
  return free;
}

/** Runs `f` with a model of `spec` on the active backend (synchronously: the model goes back when `f` returns). */
export function withModel<T>(spec: ModelSpec, build: (spec: ModelSpec) => Model, f: (model: Model) => T): T {
  const free = freeList(spec);
  const model = free.pop() ?? build(spec);
  try {
    return f(model);
  } finally {
    free.push(model);
  }
}
