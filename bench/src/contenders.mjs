// @ts-check
import { createRequire } from 'node:module';
import { dirname, sep } from 'node:path';

/** @typedef {import('./types.js').Contender} Contender */
/** @typedef {import('./types.js').ContenderSpec} ContenderSpec */

const require = createRequire(import.meta.url);
/** @param {string} name */
const versionOf = (name) => /** @type {{ version: string }} */ (require(`${name}/package.json`)).version;

/**
 * A Neurite backend as a contender: `register` registers it with core under
 * `backendName` (the one active backend core runs ops on).
 * @param {{ id: string, label: string, pkg: string, backendName: string, register: (nt: typeof import('@neurite/core')) => Promise<void> }} o
 * @returns {ContenderSpec}
 */
function neurite({ id, label, pkg, backendName, register }) {
  return {
    id,
    label,
    kind: 'neurite',
    async load() {
      const nt = await import('@neurite/core');
      await register(nt);
      // Start it now, so a backend that cannot start is skipped here rather than failing mid-run.
      await nt.setBackend(backendName);
      return {
        id,
        label,
        kind: 'neurite',
        version: versionOf(pkg),
        lib: /** @type {import('./types.js').Lib} */ (/** @type {unknown} */ (nt)),
        activate: async () => {
          await nt.setBackend(backendName);
        },
        tensor: (data, shape) => nt.tensor(data, shape),
        read: (t) => /** @type {Float32Array} */ (/** @type {import('@neurite/core').Tensor} */ (t).dataSync()),
        dispose: (t) => /** @type {import('@neurite/core').Tensor} */ (t).dispose(),
      };
    },
  };
}

/**
 * One build of @neurite/backend-wasm, forced by `options` (never 'auto', so a
 * row always means the build it names). Registered with core under its own id,
 * so the variants live side by side in one process. A threaded variant is one
 * more entry, e.g. `wasmVariant('wasm-threads', 'SIMD, 2 threads', { simd: true, threads: 2 })`.
 * @param {string} id
 * @param {string} what
 * @param {import('@neurite/backend-wasm').WasmBackendOptions} options
 * @returns {ContenderSpec}
 */
function wasmVariant(id, what, options) {
  return neurite({
    id,
    label: `@neurite/backend-wasm (${what})`,
    pkg: '@neurite/backend-wasm',
    backendName: id,
    async register(nt) {
      const { createWasmBackend } = await import('@neurite/backend-wasm');
      nt.registerBackend(id, () => createWasmBackend(options));
    },
  });
}

/**
 * A tfjs backend as a contender. All tfjs backends share tfjs-core's one engine;
 * `activate` switches its active backend, as for Neurite.
 * @param {{ id: string, label: string, pkg: string, backendName: string, setup: (tf: typeof import('@tensorflow/tfjs-core')) => Promise<void> }} o
 * @returns {ContenderSpec}
 */
function tfjs({ id, label, pkg, backendName, setup }) {
  return {
    id,
    label,
    kind: 'tfjs',
    async load() {
      const tf = await import('@tensorflow/tfjs-core');
      await setup(tf);
      // tfjs-core's Node entry has no gradients; tfjs-layers' bundle registers all of them (as
      // @tensorflow/tfjs, what users install, does). The model suites need tfjs-layers anyway.
      await import('@tensorflow/tfjs-layers');
      // What tfjs users ship with: it only silences warnings (and the "install tfjs-node" banner).
      tf.enableProdMode();
      if (!(await tf.setBackend(backendName))) throw new Error(`tf.setBackend('${backendName}') failed`);
      return {
        id,
        label,
        kind: 'tfjs',
        version: versionOf(pkg),
        lib: /** @type {import('./types.js').Lib} */ (/** @type {unknown} */ (tf)),
        activate: async () => {
          await tf.setBackend(backendName);
        },
        tensor: (data, shape) => tf.tensor(data, shape, 'float32'),
        read: (t) => /** @type {Float32Array} */ (/** @type {import('@tensorflow/tfjs-core').Tensor} */ (t).dataSync()),
        dispose: (t) => /** @type {import('@tensorflow/tfjs-core').Tensor} */ (t).dispose(),
      };
    },
  };
}

/**
 * Everything bench/ can measure, loaded by package name so a missing or broken
 * backend is reported and skipped instead of failing the import of the harness
 * (the gate then fails on its missing ratios).
 * @type {ContenderSpec[]}
 */
