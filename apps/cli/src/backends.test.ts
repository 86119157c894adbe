import { createJsBackend } from '@neurite/backend-js';
import { getBackend } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import { parseBackendChoice, probeBackends, selectBackend, type BackendLoaders } from './backends.js';
import { UsageError } from './errors.js';

let n = 0;
/** Loaders whose variants start a js backend under a fresh name, or fail as told. */
function fakeLoaders(spec: { wasm: 'missing' | ('ok' | 'fails')[]; js?: 'ok' | 'fails' }, calls: string[] = []): BackendLoaders {
  const id = ++n;
  const variant = (label: string, how: 'ok' | 'fails') => ({
    name: `${label.split(' ')[0]}-${id}`,
    label,
    start: async () => {
      calls.push(label);
      if (how === 'fails') throw new Error(`${label} broke`);
      return createJsBackend();
    },
  });
  return {
    wasm: async () => {
      if (spec.wasm === 'missing') throw new Error("Cannot find package '@neurite/backend-wasm'");
      return spec.wasm.map((how, i) => variant(i === 0 ? 'wasm (SIMD)' : 'wasm (scalar)', how));
    },
    js: async () => [variant('js', spec.js ?? 'ok')],
  };
}

describe('selectBackend', () => {
  it('auto takes wasm SIMD when it starts', async () => {
    const warnings: string[] = [];
    const s = await selectBackend('auto', { loaders: fakeLoaders({ wasm: ['ok', 'ok'] }), warn: (l) => warnings.push(l) });
    expect(s.label).toBe('wasm (SIMD)');
    expect(getBackend()).toBe(s.backend);
    expect(warnings).toEqual([]);
  });

  it('auto falls back to wasm scalar, then js, with one warning line per failure', async () => {
    const warnings: string[] = [];
    const s = await selectBackend('auto', { loaders: fakeLoaders({ wasm: ['fails', 'ok'] }), warn: (l) => warnings.push(l) });
    expect(s.label).toBe('wasm (scalar)');
    expect(warnings).toEqual(['warning: wasm (SIMD) failed to start (wasm (SIMD) broke) - using wasm (scalar)']);

    warnings.length = 0;
    const t = await selectBackend('auto', { loaders: fakeLoaders({ wasm: ['fails', 'fails'] }), warn: (l) => warnings.push(l) });
    expect(t.label).toBe('js');
    expect(warnings).toHaveLength(2);
    expect(warnings.every((w) => !w.includes('\n'))).toBe(true);
    expect(warnings[1]).toMatch(/wasm \(scalar\) failed to start .* - using js$/);
  });

  it('auto falls back to js when the wasm package cannot be loaded', async () => {
    const warnings: string[] = [];
    const s = await selectBackend('auto', { loaders: fakeLoaders({ wasm: 'missing' }), warn: (l) => warnings.push(l) });
    expect(s.label).toBe('js');
    expect(warnings).toEqual(["warning: backend wasm could not be loaded (Cannot find package '@neurite/backend-wasm') - using js"]);
  });

  it('a backend asked for by name that cannot start is an error, not a fallback', async () => {
    const calls: string[] = [];
    const p = selectBackend('wasm', { loaders: fakeLoaders({ wasm: ['fails', 'fails'] }, calls) });
    await expect(p).rejects.toThrow(UsageError);
    await expect(p).rejects.toThrow(/backend 'wasm' was asked for but wasm \(SIMD\) failed to start .* - try --backend js or --backend auto/);
    expect(calls).not.toContain('js');
    await expect(selectBackend('wasm', { loaders: fakeLoaders({ wasm: 'missing' }) })).rejects.toThrow(/could not be loaded/);
  });

  it('no backend at all is an error under auto', async () => {
    await expect(selectBackend('auto', { loaders: fakeLoaders({ wasm: 'missing', js: 'fails' }) })).rejects.toThrow(/no backend could start/);
  });
});

describe('probeBackends', () => {
  it('reports every variant and the one auto would pick', async () => {
    const r = await probeBackends({ loaders: fakeLoaders({ wasm: ['fails', 'ok'] }) });
    expect(r.backends.map((b) => [b.label, b.available])).toEqual([
      ['wasm (SIMD)', false],
      ['wasm (scalar)', true],
      ['js', true],
    ]);
    expect(r.backends[0].error).toBe('wasm (SIMD) broke');
    expect(r.auto).toBe('wasm (scalar)');
  });
});

describe('parseBackendChoice', () => {
  it('accepts the names in any case and refuses others, listing what is accepted', () => {
    expect(parseBackendChoice('WASM')).toBe('wasm');
    expect(parseBackendChoice(undefined)).toBe('auto');
    expect(() => parseBackendChoice('webgpu')).toThrow("unknown backend 'webgpu' - use one of: auto, wasm, js");
  });
});
