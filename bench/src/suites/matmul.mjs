// @ts-check

/**
 * tfjs-cpu's matMul runs at ~1 GFLOP/s: one 1024 product takes ~2 s, so timing
 * it there would cost more than the whole gate may take. At 1024 it computes
 * the reference once for the agreement check and is not timed.
 * @param {number} n
 */
const untimedAt = (n) => (n >= 1024 ? ['tfjs-cpu'] : []);
/**
 * js (~0.5-1 s) and wasm-scalar (~0.3-0.6 s) at 1024 would take a quarter of
 * the gate's two minutes: the gate checks them at 512 and below, full runs time them.
 * @param {number} n
 */
const untimedShortAt = (n) => (n >= 1024 ? ['js', 'wasm-scalar'] : []);

/**
 * The ceiling: a matMul micro-kernel on L1-resident panels (bench/probe/peak.ts,
 * built into dist/peak.wasm), in the engine wasm-simd runs on. No matMul made of
 * f32x4 multiplies and adds can run faster on this core, so the 1024 rows read
 * as shares of it: at 100% of the ceiling, wasm-simd/tfjs-wasm could reach at
 * most this row ÷ tfjs-wasm's 1024 row.
 * @param {number} rows
 * @param {number} columns
 * @returns {import('../types.js').Case}
 */
const ceiling = (rows, columns) => ({
  id: `ceiling-${rows}x${columns}`,
  label: `ceiling: ${rows}×${columns} f32x4 micro-kernel on L1-resident panels (no matMul of f32x4 multiply + add beats it)`,
  work: 0,
  tolerance: 0,
  contenders: ['wasm-simd'],
  async prepare() {
    const { readFile } = await import('node:fs/promises');
    const bytes = await readFile(new URL('../../dist/peak.wasm', import.meta.url)).catch(() => {
      throw new Error('bench/dist/peak.wasm is missing - build it: npm run build -w @neurite/bench');
    });
    const probe = /** @type {{ flopsPerRepeat(r: number, c: number): number } & Record<string, (repeats: number) => number>} */ (
      (await /** @type {any} */ (globalThis).WebAssembly.instantiate(bytes, { env: { abort() {} } })).instance.exports
    );
    const kernel = probe[`tile${rows}x${columns}`];
    // About 0.1 ms a call, like the 128 product.
    const repeats = 300;
    return {
      output: Float32Array.of(kernel(1)),
      run: () => kernel(repeats),
      work: probe.flopsPerRepeat(rows, columns) * repeats,
      dispose() {},
    };
  },
});

/**
 * Square matMul: compute-bound, the op that dominates dense and conv layers.
 * 128 fits in L2, 512 and 1024 do not, so together they show blocking at work.
 * Every call multiplies the same two tensors (steady state, as in inference).
 * tfjs-wasm caches its XNNPACK operator, with B packed, per B tensor, so it packs
 * B once here; with a fresh B each call it measured ~10% slower on this machine.
 * @param {number} n
 * @returns {import('../types.js').Case}
 */
const square = (n) => ({
  id: String(n),
  label: `${n}×${n} · ${n}×${n}`,
  inputs: [
    [n, n],
    [n, n],
  ],
  work: 2 * n ** 3,
  // float32 accumulation in a different order than the reference.
  tolerance: 1e-4,
  untimed: untimedAt(n),
  untimedShort: untimedShortAt(n),
  run: (lib, [a, b]) => lib.matMul(a, b),
});

/**
 * The square products, then the ceiling they are held against.
 * @type {import('../types.js').Suite}
 */
export default {
  name: 'matMul',
  unit: 'GFLOP/s',
  cases: [
    ...[128, 256, 512, 1024].map(square),
    ceiling(4, 8),
    ceiling(2, 16),
  ],
};