export const CONTENDERS = [
  neurite({
    id: 'js',
    label: '@neurite/backend-js',
    pkg: '@neurite/backend-js',
    backendName: 'js',
    async register() {
      const { register } = await import('@neurite/backend-js');
      register();
    },
  }),
  wasmVariant('wasm-simd', 'SIMD build', { simd: true, relaxed: false, threads: 1 }),
  // Fused multiply-add matMul (relaxed_madd, 6x8 tile); elsewhere it equals wasm-simd. Where the engine
  // lacks relaxed SIMD (Node 20 without --experimental-wasm-relaxed-simd) it is listed as unavailable, with why.
  wasmVariant('wasm-relaxed', 'relaxed-SIMD build', { simd: true, relaxed: true, threads: 1 }),
  wasmVariant('wasm-scalar', 'scalar build', { simd: false, threads: 1 }),
  // Only matMul and convolution split across threads (from 2^23 multiply-adds); elsewhere this equals wasm-simd.
  wasmVariant('wasm-threads', 'SIMD, 2 threads', { simd: true, threads: 2 }),
  tfjs({
    id: 'tfjs-cpu',
    label: '@tensorflow/tfjs-backend-cpu',
    pkg: '@tensorflow/tfjs-backend-cpu',
    backendName: 'cpu',
    async setup() {
      // The cpu backend registers itself on import; that is tfjs's way, not ours.
      await import('@tensorflow/tfjs-backend-cpu');
    },
  }),
  tfjs({
    id: 'tfjs-wasm',
    label: '@tensorflow/tfjs-backend-wasm (SIMD, 1 thread)',
    pkg: '@tensorflow/tfjs-backend-wasm',
    backendName: 'wasm',
    async setup(tf) {
      // Registers the 'wasm' backend on import (initialised on first setBackend).
      const wasm = await import('@tensorflow/tfjs-backend-wasm');
      // Its .wasm binaries ship in the npm package: load them from there, nothing is fetched.
      const dir = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm'));
      wasm.setWasmPaths(`${dir}${sep}`);
      // Force the single-threaded SIMD binary (tfjs-backend-wasm-simd.wasm), the fair
      // peer of our single-threaded builds: tfjs picks its binary from these two
      // flags, and the threaded-SIMD one is never chosen in Node anyway (its
      // multithread probe returns false there, tfjs issue 3830). Setting SIMD true
      // makes a missing SIMD engine fail loudly instead of silently timing the scalar
      // binary. One XNNPACK thread, stated rather than left to the default.
      tf.env().set('WASM_HAS_SIMD_SUPPORT', true);
      tf.env().set('WASM_HAS_MULTITHREAD_SUPPORT', false);
      wasm.setThreadsCount(1);
    },
  }),
];

/** The peer every contender's output is checked against, as in the tests: a peer as oracle. */
export const REFERENCE = 'tfjs-cpu';

/** Ratios reported for every case, as [numerator, denominator]; the gate's floors refer to these. */
export const RATIO_PAIRS = [
  ['js', 'tfjs-cpu'],
  ['wasm-simd', 'tfjs-wasm'],
  ['wasm-relaxed', 'tfjs-wasm'],
  ['wasm-relaxed', 'wasm-simd'],
  ['wasm-simd', 'js'],
  ['wasm-scalar', 'tfjs-wasm'],
  ['wasm-threads', 'wasm-simd'],
];

/**
 * Loads the contenders that initialise; the others are reported with the reason
 * and skipped (the gate then fails on their missing ratios, so a skip cannot hide in CI).
 * @param {string[]} [only]
 * @returns {Promise<{ loaded: Contender[], unavailable: { id: string, label: string, reason: string }[] }>}
 */
export async function loadContenders(only) {
  /** @type {Contender[]} */
  const loaded = [];
  const unavailable = [];
  for (const spec of CONTENDERS) {
    if (only && !only.includes(spec.id)) continue;
    try {
      loaded.push(await spec.load());
    } catch (e) {
      const reason = (e instanceof Error ? e.message : String(e)).split('\n')[0];
      console.warn(`bench: skipping ${spec.id} (${spec.label}): ${reason}`);
      unavailable.push({ id: spec.id, label: spec.label, reason });
    }
  }
  return { loaded, unavailable };
}
