// Importing backend-js must not register anything either: only register() does.
import { createJsBackend } from '@neurite/backend-js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  BackendError,
  SPEC_VERSION,
  getBackend,
  listBackends,
  ones,
  memory,
  registerBackend,
  removeBackend,
  setBackend,
  type Backend,
} from './index.js';

/** A working backend (backend-js's kernels) under its own name. */
function fake(name: string, changes: Partial<Backend<any>> = {}): Backend<any> {
  return { ...createJsBackend(), name, ...changes };
}

const registered = new Set<string>();
function register(name: string, factory: () => Backend<any> | Promise<Backend<any>>, priority?: number): void {
  registerBackend(name, factory, priority === undefined ? {} : { priority });
  registered.add(name);
}

afterEach(() => {
  for (const name of registered) removeBackend(name);
  registered.clear();
});

describe('no registration by side effect', () => {
  // Runs first: nothing has been registered by this file yet, and importing core
  // and @neurite/backend-js above must not have registered anything.
  it('importing core and backend-js registers no backend', async () => {
    expect(await listBackends()).toEqual([]);
    expect(() => getBackend()).toThrow(BackendError);
  });
});

describe('registerBackend / setBackend / getBackend', () => {
  it('getBackend without an active backend is a BackendError with a hint', () => {
    expect(() => getBackend()).toThrow(BackendError);
    expect(() => getBackend()).toThrow(/no active backend - call registerBackend\(.*\) and await setBackend\('auto'\)/);
    // creating a tensor goes through the same check
    expect(() => ones([1])).toThrow(BackendError);
  });

  it('starts nothing until setBackend, then makes it active', async () => {
    const factory = vi.fn(() => fake('a'));
    register('a', factory);
    expect(factory).not.toHaveBeenCalled();
    expect(() => getBackend()).toThrow(BackendError);
    await expect(setBackend('a')).resolves.toBe('a');
    expect(getBackend().name).toBe('a');
    expect(ones([2]).backendName).toBe('a');
    await setBackend('a');
    expect(factory).toHaveBeenCalledTimes(1);
  });

  it('accepts an async factory', async () => {
    register('async', async () => {
      await new Promise((r) => setTimeout(r, 1));
      return fake('async');
    });
    await setBackend('async');
    expect(getBackend().name).toBe('async');
  });

  it('refuses duplicate and reserved names', () => {
    register('dup', () => fake('dup'));
    expect(() => registerBackend('dup', () => fake('dup'))).toThrow(BackendError);
    expect(() => registerBackend('dup', () => fake('dup'))).toThrow(/already registered - removeBackend\('dup'\)/);
    expect(() => registerBackend('auto', () => fake('auto'))).toThrow(BackendError);
    expect(() => registerBackend('', () => fake(''))).toThrow(BackendError);
  });

  it('setBackend with an unknown name lists what is registered', async () => {
    register('one', () => fake('one'));
    await expect(setBackend('two')).rejects.toThrow(BackendError);
    await expect(setBackend('two')).rejects.toThrow(/no backend named 'two' - registered: one/);
  });

  it('removeBackend disposes the instance and clears the active backend', async () => {
    const dispose = vi.fn();
    registerBackend('gone', () => fake('gone', { dispose }));
    await setBackend('gone');
    removeBackend('gone');
    expect(dispose).toHaveBeenCalledTimes(1);
    expect(() => getBackend()).toThrow(BackendError);
    expect(await listBackends()).toEqual([]);
    removeBackend('gone'); // no-op
  });
});

describe('memory() after removeBackend', () => {
  it('reports per registered backend, with reservedBytes when the backend gives them', async () => {
    register('heap', () => fake('heap', { memoryInfo: () => ({ reservedBytes: 4096 }) }));
    await setBackend('heap');
    const t = ones([3], 'int32');
    expect(memory().backends.heap).toEqual({ tensors: 1, bytes: 12, reservedBytes: 4096 });
    t.dispose();
    expect(memory().backends.heap).toEqual({ tensors: 0, bytes: 0, reservedBytes: 4096 });
  });

  // Leftovers of a removed backend are reported under '<name> (removed)', never as the new one's.
  it('a re-registered backend does not inherit the tensors of the removed one', async () => {
    register('a', () => fake('a'));
    await setBackend('a');
    const leftover = ones([2]);
    removeBackend('a');
    register('a', () => fake('a'));
    await setBackend('a');
    expect(leftover.isDisposed).toBe(false);
    expect(memory().backends.a?.tensors ?? 0).toBe(0);
    // Earlier tests in this file may have left tensors on other removed instances named 'a'.
    expect(memory().backends['a (removed)']?.tensors).toBeGreaterThanOrEqual(1);
    expect(() => leftover.dataSync()).toThrow(/which was removed/);
    leftover.dispose();
  });
});

