/**
 * The harness of the crash-safety suites: runs a Node script that writes in
 * a loop, printing `saved N` after each write returns, and kills it with
 * SIGKILL a given time after it prints its ready line, so the kill lands at a
 * random point of some write. Node only (node:child_process is imported on
 * call, so the rest of @neurite/core/testing stays importable anywhere).
 */
export interface KillDuringOptions {
  /** The writer script and its arguments. */
  script: string;
  args: readonly string[];
  /** Milliseconds between the ready line and SIGKILL. */
  delayMs: number;
  /** The line the script prints once it is about to write (default 'ready'). */
  readyLine?: string;
}

/** Resolves with the N of the last `saved N` line the writer printed (undefined if none); rejects if it ended by itself. */
export async function killDuring(o: KillDuringOptions): Promise<number | undefined> {
  const { spawn } = await import('node:child_process');
  const ready = o.readyLine ?? 'ready';
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [o.script, ...o.args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let armed = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (!armed && out.split('\n').includes(ready)) {
        armed = true;
        setTimeout(() => child.kill('SIGKILL'), o.delayMs);
      }
    });
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (signal !== 'SIGKILL') return reject(new Error(`${o.script} ended without being killed (code ${code}): ${err.slice(0, 500)}`));
      resolve([...out.matchAll(/^saved (\d+)$/gm)].map((m) => Number(m[1])).at(-1));
    });
  });
}
