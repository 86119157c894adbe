// @ts-check
import { readFileSync } from 'node:fs';
import os from 'node:os';

/**
 * Where a result came from: absolute times only mean something next to this.
 * @returns {import('./types.js').Machine}
 */
export function machine() {
  let cpuModel = os.cpus()[0]?.model ?? 'unknown';
  try {
    // /proc/cpuinfo is what people quote; os.cpus() can be empty in containers.
    const line = readFileSync('/proc/cpuinfo', 'utf8').split('\n').find((l) => l.startsWith('model name'));
    if (line) cpuModel = line.split(':')[1].trim();
  } catch {
    // Not Linux: keep os.cpus().
  }
  const cpus = typeof os.availableParallelism === 'function' ? os.availableParallelism() : os.cpus().length;
  const allocator = process.env.GLIBC_TUNABLES ?? 'system default';
  return { cpus, cpuModel, node: process.version, platform: `${process.platform}-${process.arch}`, allocator };
}
