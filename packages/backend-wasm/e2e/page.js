import * as nt from '@neurite/core';
import { createWasmBackend, simdSupported } from '@neurite/backend-wasm';
import { workload } from './workload.js';

/**
 * How each variant gets its .wasm: by URL (both builds), as bytes the page
 * fetched itself, or with no option at all (the loader's packaged
 * `new URL('./neurite-simd.wasm', import.meta.url)`, served next to index.js).
 */
const SOURCES = {
  'simd-url': async () => ({ simd: true, wasm: new URL('/backend-wasm/neurite-simd.wasm', location.href) }),
  'scalar-url': async () => ({ simd: false, wasm: new URL('/backend-wasm/neurite-scalar.wasm', location.href) }),
  'simd-bytes': async () => ({ simd: true, wasm: new Uint8Array(await (await fetch('/backend-wasm/neurite-simd.wasm')).arrayBuffer()) }),
  'scalar-bytes': async () => ({ simd: false, wasm: await (await fetch('/backend-wasm/neurite-scalar.wasm')).arrayBuffer() }),
  packaged: async () => ({}),
  // Two threads (the page and one Web Worker over shared memory), every matMul split. Without
  // cross-origin isolation the backend must fall back to one thread and say why.
  threads: async () => ({ simd: true, threads: 2, threadsMinWork: 0 }),
};

window.neurite = {
  variants: Object.keys(SOURCES),
  /** @param {keyof typeof SOURCES} variant */
  async run(variant) {
    const options = await SOURCES[variant]();
    const name = `wasm-${variant}`;
    nt.registerBackend(name, () => createWasmBackend(options));
    try {
      await nt.setBackend(name);
      const backend = nt.getBackend();
      const features = backend.features?.() ?? {};
      return {
        ...workload(nt),
        backend: backend.name,
        simd: features.simd,
        simdSupported: simdSupported(),
        threads: features.threads,
        threadsReason: features.threadsReason,
        crossOriginIsolated: globalThis.crossOriginIsolated === true,
      };
    } finally {
      nt.removeBackend(name);
    }
  },
};
window.neuriteReady = true;
