/*
 * What one core can give a float32 matMul through WebAssembly SIMD: a
 * matMul micro-kernel (f32x4 multiplies and adds, no fused multiply-add) on
 * panels that stay in the L1 cache, so that no memory traffic, packing or
 * edge handling slows it. Two tile shapes that fit the 16 xmm registers V8
 * allocates from (larger tiles spill and run slower). bench/ times them in
 * the matMul suite: the ceiling every wasm SIMD matMul is held against.
 * Built by this package's build (asc) into dist/peak.wasm.
 */

/** Steps of the inner product per panel: the A and B panels take 12-20 KiB, well inside L1. */
const KC = 256;

/** Floating-point operations of one pass of a tile over its panel: rows × columns × KC × (1 multiply + 1 add). */
export function flopsPerRepeat(rows: i32, columns: i32): f64 {
  return <f64>rows * columns * KC * 2;
}

/** A 4×8 tile: 4 broadcast elements of A times 2 vectors of B into 8 accumulators, over one panel, `repeats` times. */
export function tile4x8(repeats: i32): f32 {
  const a = memory.data(KC * 4 * 4, 16);
  const b = memory.data(KC * 8 * 4, 16);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0);
  let c20 = f32x4.splat(0), c21 = f32x4.splat(0);
  let c30 = f32x4.splat(0), c31 = f32x4.splat(0);
  for (let r = 0; r < repeats; r++) {
    for (let p = 0; p < KC; p++) {
      const pa = a + <usize>(p * 16);
      const pb = b + <usize>(p * 32);
      const b0 = v128.load(pb, 0);
      const b1 = v128.load(pb, 16);
      const a0 = v128.load32_splat(pa, 0);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0));
      c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      const a1 = v128.load32_splat(pa, 4);
      c10 = f32x4.add(c10, f32x4.mul(a1, b0));
      c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      const a2 = v128.load32_splat(pa, 8);
      c20 = f32x4.add(c20, f32x4.mul(a2, b0));
      c21 = f32x4.add(c21, f32x4.mul(a2, b1));
      const a3 = v128.load32_splat(pa, 12);
      c30 = f32x4.add(c30, f32x4.mul(a3, b0));
      c31 = f32x4.add(c31, f32x4.mul(a3, b1));
    }
  }
  return f32x4.extract_lane(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(c00, c01), c10), c11), c20), c21), c30), c31), 0);
}

/** A 2×16 tile: 2 broadcast elements of A times 4 vectors of B into 8 accumulators, over one panel, `repeats` times. */
export function tile2x16(repeats: i32): f32 {
  const a = memory.data(KC * 2 * 4, 16);
  const b = memory.data(KC * 16 * 4, 16);
  let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c02 = f32x4.splat(0), c03 = f32x4.splat(0);
  let c10 = f32x4.splat(0), c11 = f32x4.splat(0), c12 = f32x4.splat(0), c13 = f32x4.splat(0);
  for (let r = 0; r < repeats; r++) {
    for (let p = 0; p < KC; p++) {
      const pa = a + <usize>(p * 8);
      const pb = b + <usize>(p * 64);
      const b0 = v128.load(pb, 0);
      const b1 = v128.load(pb, 16);
      const b2 = v128.load(pb, 32);
      const b3 = v128.load(pb, 48);
      const a0 = v128.load32_splat(pa, 0);
      c00 = f32x4.add(c00, f32x4.mul(a0, b0));
      c01 = f32x4.add(c01, f32x4.mul(a0, b1));
      c02 = f32x4.add(c02, f32x4.mul(a0, b2));
      c03 = f32x4.add(c03, f32x4.mul(a0, b3));
      const a1 = v128.load32_splat(pa, 4);
      c10 = f32x4.add(c10, f32x4.mul(a1, b0));
      c11 = f32x4.add(c11, f32x4.mul(a1, b1));
      c12 = f32x4.add(c12, f32x4.mul(a1, b2));
      c13 = f32x4.add(c13, f32x4.mul(a1, b3));
    }
  }
  return f32x4.extract_lane(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(f32x4.add(c00, c01), c02), c03), c10), c11), c12), c13), 0);
}
