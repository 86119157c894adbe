// What every example does around its training: pick a backend, know whether it was run directly.
import { fileURLToPath } from 'node:url';
import * as nt from '@neurite/core';
import { register as registerJs } from '@neurite/backend-js';

/**
 * Registers a backend (once: examples may run together in one process) and
 * activates it: 'js' (pure TypeScript, the default) or 'wasm'.
 * @returns {Promise<string>} the active backend's name
 */
export async function useBackend(name = 'js') {
  const known = await nt.listBackends();
  if (name === 'js' && !known.some((b) => b.name === 'js')) registerJs();
  if (name === 'wasm' && !known.some((b) => b.name === 'wasm')) {
    // Loaded only when asked for, so the examples need nothing but backend-js by default.
    const { register } = await import('@neurite/backend-wasm');
    register();
  }
  await nt.setBackend(name);
  return name;
}

/** `--backend wasm` on the command line, else 'js'. */
export function backendArg() {
  const i = process.argv.indexOf('--backend');
  return i > 0 ? process.argv[i + 1] : 'js';
}

/**
 * The number after `name` on the command line (`--epochs 5`), else `fallback`.
 * @param {string} name
 * @param {number} fallback
 */
export function numberArg(name, fallback) {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

/** True when `moduleUrl` is the file node was started with, not an import. */
export function isMain(moduleUrl) {
  return process.argv[1] !== undefined && fileURLToPath(moduleUrl) === process.argv[1];
}

/**
 * The first `limit` rows of a seeded shuffle of a {x, y} split (`loadMnist` rows are
 * ordered by digit, so the first rows would all be zeros). Frees the split it
 * replaces; with no limit (or one at least the split's size) returns it as it is.
 * @param {{ x: nt.Tensor, y: nt.Tensor }} split
 * @param {number | undefined} limit
 * @param {number} seed
 * @returns {{ x: nt.Tensor, y: nt.Tensor }}
 */
export function seededSubset(split, limit, seed) {
  const rows = split.x.shape[0];
  if (limit === undefined || limit >= rows) return { x: split.x, y: split.y };
  const order = Array.from({ length: rows }, (_, i) => i);
  const rng = new nt.Random(seed);
  for (let i = order.length - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    [order[i], order[j]] = [order[j], order[i]];
  }
  const idx = nt.tensor(Int32Array.from(order.slice(0, limit)), [limit], 'int32');
  const subset = { x: nt.gather(split.x, idx), y: nt.gather(split.y, idx) };
  nt.dispose([idx, split]);
  return subset;
}
