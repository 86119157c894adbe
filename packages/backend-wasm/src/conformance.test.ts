import { describeConformance } from '@neurite/core/testing';
import { createWasmBackend } from './backend.js';

describeConformance({ backend: 'wasm', factory: () => createWasmBackend() });

// The scalar build, the fallback for engines without SIMD, from the same sources.
describeConformance({ backend: 'wasm-scalar', factory: () => createWasmBackend({ simd: false }) });

// The threaded build on two threads; threadsMinWork 0 splits every float32 matMul, so the suite's small shapes cross threads too.
describeConformance({ backend: 'wasm-threads', factory: () => createWasmBackend({ threads: 2, threadsMinWork: 0 }) });
