import { describeConformance } from '@neurite/core/testing';
import { createJsBackend } from './backend.js';

describeConformance({ backend: 'js', factory: createJsBackend });

// The same kernels presented as a backend without float64, so the suite's
// fallback for such backends (gradients by float32 finite differences,
// float64-only cases skipped at run time) is itself exercised.
describeConformance({
  backend: 'js-float32',
  factory: () => ({ ...createJsBackend(), name: 'js-float32', dtypes: ['float32', 'int32'] }),
});
