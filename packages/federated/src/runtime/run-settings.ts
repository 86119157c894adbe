import type { DpOptions } from '../privacy/dp-fedavg.js';
import type { SecureAggregationOptions } from './secure-round.js';
import type { UpdateLimits } from './validate.js';

/**
 * What a run was started with, as flat JSON values: a checkpoint records
 * them so that a resume with other settings is caught instead of silently
 * mixing two runs. Callers add what the server cannot see (the data, the
 * local training, the learning rate) under their own keys.
 */
export type RunSettings = Record<string, string | number | boolean | null>;

/** Keys whose change alters what the accountant must count: DP on, off or differently noised. */
export const DP_KEYS = ['dp.clipNorm', 'dp.noiseMultiplier', 'dp.adaptive', 'dp.delta', 'dp.sampling'] as const;

/** The settings the server itself knows. */
export function serverSettings(o: {
  strategy: string;
  population: number;
  seed: number;
  fractionFit: number;
  minFitClients: number;
  maxRetries: number;
  privacy: DpOptions | undefined;
  secureAggregation: SecureAggregationOptions | undefined;
  limits: UpdateLimits;
}): RunSettings {
  const p = o.privacy;
  return {
    strategy: o.strategy,
    population: o.population,
    seed: o.seed,
    fractionFit: o.fractionFit,
    minFitClients: o.minFitClients,
    maxRetries: o.maxRetries,
    'dp.clipNorm': p ? p.clipNorm : null,
    'dp.noiseMultiplier': p ? p.noiseMultiplier : null,
    'dp.adaptive': p ? JSON.stringify(p.adaptive ?? false) : null,
    'dp.delta': p ? (p.delta ?? 1e-5) : null,
    'dp.sampling': p ? (p.sampling ?? 'fixed') : null,
    secureAggregation: o.secureAggregation ? JSON.stringify(o.secureAggregation) : null,
    'limits.maxUpdateNorm': o.limits.maxUpdateNorm ?? null,
    'limits.maxExamples': o.limits.maxExamples ?? null,
  };
}

const show = (v: unknown) => (v === null || v === undefined ? 'none' : typeof v === 'string' ? v : JSON.stringify(v));

/**
 * Each setting that differs, as 'key: saved -> current', in a stable order.
 * With `only`, just those keys are compared (a caller checking its own
 * settings before the server knows the rest).
 */
export function settingsDifferences(saved: RunSettings, current: RunSettings, only?: readonly string[]): string[] {
  const keys = [...new Set(only ?? [...Object.keys(saved), ...Object.keys(current)])].sort();
  return keys.filter((k) => !Object.is(saved[k] ?? null, current[k] ?? null)).map((k) => `${k}: ${show(saved[k])} -> ${show(current[k])}`);
}
