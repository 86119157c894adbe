import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as nt from '@neurite/core';
import { BackendError, type KernelTable, type TensorInfo } from '@neurite/core';
import { describeConformance } from '@neurite/core/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { createWasmBackend, type WasmBackend } from './backend.js';
import { CANARY, GUARD_BYTES, withBoundsGuard } from './debug-guard.js';

/**
 * The debug build (asc --debug, assertions kept: the TLSF allocator checks its
 * block headers on every alloc and free) under the canary guard. Built by the
 * package's `npm run build` (asbuild:debug); missing means the build did not run.
 */
const DEBUG_WASM = fileURLToPath(new URL('../dist/neurite-debug.wasm', import.meta.url));

async function debugBackend(): Promise<WasmBackend> {
  if (!existsSync(DEBUG_WASM)) {
    throw new Error(`${DEBUG_WASM} is missing - run 'npm run build -w @neurite/backend-wasm' (its asbuild:debug step builds it)`);
  }
  return createWasmBackend({ wasm: DEBUG_WASM, simd: true });
}

describeConformance({
  backend: 'wasm-debug-guarded',
  // checkAllLive: every kernel call also re-checks every live block, so a stray write far from its operands is caught too.
  factory: async () => withBoundsGuard(await debugBackend(), { checkAllLive: true }),
});

type Info = TensorInfo<number>;
const grow = (x: Info, by: number): Info => ({ ...x, size: x.size + by, shape: [x.size + by] });

/** A backend whose kernel table has one deliberately wrong adapter; everything else is the real debug backend. */
function withFaultyKernel(inner: WasmBackend, patch: Partial<KernelTable<number>>): WasmBackend {
  return Object.assign(Object.create(inner) as WasmBackend, { kernels: { ...inner.kernels, ...patch } });
}

function upload(b: WasmBackend, values: number[]): number {
  const p = b.alloc('float32', values.length);
  b.write(p, 'float32', Float32Array.from(values));
  return p;
}

const info = (storage: number, size: number): Info => ({ storage, shape: [size], dtype: 'float32', size });

describe('withBoundsGuard catches kernels that write outside their buffers', () => {
  it('passes a correct kernel and keeps its values', async () => {
    const b = withBoundsGuard(await debugBackend());
    const x = upload(b, [1, -2, 3]);
    const y = b.alloc('float32', 3);
    b.kernels.neg([info(x, 3)], info(y, 3), {});
    expect(Array.from(b.read(y, 'float32', 3))).toEqual([-1, 2, -3]);
    b.free(x);
    b.free(y);
  });

  it('names the kernel, the tensor and the offset when a wasm kernel writes one element past its output', async () => {
    const inner = await debugBackend();
    // Off by one: the adapter passes n + 1 to the real wasm kernel.
    const b = withBoundsGuard(withFaultyKernel(inner, { neg: ([x], out, attrs) => inner.kernels.neg([grow(x, 1)], grow(out, 1), attrs) }));
    const x = upload(b, [1, 2, 3, 4]);
    const y = b.alloc('float32', 4);
    let error: unknown;
    try {
      b.kernels.neg([info(x, 4)], info(y, 4), {});
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BackendError);
    expect((error as Error).message).toBe(
      `neg: wrote outside its buffers - out (float32 [4], 16 bytes at ${y}) has its guard changed at byte 16, 0 bytes past its end ` +
        `(canary 0x7ff8dead became 0xfff8dead) - check the sizes and pointers the kernel adapter passes`,
    );
    // The canary was re-armed, so the fault is reported once: free (which re-checks) passes.
    b.free(x);
    b.free(y);
  });

  it('catches a write before the start of the output (an adapter given a shifted pointer)', async () => {
    const inner = await debugBackend();
    const b = withBoundsGuard(withFaultyKernel(inner, { relu: ([x], out, attrs) => inner.kernels.relu([x], { ...out, storage: out.storage - 8 }, attrs) }));
    const x = upload(b, [-1, -2, 3, 4]);
    const y = b.alloc('float32', 4);
    // The nearest changed word is reported: relu(-2) = 0 landed 4 bytes before the output.
    expect(() => b.kernels.relu([info(x, 4)], info(y, 4), {})).toThrow(
      /^relu: wrote outside its buffers - out \(float32 \[4\], 16 bytes at \d+\) has its guard changed at 4 bytes before its start \(canary 0x7ff8dead became 0x00000000\)/,
    );
    b.free(x);
    b.free(y);
  });

  it('catches a faulty matMul adapter through core ops (output pointer off by one element)', async () => {
    const inner = await debugBackend();
    const faulty = withFaultyKernel(inner, { matMul: (inputs, out, attrs) => inner.kernels.matMul(inputs, { ...out, storage: out.storage + 4 }, attrs) });
    nt.registerBackend('wasm-faulty', () => withBoundsGuard(faulty));
    await nt.setBackend('wasm-faulty');
    const a = nt.tensor([[1, 2], [3, 4]]);
    const b = nt.tensor([[1, 0], [0, 1]]);
    expect(() => nt.matMul(a, b)).toThrow(/^matMul: wrote outside its buffers - out \(float32 \[1,2,2\]/);
    nt.dispose([a, b]);
  });

  it('rejects freed storage, double frees and oversized reads and writes', async () => {
    const b = withBoundsGuard(await debugBackend());
    const x = upload(b, [1, 2]);
    expect(() => b.write(x, 'float32', new Float32Array(3))).toThrow(/^write: 3 x float32 does not fit the block \(float32 x 2, 8 bytes at \d+\)/);
    expect(() => b.read(x, 'float64', 2)).toThrow(BackendError);
    const y = b.alloc('float32', 2);
    b.free(x);
    expect(() => b.kernels.neg([info(x, 2)], info(y, 2), {})).toThrow(/^neg: inputs\[0\] \(float32 \[2\]\) has storage \d+, which is not a live block of this backend - used after free/);
    expect(() => b.free(x)).toThrow(/^free: storage \d+ is not a live block of this backend - freed twice\?/);
    b.free(y);
  });

  it('leaves canaries that poison reads past the end (a read-only overrun shows as NaN, not as a plausible number)', async () => {
    const inner = await debugBackend();
    const b = withBoundsGuard(withFaultyKernel(inner, { sum: ([x], out, attrs) => inner.kernels.sum([x], out, { reduceSize: attrs.reduceSize + 1 }) }));
    const x = upload(b, [1, 2, 3]);
    const s = b.alloc('float32', 1);
    b.kernels.sum([info(x, 3)], info(s, 1), { reduceSize: 3 });
    expect(b.read(s, 'float32', 1)[0]).toBeNaN();
    expect(new Float64Array(new Int32Array([CANARY, CANARY]).buffer)[0]).toBeNaN();
    expect(GUARD_BYTES % 16).toBe(0);
    b.free(x);
    b.free(s);
  });

  afterEach(() => nt.removeBackend('wasm-faulty'));
});

describe('the debug build', () => {
  it("keeps the allocator's assertions: an overrun that zeroes the next block's header aborts instead of corrupting the heap", async () => {
    const b = await debugBackend();
    const x = b.alloc('float32', 4);
    const y = b.alloc('float32', 4);
    const z = b.alloc('float32', 4);
    // Unguarded on purpose: 16 bytes past x's end lie over y's TLSF header (the release build, -O3 --noAssert, carries on silently).
    b.write(x, 'float32', new Float32Array([1, 2, 3, 4, 0, 0, 0, 0]));
    expect(() => {
      b.free(y);
      b.free(x);
      b.free(z);
    }).toThrow(/tlsf\.ts:\d+:\d+/);
  });
});
