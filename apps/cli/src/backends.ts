/**
 * The one place in Neurite that picks a backend. Backends are loaded by name
 * with dynamic import(), so a missing or broken one costs nothing until asked
 * for, and 'auto' can fall back past it.
 */
import { createRequire } from 'node:module';
import { registerBackend, setBackend, type Backend, type BackendFeatures } from '@neurite/core';
import { UsageError, oneLine } from './errors.js';

export const BACKEND_CHOICES = ['auto', 'wasm', 'js'] as const;
export type BackendChoice = (typeof BACKEND_CHOICES)[number];

/** One way to start a backend: `wasm` comes as a SIMD and a scalar build. */
export interface BackendVariant {
  /** The name registered with core ('wasm', 'js'). */
  name: string;
  /** Shown to people: 'wasm (SIMD)', 'wasm (scalar)', 'js'. */
  label: string;
  start(): Promise<Backend<any>>;
}

export interface LoadOptions {
  /** Threads for the wasm backend's large matMuls (1 = none). */
  threads?: number;
}

/** Name to loader: each imports its package only when called and lists its variants, best first. */
export type BackendLoaders = Record<'wasm' | 'js', (options: LoadOptions) => Promise<BackendVariant[]>>;

export const BACKEND_LOADERS: BackendLoaders = {
  async wasm({ threads }) {
    const wasm = await import('@neurite/backend-wasm');
    // `threads` is passed only when asked for, so builds of backend-wasm without it still load.
    const create = (simd: boolean, t?: number) =>
      wasm.createWasmBackend({ simd, ...(t !== undefined && t > 1 ? { threads: t } : {}) } as Parameters<typeof wasm.createWasmBackend>[0]);
    const variants: BackendVariant[] = [];
    if (wasm.simdSupported()) variants.push({ name: 'wasm', label: 'wasm (SIMD)', start: () => create(true, threads) });
    variants.push({ name: 'wasm', label: 'wasm (scalar)', start: () => create(false) });
    return variants;
  },
  async js() {
    const js = await import('@neurite/backend-js');
    return [{ name: 'js', label: 'js', start: async () => js.createJsBackend() }];
  },
};

/** The order 'auto' tries: compiled first, the pure TypeScript reference last. */
export const AUTO_ORDER: readonly ('wasm' | 'js')[] = ['wasm', 'js'];

export interface Selected {
  name: string;
  label: string;
  backend: Backend<any>;
  features: BackendFeatures;
}

export interface SelectOptions extends LoadOptions {
  /** One-line warnings (a backend that failed and was skipped). */
  warn?: (line: string) => void;
  loaders?: BackendLoaders;
}

export function parseBackendChoice(value: unknown): BackendChoice {
  const v = String(value ?? 'auto').trim().toLowerCase();
  if ((BACKEND_CHOICES as readonly string[]).includes(v)) return v as BackendChoice;
  throw new UsageError(`unknown backend '${String(value)}' - use one of: ${BACKEND_CHOICES.join(', ')} (--backend or NEURITE_BACKEND)`);
}

const reason = (e: unknown) => oneLine(e instanceof Error ? e.message : String(e));

/**
 * Starts the chosen backend and makes it core's active one. 'auto' takes the
 * first that starts of wasm SIMD, wasm scalar, js, warning about each one
 * skipped. A backend asked for by name that cannot start is an error.
 */
export async function selectBackend(choice: BackendChoice, options: SelectOptions = {}): Promise<Selected> {
  const loaders = options.loaders ?? BACKEND_LOADERS;
  const warn = options.warn ?? (() => {});
  const names = choice === 'auto' ? AUTO_ORDER : [choice];
  const failures: string[] = [];
  let pendingWarning: string | undefined;
  for (const name of names) {
    let variants: BackendVariant[];
    try {
      variants = await loaders[name]({ threads: options.threads });
    } catch (e) {
      failures.push(`${name} could not be loaded (${reason(e)})`);
      if (pendingWarning) warn(pendingWarning);
      pendingWarning = `warning: backend ${name} could not be loaded (${reason(e)})`;
      continue;
    }
    for (const v of variants) {
      try {
        const backend = await v.start();
        if (pendingWarning) warn(`${pendingWarning} - using ${v.label}`);
        registerBackend(v.name, () => backend);
        await setBackend(v.name);
        return { name: v.name, label: v.label, backend, features: backend.features?.() ?? {} };
      } catch (e) {
        failures.push(`${v.label} failed to start (${reason(e)})`);
        if (pendingWarning) warn(pendingWarning);
        pendingWarning = `warning: ${v.label} failed to start (${reason(e)})`;
      }
    }
  }
  if (choice === 'auto') throw new UsageError(`no backend could start: ${failures.join('; ')}`);
  const other = choice === 'wasm' ? 'js' : 'wasm';
  throw new UsageError(`backend '${choice}' was asked for but ${failures.join('; ')} - try --backend ${other} or --backend auto`);
}

export interface BackendReport {
  name: string;
  label: string;
  available: boolean;
  error?: string;
  features?: BackendFeatures;
}

/** Every variant of every backend, each started once to learn whether it works (for `neurite info`). */
export async function probeBackends(options: LoadOptions & { loaders?: BackendLoaders } = {}): Promise<{ backends: BackendReport[]; auto: string | null }> {
  const loaders = options.loaders ?? BACKEND_LOADERS;
  const backends: BackendReport[] = [];
  for (const name of AUTO_ORDER) {
    let variants: BackendVariant[];
    try {
      variants = await loaders[name]({ threads: options.threads });
    } catch (e) {
      backends.push({ name, label: name, available: false, error: `could not be loaded: ${reason(e)}` });
      continue;
    }
    for (const v of variants) {
      try {
        const backend = await v.start();
        backends.push({ name: v.name, label: v.label, available: true, features: backend.features?.() ?? {} });
        backend.dispose?.();
      } catch (e) {
        backends.push({ name: v.name, label: v.label, available: false, error: reason(e) });
      }
    }
  }
  return { backends, auto: backends.find((b) => b.available)?.label ?? null };
}

const require = createRequire(import.meta.url);

/** Installed versions of the Neurite packages (null for one that is missing). */
export function versions(): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const pkg of ['neurite', '@neurite/core', '@neurite/backend-js', '@neurite/backend-wasm', '@neurite/layers', '@neurite/optimizers', '@neurite/data']) {
    try {
      out[pkg] = pkg === 'neurite' ? (require('../package.json') as { version: string }).version : (require(`${pkg}/package.json`) as { version: string }).version;
    } catch {
      out[pkg] = null;
    }
  }
  out.node = process.versions.node;
  return out;
}