describe('listBackends', () => {
  it('reports availability, priority order, the active backend, features and errors', async () => {
    register('low', () => fake('low', { features: () => ({ kind: 'test' }) }), 1);
    register('broken', () => {
      throw new Error('no wasm here');
    }, 5);
    register('high', () => fake('high'), 10);
    await setBackend('low');
    const list = await listBackends();
    expect(list.map((b) => b.name)).toEqual(['high', 'broken', 'low']);
    expect(list.map((b) => [b.available, b.active, b.priority])).toEqual([
      [true, false, 10],
      [false, false, 5],
      [true, true, 1],
    ]);
    expect(list[1].error).toMatch(/backend 'broken' failed to start: no wasm here/);
    expect(list[2].features).toEqual({ kind: 'test' });
    expect(list[0].error).toBeUndefined();
  });
});

describe("setBackend('auto')", () => {
  it('picks the highest priority backend', async () => {
    register('p1', () => fake('p1'), 1);
    register('p3', () => fake('p3'), 3);
    register('p2', () => fake('p2'), 2);
    await expect(setBackend('auto')).resolves.toBe('p3');
    expect(getBackend().name).toBe('p3');
  });

  it('skips a backend whose factory throws (sync or async) and takes the next', async () => {
    const top = vi.fn(() => {
      throw new Error('cannot start');
    });
    register('top', top, 10);
    register('rejects', () => Promise.reject(new Error('async failure')), 9);
    register('next', () => fake('next'), 5);
    register('last', () => fake('last'), 1);
    await expect(setBackend('auto')).resolves.toBe('next');
    expect(getBackend().name).toBe('next');
    // the failure is remembered, not retried on every call
    await setBackend('auto');
    expect(top).toHaveBeenCalledTimes(1);
    await expect(setBackend('top')).rejects.toThrow(/backend 'top' failed to start: cannot start/);
  });

  it('explains when nothing is registered and when nothing starts', async () => {
    await expect(setBackend('auto')).rejects.toThrow(BackendError);
    await expect(setBackend('auto')).rejects.toThrow(/no backend is registered - registerBackend\('js'/);
    register('x', () => {
      throw new Error('x is broken');
    });
    await expect(setBackend('auto')).rejects.toThrow(/no registered backend could start \(backend 'x' failed to start: x is broken\)/);
  });
});

describe('validation', () => {
  it('refuses a backend missing a kernel and names it', async () => {
    const b = createJsBackend();
    register('partial', () => fake('partial', { kernels: { ...b.kernels, matMul: undefined, gather: undefined } as any }));
    await expect(setBackend('partial')).rejects.toThrow(BackendError);
    await expect(setBackend('partial')).rejects.toThrow(/backend 'partial' is missing kernels: matMul, gather/);
    expect(() => getBackend()).toThrow(BackendError);
  });

  it('refuses a backend written against another spec version and names both', async () => {
    register('old', () => fake('old', { specVersion: SPEC_VERSION + 1 }));
    const failure = setBackend('old');
    await expect(failure).rejects.toThrow(BackendError);
    await expect(setBackend('old')).rejects.toThrow(
      new RegExp(`backend 'old' implements kernel spec ${SPEC_VERSION + 1} but this @neurite/core expects ${SPEC_VERSION}`),
    );
  });

  it('refuses a backend that cannot store int32', async () => {
    register('floaty', () => fake('floaty', { dtypes: ['float32'] }));
    await expect(setBackend('floaty')).rejects.toThrow(/backend 'floaty' does not store int32/);
  });

  it("'auto' passes over an invalid backend to a valid one", async () => {
    register('bad', () => fake('bad', { specVersion: -1 }), 100);
    register('good', () => fake('good'), 0);
    await expect(setBackend('auto')).resolves.toBe('good');
    const list = await listBackends();
    expect(list.find((b) => b.name === 'bad')).toMatchObject({ available: false, error: expect.stringMatching(/kernel spec -1/) });
  });
});
