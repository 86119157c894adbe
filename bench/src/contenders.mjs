// @ts-check
import { createRequire } from 'node:module';

/** @typedef {import('./types.js').Contender} Contender */
/** @typedef {import('./types.js').ContenderSpec} ContenderSpec */

const require = createRequire(import.meta.url);
/** @param {string} name */
const versionOf = (name) => /** @type {{ version: string }} */ (require(`${name}/package.json`)).version;

/**
 * Everything bench/ can measure, loaded by package name so a missing or broken
 * backend is reported and skipped instead of failing the import of the harness.
 * Backends join this list as they land (backend-wasm scalar/SIMD/threads, tfjs-wasm).
 * @type {ContenderSpec[]}
 */
export const CONTENDERS = [
  {
    id: 'js',
    label: '@neurite/backend-js',
    kind: 'neurite',
    async load() {
      const nt = await import('@neurite/core');
      const { register } = await import('@neurite/backend-js');
      register();
      return {
        id: 'js',
        label: '@neurite/backend-js',
        kind: 'neurite',
        version: versionOf('@neurite/backend-js'),
        lib: /** @type {import('./types.js').Lib} */ (/** @type {unknown} */ (nt)),
        activate: async () => {
          await nt.setBackend('js');
        },
        tensor: (data, shape) => nt.tensor(data, shape),
        read: (t) => /** @type {Float32Array} */ (/** @type {import('@neurite/core').Tensor} */ (t).dataSync()),
        dispose: (t) => /** @type {import('@neurite/core').Tensor} */ (t).dispose(),
      };
    },
  },
  {
    id: 'tfjs-cpu',
    label: '@tensorflow/tfjs-backend-cpu',
    kind: 'tfjs',
    async load() {
      const tf = await import('@tensorflow/tfjs-core');
      // The cpu backend registers itself on import; that is tfjs's way, not ours.
      await import('@tensorflow/tfjs-backend-cpu');
      // What tfjs users ship with: it only silences warnings (and the "install tfjs-node" banner).
      tf.enableProdMode();
      return {
        id: 'tfjs-cpu',
        label: '@tensorflow/tfjs-backend-cpu',
        kind: 'tfjs',
        version: versionOf('@tensorflow/tfjs-backend-cpu'),
        lib: /** @type {import('./types.js').Lib} */ (/** @type {unknown} */ (tf)),
        activate: async () => {
          await tf.setBackend('cpu');
        },
        tensor: (data, shape) => tf.tensor(data, shape, 'float32'),
        read: (t) => /** @type {Float32Array} */ (/** @type {import('@tensorflow/tfjs-core').Tensor} */ (t).dataSync()),
        dispose: (t) => /** @type {import('@tensorflow/tfjs-core').Tensor} */ (t).dispose(),
      };
    },
  },
];

/** The peer every contender's output is checked against, as in the tests: a peer as oracle. */
export const REFERENCE = 'tfjs-cpu';

/** Ratios reported for every case, as [numerator, denominator]; the gate's floors refer to these. */
export const RATIO_PAIRS = [['js', 'tfjs-cpu']];

/**
 * Loads the contenders that initialise; the others are reported and skipped
 * (the gate then fails on their missing ratios, so a skip cannot hide in CI).
 * @param {string[]} [only]
 * @returns {Promise<Contender[]>}
 */
export async function loadContenders(only) {
  /** @type {Contender[]} */
  const loaded = [];
  for (const spec of CONTENDERS) {
    if (only && !only.includes(spec.id)) continue;
    try {
      loaded.push(await spec.load());
    } catch (e) {
      console.warn(`bench: skipping ${spec.id} (${spec.label}): ${e instanceof Error ? e.message : String(e)}`);
    }
  }
  return loaded;
}
