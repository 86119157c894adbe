import { afterEach, describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { splitBatches } from './kernels/matmul.js';
import { relaxedSimdSupported } from './loader.js';

/** The single-threaded build 'auto' picks: relaxed SIMD where the engine has it. */
const SINGLE_BUILD = relaxedSimdSupported() ? 'neurite-simd-relaxed.wasm' : 'neurite-simd.wasm';

const open: WasmBackend[] = [];
afterEach(() => {
  for (const b of open.splice(0)) b.dispose();
});

async function backend(options: Parameters<typeof createWasmBackend>[0]): Promise<WasmBackend> {
  const b = await createWasmBackend(options);
  open.push(b);
  return b;
}

interface Case {
  batch: [number, number];
  m: number;
  k: number;
  n: number;
  ta: boolean;
  tb: boolean;
}

/** C = op(A) op(B) on `backend` with deterministic non-integer inputs (so rounding, and the summation order, show). */
function matMul(backend: WasmBackend, c: Case): Float32Array {
  const { m, k, n, ta, tb } = c;
  const batch = Math.max(...c.batch);
  const a = Float32Array.from({ length: c.batch[0] * m * k }, (_, i) => Math.sin(i * 0.37) * 3.1);
  const b = Float32Array.from({ length: c.batch[1] * k * n }, (_, i) => Math.cos(i * 0.11) / 1.7);
  const pa = backend.alloc('float32', a.length);
  const pb = backend.alloc('float32', b.length);
  const po = backend.alloc('float32', batch * m * n);
  backend.write(pa, 'float32', a);
  backend.write(pb, 'float32', b);
  const info = (storage: number, shape: number[]) => ({ storage, shape, dtype: 'float32' as const, size: shape.reduce((x, y) => x * y, 1) });
  backend.kernels.matMul(
    [info(pa, [c.batch[0], ta ? k : m, ta ? m : k]), info(pb, [c.batch[1], tb ? n : k, tb ? k : n])],
    info(po, [batch, m, n]),
    { transposeA: ta, transposeB: tb },
  );
  const out = backend.read(po, 'float32', batch * m * n) as Float32Array;
  for (const p of [pa, pb, po]) backend.free(p);
  return out;
}

/** Index of the first element whose bits differ (or the lengths), -1 when equal bit for bit; cheaper than toEqual on large arrays. */
function firstDifference(x: Float32Array, y: Float32Array): number {
  const a = new Uint32Array(x.buffer, x.byteOffset, x.length);
  const b = new Uint32Array(y.buffer, y.byteOffset, y.length);
  if (a.length !== b.length) return Math.min(a.length, b.length);
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return i;
  return -1;
}

describe('threads', () => {
  it('gives each thread whole batches when there are enough', () => {
    expect(splitBatches(5, 7, 2)).toEqual([{ t0: 0, t1: 2, r0: 0, r1: 7 }, { t0: 2, t1: 5, r0: 0, r1: 7 }]);
    expect(splitBatches(2, 3, 2)).toEqual([{ t0: 0, t1: 1, r0: 0, r1: 3 }, { t0: 1, t1: 2, r0: 0, r1: 3 }]);
  });

  it('runs a large matMul on two threads bit for bit as on one', async () => {
    // The threaded build is plain SIMD (no relaxed madd): its single-threaded twin is relaxed: false.
    const one = await backend({ threads: 1, relaxed: false });
    const two = await backend({ threads: 2 });
    expect(two.threads).toBe(2);
    expect(two.features?.()).toMatchObject({ threads: 2, build: 'neurite-simd-threads.wasm' });
    const c: Case = { batch: [1, 1], m: 517, k: 600, n: 515, ta: false, tb: false };
    const expected = matMul(one, c);
    const actual = matMul(two, c);
    // Same kernel, same blocking, same order of summation per element: equal bits, not just close values.
    expect(firstDifference(actual, expected)).toBe(-1);
    expect(actual.some((v) => v !== 0)).toBe(true);
  });

  it('splits transposed and batched matMuls bit for bit as on one thread', async () => {
    const one = await backend({ threads: 1, relaxed: false });
    const two = await backend({ threads: 2, threadsMinWork: 0 });
    const cases: Case[] = [
      { batch: [1, 1], m: 131, k: 300, n: 19, ta: true, tb: false },
      { batch: [1, 1], m: 64, k: 513, n: 33, ta: false, tb: true },
      { batch: [3, 1], m: 9, k: 257, n: 40, ta: true, tb: true },
      { batch: [4, 4], m: 21, k: 7, n: 17, ta: false, tb: false },
      { batch: [2, 2], m: 260, k: 700, n: 90, ta: false, tb: false },
      // Fewer rows than one micro-kernel tile, fewer columns than threads have panels to pack.
      { batch: [1, 1], m: 3, k: 5, n: 7, ta: false, tb: false },
      { batch: [1, 1], m: 1, k: 600, n: 1, ta: true, tb: true },
    ];
    for (const c of cases) {
      const expected = matMul(one, c);
      expect(firstDifference(matMul(two, c), expected), JSON.stringify(c)).toBe(-1);
    }
  });

  it('keeps working after the heap grows (workers see the new memory)', async () => {
    const two = await backend({ threads: 2, threadsMinWork: 0 });
    const one = await backend({ threads: 1, relaxed: false });
    const before = two.memoryInfo().heapBytes;
    const big = two.alloc('float32', 16 * 2 ** 20); // 64 MiB: forces memory.grow
    expect(two.memoryInfo().heapBytes).toBeGreaterThan(before);
    const c: Case = { batch: [1, 1], m: 300, k: 200, n: 100, ta: false, tb: false };
    expect(firstDifference(matMul(two, c), matMul(one, c))).toBe(-1);
    two.free(big);
  });

  it("'auto' uses the cores there are, and 1 stays on the single-threaded build", async () => {
    const { availableParallelism } = await import('node:os');
    const auto = await backend({ threads: 'auto' });
    expect(auto.threads).toBe(availableParallelism());
    const single = await backend({});
    expect(single.threads).toBe(1);
    expect(single.features?.()).toMatchObject({ threads: 1, build: SINGLE_BUILD });
  });

  it('falls back to one thread with a reason when SIMD is off', async () => {
    const scalar = await backend({ threads: 2, simd: false });
    expect(scalar.threads).toBe(1);
    expect(scalar.features?.().threadsReason).toMatch(/SIMD/);
    expect(Array.from(matMul(scalar, { batch: [1, 1], m: 3, k: 2, n: 2, ta: false, tb: false })).length).toBe(6);
  });

  it('falls back to one thread with a reason where SharedArrayBuffer is missing', async () => {
    const { vi } = await import('vitest');
    vi.stubGlobal('SharedArrayBuffer', undefined);
    try {
      const b = await backend({ threads: 2 });
      expect(b.threads).toBe(1);
      expect(b.features?.()).toMatchObject({ threads: 1, build: SINGLE_BUILD });
      expect(b.features?.().threadsReason).toMatch(/SharedArrayBuffer is unavailable/);
    } finally {
      vi.unstubAllGlobals();
    }
  });

  it('rejects a thread count that is not a positive integer', async () => {
    await expect(createWasmBackend({ threads: 0 })).rejects.toThrow(/threads must be a positive integer/);
    await expect(createWasmBackend({ threads: 1.5 })).rejects.toThrow(/threads must be a positive integer/);
  });
});

describe('dispose', () => {
  it('ends the workers', async () => {
    const { instantiateThreaded } = await import('./loader.js');
    const { ThreadPool } = await import('./threads.js');
    const { module, memory, exports } = await instantiateThreaded();
    const pool = await ThreadPool.create(2, module, memory, exports);
    let ended = false;
    void pool.exited.then(() => (ended = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(ended).toBe(false);
    pool.dispose();
    await pool.exited;
    expect(ended).toBe(true);
    expect(() => pool.run([])).toThrow(/after dispose/);
  });

  it("is called by the backend's dispose()", async () => {
    const { vi } = await import('vitest');
    const { ThreadPool } = await import('./threads.js');
    const spy = vi.spyOn(ThreadPool.prototype, 'dispose');
    try {
      const b = await createWasmBackend({ threads: 2 });
      expect(spy).not.toHaveBeenCalled();
      b.dispose();
      expect(spy).toHaveBeenCalledTimes(1);
    } finally {
      spy.mockRestore();
    }
  });
});

/**
 * A shared matMul (Job.shared) where one thread's pointer to the shared packed
 * B lies past the end of memory, so that thread traps packing its share of B
 * while the other waits for it at the first barrier. Run in a child process on the built dist/: should the
 * barrier not be released, the waiting thread spins in wasm, which no test
 * timeout can interrupt, and only killing the process ends it.
 */
function sharedMatMulWithTrap(trapping: 'worker' | 'caller'): { status: number | null; signal: string | null; stdout: string; stderr: string } {
  const dist = (file: string) => JSON.stringify(new URL(`../dist/${file}`, import.meta.url).href);
  const script = `
    import { Job, ThreadPool } from ${dist('threads.js')};
    import { instantiateThreaded } from ${dist('loader.js')};
    const { exports: e, module, memory } = await instantiateThreaded();
    const pool = await ThreadPool.create(1, module, memory, e);
    const n = 64;
    const a = e.alloc(n * n * 4), b = e.alloc(n * n * 4), c = e.alloc(n * n * 4);
    const sync = e.alloc(16), pb = e.alloc(e.matMulPackedB(n));
    const scratch = [e.alloc(e.matMulSharedScratch()), e.alloc(e.matMulSharedScratch())];
    const job = (thread, packed) => [Job.shared, a, b, c, 1, n, n, n, 0, 0, 0, 0, sync, packed, scratch[thread], thread, 2, 1];
    const run = (bad) => {
      new Int32Array(memory.buffer, sync, 4).fill(0);
      const past = memory.buffer.byteLength + 65536;
      pool.run([job(0, bad === 'caller' ? past : pb), job(1, bad === 'worker' ? past : pb)]);
    };
    try {
      run(${JSON.stringify(trapping)});
      console.log('no error');
    } catch (err) {
      console.log('raised: ' + err.message);
    }
    // The pool still works afterwards.
    run(null);
    console.log('then ran');
    pool.dispose();
  `;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

describe('a thread that traps in a shared matMul', () => {
  for (const trapping of ['worker', 'caller'] as const) {
    it(`(the ${trapping}) releases the other from the barriers: the call raises, nothing hangs, the pool runs on`, () => {
      const r = sharedMatMulWithTrap(trapping);
      expect(r.signal, `killed after 60 s: a thread waited forever at a barrier\n${r.stdout}${r.stderr}`).toBeNull();
      expect(r.stdout, r.stderr).toContain('raised: wasm: matMul failed in a thread - the module trapped');
      expect(r.stdout).toContain('then ran');
      expect(r.status, r.stderr).toBe(0);
    });
  }
});
