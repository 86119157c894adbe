import { describeConformance } from '@neurite/core/testing';
import { createWasmBackend } from './backend.js';

describeConformance({ backend: 'wasm', factory: () => createWasmBackend() });

// The scalar build, the fallback for engines without SIMD, from the same sources.
describeConformance({ backend: 'wasm-scalar', factory: () => createWasmBackend({ simd: false }) });
