import { describeConformance } from '@neurite/core/testing';
import { describe, it } from 'vitest';
import { createWasmBackend } from './backend.js';
import { relaxedSimdSupported } from './loader.js';

// The plain SIMD build; the default where the engine lacks relaxed SIMD.
describeConformance({ backend: 'wasm', factory: () => createWasmBackend({ relaxed: false }) });

// The relaxed-SIMD build (fused multiply-add matMul), the default where the engine has relaxed SIMD.
// vitest.config.ts starts Node 20's workers with --experimental-wasm-relaxed-simd, so it runs there too.
if (relaxedSimdSupported()) {
  describeConformance({ backend: 'wasm-relaxed', factory: () => createWasmBackend({ relaxed: true }) });
} else {
  describe('wasm-relaxed conformance', () => {
    it.skip(`skipped: this engine (Node ${process.versions.node}, V8 ${process.versions.v8}) does not validate WebAssembly relaxed SIMD`, () => {});
  });
}

// The scalar build, the fallback for engines without SIMD, from the same sources.
describeConformance({ backend: 'wasm-scalar', factory: () => createWasmBackend({ simd: false }) });

// The threaded build on two threads; threadsMinWork 0 splits every float32 matMul, so the suite's small shapes cross threads too.
describeConformance({ backend: 'wasm-threads', factory: () => createWasmBackend({ threads: 2, threadsMinWork: 0 }) });
