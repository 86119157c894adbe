export type { Explainable, ModelFunction, Target } from './model-fn.js';
export type { Attribution, Baseline } from './inputs.js';
export { DEFAULT_MEMORY_BUDGET, type BatchOptions } from './runner.js';
export { splitModel, type ModelCut } from './layer-output.js';

export { saliency, gradientXInput, type SaliencyOptions, type GradientXInputOptions } from './gradient/saliency.js';
export { integratedGradients, type IntegratedGradientsOptions, type IntegratedGradientsResult } from './gradient/integrated-gradients.js';
export { quadrature, gaussLegendre, QUADRATURE_RULES, type Quadrature, type QuadratureRule } from './gradient/quadrature.js';
export { noiseTunnel, type NoiseTunnelKind, type NoiseTunnelOptions, type AttributionMethod } from './gradient/noise-tunnel.js';
export { gradientShap, type GradientShapOptions, type GradientShapResult } from './gradient/gradient-shap.js';
export { deepLift, DEEPLIFT_RULES, RESCALED_OPS, type DeepLiftOptions, type DeepLiftResult } from './gradient/deeplift.js';
export { gradCam, upsample, type GradCamOptions, type GradCamResult } from './gradient/grad-cam.js';

export { occlusion, type OcclusionOptions } from './perturbation/occlusion.js';
export { featureAblation, type FeatureAblationOptions } from './perturbation/feature-ablation.js';
export {
  exactShapley,
  shapleySampling,
  kernelShap,
  kernelWeight,
  MAX_EXACT_PLAYERS,
  type GameOptions,
  type ShapleyResult,
  type ShapleySamplingOptions,
  type KernelShapOptions,
  type KernelShapResult,
} from './perturbation/shapley.js';
export { lime, type LimeOptions, type LimeResult } from './perturbation/lime.js';

export {
  permutationImportance,
  accuracy,
  negativeMse,
  type Score,
  type PermutationImportanceOptions,
  type PermutationImportanceResult,
} from './global/permutation-importance.js';
export { partialDependence, type PartialDependenceOptions, type PartialDependenceResult } from './global/partial-dependence.js';
export { classAverageAttributions, type ClassAverage } from './global/class-average.js';
export { activationMaximization, type ActivationMaximizationOptions, type ActivationMaximizationResult } from './global/activation-maximization.js';

export { infidelity, type InfidelityOptions, type MetricResult } from './metrics/infidelity.js';
export { sensitivityMax, type SensitivityOptions } from './metrics/sensitivity.js';

export { encodePng, zlib, adler32, type RasterImage, type PngOptions } from './render/png.js';
export { DIVERGING, SEQUENTIAL, colorAt, type ColorMap, type Rgb } from './render/colormap.js';
export { heatmapGrid, colorize, attributionScale, type HeatmapOptions, type HeatmapRow, type HeatmapGridOptions } from './render/heatmap.js';
export {
  barChart,
  barChartSvg,
  barChartPng,
  partialDependenceChart,
  partialDependenceSvg,
  partialDependencePng,
  lineChart,
  lineChartSvg,
  lineChartPng,
  niceTicks,
  type BarChartOptions,
  type LinePlotOptions,
  type LineChartOptions,
  type LinePanel,
  type LineSeries,
} from './render/charts.js';
export { chartSvg, chartPng, rasterizeChart, renderChart, type Chart, type Mark, type ChartFormat, type RasterOptions } from './render/chart.js';
export { Canvas, parseColor, type StrokeStyle, type TextStyle } from './render/raster.js';
export { FONT, glyphRows, textWidth } from './render/font.js';
