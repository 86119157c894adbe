// @ts-check
import { spawnSync } from 'node:child_process';

/**
 * Keep freed blocks below 64 MB in the heap (no mmap per tensor) and never
 * trim the heap back to the OS below 1 GB.
 */
export const TUNABLES = 'glibc.malloc.mmap_threshold=67108864:glibc.malloc.trim_threshold=1073741824';

/**
 * Re-runs this process once with glibc's allocator told to keep freed memory.
 *
 * Why: every op allocates its output, and by default glibc serves blocks of
 * 128 KB and more with a fresh mmap and unmaps them on free, so each call
 * pays a page fault per 4 KB written. On sandboxed CI machines a fault costs
 * ~10 µs: allocating and filling one 4 MB output measured 12-20 ms instead of
 * 1.1 ms, flipping between the two at random, which made the 1M-element
 * ratios noise. Both contenders run in this one process, so the setting is
 * the same for both; it takes the OS out of a kernel comparison.
 *
 * Returns when the allocator is already set up (or not glibc Linux);
 * otherwise exits with the status of the re-run.
 */
export function ensureStableAllocator() {
  const current = process.env.GLIBC_TUNABLES ?? '';
  if (process.platform !== 'linux' || current.includes('glibc.malloc.mmap_threshold')) return;
  const env = { ...process.env, GLIBC_TUNABLES: current ? `${current}:${TUNABLES}` : TUNABLES };
  const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { stdio: 'inherit', env });
  process.exit(child.status ?? 1);
}
