/**
 * Damage for fuzzing readers of untrusted files: every package that reads a
 * format (model.json, weights, TF.js manifests, metadata, checkpoints, CSV)
 * feeds its reader valid content with these edits applied, drawn by a
 * property-based generator, and checks that the reader answers with a model
 * or its own typed error, never a raw TypeError or RangeError, a hang or a
 * polluted prototype. Pure functions: the generator is the test's choice.
 */

/** Marks an edit that deletes the key (or the list element) instead of replacing it. */
export const DELETE = Symbol('delete');

/** Values that break readers which trust types and sizes: wrong types, absurd numbers, huge strings, prototype keys. */
export const ODD_JSON_VALUES: readonly unknown[] = [null, true, false, -1, 0, 0.5, -0.0, 1e308, -1e308, 2 ** 31, 2 ** 32, 2 ** 53, '', 'x'.repeat(5000), '__proto__', 'constructor', '../../etc/passwd', [], {}, [1e9, 1e9, 1e9], JSON.parse('{"__proto__": {"polluted": 1}}') as unknown, [[[[[[]]]]]]];

type Container = unknown[] | Record<string, unknown>;

/** Every (container, key) pair in a JSON tree, in a stable order: the places an edit can land. */
export function jsonSites(root: unknown, out: { parent: Container; key: string | number }[] = []): { parent: Container; key: string | number }[] {
  if (Array.isArray(root)) root.forEach((v, i) => (out.push({ parent: root, key: i }), jsonSites(v, out)));
  else if (root !== null && typeof root === 'object') for (const k of Object.keys(root)) (out.push({ parent: root as Record<string, unknown>, key: k }), jsonSites((root as Record<string, unknown>)[k], out));
  return out;
}

export interface JsonEdit {
  /** Which site (taken modulo the number of sites, so any natural number works). */
  site: number;
  /** The new value, or DELETE. */
  value: unknown;
}

/** A deep copy of `root` with the edits applied in order (each on the result of the previous). */
export function damageJson(root: unknown, edits: readonly JsonEdit[]): unknown {
  let copy = structuredClone(root);
  for (const e of edits) {
    const sites = jsonSites(copy);
    if (sites.length === 0) {
      copy = e.value === DELETE ? null : structuredClone(e.value);
      continue;
    }
    const { parent, key } = sites[e.site % sites.length];
    if (e.value !== DELETE) (parent as Record<string | number, unknown>)[key] = structuredClone(e.value);
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  }
  return copy;
}

export interface BytesDamage {
  /** Keep only this many bytes (taken modulo length + 1). */
  truncate?: number;
  /** [position (modulo length), new byte] pairs. */
  flips?: readonly (readonly [number, number])[];
  /** Bytes appended at the end. */
  append?: Uint8Array;
}

/** A copy of `bytes` with the damage applied: truncation, then flips, then appended bytes. */
export function damageBytes(bytes: Uint8Array, d: BytesDamage): Uint8Array {
  let out = bytes.slice(0, d.truncate === undefined ? bytes.length : d.truncate % (bytes.length + 1));
  if (out.length > 0) for (const [at, b] of d.flips ?? []) out[at % out.length] = b & 255;
  if (d.append && d.append.length > 0) {
    const longer = new Uint8Array(out.length + d.append.length);
    longer.set(out);
    longer.set(d.append, out.length);
    out = longer;
  }
  return out;
}

/** Damage for text formats (CSV): characters replaced, inserted or cut. */
export function damageText(text: string, edits: readonly { at: number; insert: string; remove: number }[]): string {
  let s = text;
  for (const e of edits) {
    const at = e.at % (s.length + 1);
    s = s.slice(0, at) + e.insert + s.slice(at + e.remove);
  }
  return s;
}
