import { KERNEL_NAMES, SPEC_VERSION, type Backend, type BackendFeatures } from './backend.js';
import { BackendError } from './errors.js';

export type BackendFactory = () => Backend<any> | Promise<Backend<any>>;

export interface RegisterOptions {
  /** `setBackend('auto')` tries higher priorities first. */
  priority?: number;
}

interface Registration {
  name: string;
  factory: BackendFactory;
  priority: number;
  instance?: Backend<any>;
  failure?: Error;
}

export interface BackendStatus {
  name: string;
  priority: number;
  available: boolean;
  active: boolean;
  /** Why it could not start, when `available` is false. */
  error?: string;
  features?: BackendFeatures;
}

const registry = new Map<string, Registration>();
let active: Backend<any> | null = null;
/** Instances whose registration was removed: their storage may be gone. */
const removed = new WeakSet<Backend<any>>();

/**
 * Makes a backend known by name. Nothing starts until `setBackend` asks for it,
 * and nothing registers itself on import: the application decides.
 */
export function registerBackend(name: string, factory: BackendFactory, options: RegisterOptions = {}): void {
  if (!name || name === 'auto') {
    throw new BackendError(`registerBackend: '${name}' is not a usable backend name - pick a name other than '' or 'auto'`);
  }
  if (registry.has(name)) {
    throw new BackendError(`registerBackend: a backend named '${name}' is already registered - removeBackend('${name}') first`);
  }
  registry.set(name, { name, factory, priority: options.priority ?? 0 });
}

/** Forgets a backend, disposing its instance. Tensors on it become unusable. */
export function removeBackend(name: string): void {
  const reg = registry.get(name);
  if (!reg) return;
  if (reg.instance) {
    if (active === reg.instance) active = null;
    removed.add(reg.instance);
    reg.instance.dispose?.();
  }
  registry.delete(name);
}

async function initialize(reg: Registration): Promise<Backend<any>> {
  if (reg.instance) return reg.instance;
  if (reg.failure) throw reg.failure;
  try {
    const backend = await reg.factory();
    validate(reg.name, backend);
    reg.instance = backend;
    return backend;
  } catch (cause) {
    const message = cause instanceof Error ? cause.message : String(cause);
    reg.failure =
      cause instanceof BackendError ? cause : new BackendError(`backend '${reg.name}' failed to start: ${message}`, { cause });
    throw reg.failure;
  }
}

function validate(name: string, backend: Backend<any>): void {
  if (backend.specVersion !== SPEC_VERSION) {
    throw new BackendError(
      `backend '${name}' implements kernel spec ${backend.specVersion} but this @neurite/core expects ${SPEC_VERSION} - ` +
        `install matching versions of @neurite/core and the backend`,
    );
  }
  const missing = KERNEL_NAMES.filter((k) => typeof (backend.kernels as Record<string, unknown>)[k] !== 'function');
  if (missing.length > 0) {
    throw new BackendError(`backend '${name}' is missing kernels: ${missing.join(', ')} - it cannot run every op`);
  }
  for (const d of ['float32', 'int32'] as const) {
    if (!backend.dtypes.includes(d)) {
      throw new BackendError(`backend '${name}' does not store ${d} - every backend must support float32 and int32`);
    }
  }
}

/**
 * Starts a backend and makes it the one ops run on. `'auto'` tries every
 * registered backend from the highest priority down and keeps the first that
 * starts. Returns the name of the backend now active.
 */
export async function setBackend(name: string): Promise<string> {
  if (name === 'auto') {
    const ordered = [...registry.values()].sort((a, b) => b.priority - a.priority);
    const failures: string[] = [];
    for (const reg of ordered) {
      try {
        active = await initialize(reg);
        return reg.name;
      } catch (e) {
        failures.push((e as Error).message);
      }
    }
    throw new BackendError(
      registry.size === 0
        ? `setBackend('auto'): no backend is registered - registerBackend('js', ...) from @neurite/backend-js first`
        : `setBackend('auto'): no registered backend could start (${failures.join('; ')})`,
    );
  }
  const reg = registry.get(name);
  if (!reg) {
    throw new BackendError(
      `setBackend: no backend named '${name}' - registered: ${[...registry.keys()].join(', ') || 'none'}`,
    );
  }
  active = await initialize(reg);
  return name;
}

/** The active backend; throws `BackendError` when none was set. */
export function getBackend(): Backend<any> {
  if (active === null) {
    throw new BackendError(
      `no active backend - call registerBackend(...) and await setBackend('auto') before creating tensors`,
    );
  }
  return active;
}

/** An initialized backend by name, starting it if needed (for moving tensors). */
export async function findBackend(name: string): Promise<Backend<any>> {
  const reg = registry.get(name);
  if (!reg) {
    throw new BackendError(`no backend named '${name}' - registered: ${[...registry.keys()].join(', ') || 'none'}`);
  }
  return initialize(reg);
}

/** @internal Synchronous lookup of an already started backend. */
export function startedBackend(name: string): Backend<any> | undefined {
  return registry.get(name)?.instance;
}

/** @internal Whether a backend instance was removed (its tensors can no longer be read). */
export function isRemoved(backend: Backend<any>): boolean {
  return removed.has(backend);
}

/** @internal The name a started backend instance was registered under. */
export function registeredName(backend: Backend<any>): string | undefined {
  for (const reg of registry.values()) if (reg.instance === backend) return reg.name;
  return undefined;
}

/** Every registered backend, each started once to learn whether it is available. */
export async function listBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const reg of [...registry.values()].sort((a, b) => b.priority - a.priority)) {
    try {
      const backend = await initialize(reg);
      out.push({
        name: reg.name,
        priority: reg.priority,
        available: true,
        active: backend === active,
        features: backend.features?.(),
      });
    } catch (e) {
      out.push({ name: reg.name, priority: reg.priority, available: false, active: false, error: (e as Error).message });
    }
  }
  return out;
}
