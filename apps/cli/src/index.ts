/** The `neurite` command line, callable from code (tests, wrappers). The bin is dist/bin.js. */
export { main } from './cli.js';
export {
  BACKEND_CHOICES,
  BACKEND_LOADERS,
  AUTO_ORDER,
  selectBackend,
  probeBackends,
  parseBackendChoice,
  versions,
  type BackendChoice,
  type BackendLoaders,
  type BackendVariant,
  type BackendReport,
  type Selected,
  type SelectOptions,
} from './backends.js';
export { UsageError, isUsageError } from './errors.js';
export { saveCheckpoint, openCheckpointWriter, loadModelDir, META_FILE, type CheckpointWriter, type ModelMeta, type ReadMeta } from './checkpoint.js';
export { curvesSvg, curvesPng, curvesChart, writePlot, plotFormat, historyPanels, type Panel, type Series, type PlotFormat, type CurvesOptions } from './plot.js';
