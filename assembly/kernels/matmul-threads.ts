import { KC, MC, MR, NR, micro, packA, packB, packedABytes, packedBBytes } from './matmul';

/*
 * One float32 matMul computed by `threads` instances at once over shared
 * memory (SIMD threaded build only). Per K block the threads pack op(B)
 * together into one shared buffer (each a share of the 8-column panels), meet
 * at a barrier, then claim bands of rows from a shared counter until none are
 * left, each packing its own A band, and meet again before B is repacked.
 * Bands shrink as the work runs out (guided scheduling), so a thread slowed by
 * other load on the machine takes fewer of them instead of holding everyone
 * up. Every output element is summed exactly as in the single-threaded
 * kernel: same blocking, same micro-kernel.
 *
 * sync: four i32 zeroed by the caller (row counter, threads arrived at the
 * barrier, barrier generation, aborted). scratch: this thread's packed A band
 * and edge tile (`matMulSharedScratch()` bytes). pb: the shared packed B
 * (`matMulPackedB(n)`).
 *
 * A thread that traps never reaches the next barrier. Whoever catches the
 * trap (the worker's loop, or ThreadPool.run on the calling thread) sets
 * ABORTED and bumps GENERATION: every barrier then lets its threads through
 * at once and no more rows are claimed, so the others return (with C
 * unfinished, and the call raises) instead of waiting forever.
 */
const COUNTER = 0;
const ARRIVED = 4;
const GENERATION = 8;
const ABORTED = 12;
/** Spins before sleeping in a barrier: the others are usually only microseconds behind. */
const SPINS = 20000;

export function matMulPackedB(n: i32): usize {
  return packedBBytes(n, NR);
}

export function matMulSharedScratch(): usize {
  return packedABytes(MR) + MR * NR * 4;
}

/** All `threads` arrive before any leaves; the last to arrive resets the row counter. `canWait` is false on a browser's main thread, which may not block. */
function barrier(sync: usize, threads: i32, canWait: bool): void {
  if (!ASC_FEATURE_THREADS) return;
  if (atomic.load<i32>(sync, ABORTED) != 0) return;
  const generation = atomic.load<i32>(sync, GENERATION);
  if (atomic.add<i32>(sync + ARRIVED, 1) == threads - 1) {
    atomic.store<i32>(sync + COUNTER, 0);
    atomic.store<i32>(sync + ARRIVED, 0);
    atomic.store<i32>(sync + GENERATION, generation + 1);
    atomic.notify(sync + GENERATION);
    return;
  }
  for (let spin = 0; atomic.load<i32>(sync, GENERATION) == generation && atomic.load<i32>(sync, ABORTED) == 0; spin++) {
    if (canWait && spin > SPINS) atomic.wait<i32>(sync + GENERATION, generation);
  }
}

/** Rows in the band that starts at `start`: half an even share of what is left, whole micro-kernel tiles, at most one cache block. */
function bandSize(m: i32, start: i32, threads: i32): i32 {
  const share = (m - start + 2 * threads - 1) / (2 * threads);
  return min(m - start, min(MC, (share + MR - 1) / MR * MR));
}

/** Claims the next band of rows and returns its first row, or -1 when none are left. */
function takeRows(sync: usize, m: i32, threads: i32): i32 {
  if (!ASC_FEATURE_THREADS || atomic.load<i32>(sync, ABORTED) != 0) return -1;
  let start = atomic.load<i32>(sync, COUNTER);
  while (start < m) {
    const seen = atomic.cmpxchg<i32>(sync + COUNTER, start, start + bandSize(m, start, threads));
    if (seen == start) return start;
    start = seen;
  }
  return -1;
}

export function matMulShared(a: usize, b: usize, c: usize, batch: i32, m: i32, n: i32, k: i32, aBatch: i32, bBatch: i32, transposeA: bool, transposeB: bool, sync: usize, pb: usize, scratch: usize, thread: i32, threads: i32, canWait: bool): void {
  if (!ASC_FEATURE_SIMD || !ASC_FEATURE_THREADS) return;
  const ars = transposeA ? 1 : k, acs = transposeA ? m : 1;
  const brs = transposeB ? 1 : n, bcs = transposeB ? k : 1;
  const pa = scratch;
  const edge = pa + packedABytes(MR);
  const panels = (n + NR - 1) / NR;
  const p0 = panels * thread / threads, p1 = panels * (thread + 1) / threads;
  const c0 = p0 * NR, c1 = min(n, p1 * NR);
  for (let t = 0; t < batch; t++) {
    const ao = t * aBatch, bo = t * bBatch;
    const co = c + (<usize>t * m * n << 2);
    for (let pc = 0; pc < k; pc += KC) {
      const kc = min(KC, k - pc);
      if (c1 > c0) packB(b, pb + (<usize>p0 * NR * kc << 2), bo + pc * brs + c0 * bcs, c1 - c0, kc, bcs, brs, NR);
      barrier(sync, threads, canWait);
      for (let ic = takeRows(sync, m, threads); ic >= 0; ic = takeRows(sync, m, threads)) {
        const mc = bandSize(m, ic, threads);
        packA(a, pa, ao + ic * ars + pc * acs, mc, kc, ars, acs, MR);
        for (let jr = 0; jr < n; jr += NR) {
          const bp = pb + (<usize>(jr / NR) * NR * kc << 2);
          for (let ir = 0; ir < mc; ir += MR) {
            micro(kc, pa + (<usize>(ir / MR) * MR * kc << 2), bp, co + ((<usize>(ic + ir) * n + jr) << 2), n, min(MR, mc - ir), min(NR, n - jr), pc > 0, edge);
          }
        }
      }
      barrier(sync, threads, canWait);
    }
  }
}
