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
      return { ...workload(nt), backend: backend.name, simd: backend.features?.().simd, simdSupported: simdSupported() };
    } finally {
      nt.removeBackend(name);
    }
  },
};
window.neuriteReady = true;
