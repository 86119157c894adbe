/** Runs the built CLI as a child process, the way people run it. */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const BIN = fileURLToPath(new URL('../../dist/bin.js', import.meta.url));

export function requireBuild(): void {
  if (!existsSync(BIN)) {
    throw new Error(`${BIN} is missing: these tests run the built CLI - build it first (npx turbo run build --filter=neurite...)`);
  }
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function start(args: string[], options: { env?: Record<string, string>; input?: string } = {}): { child: ChildProcess; done: Promise<RunResult> } {
  const env = { ...process.env, ...options.env };
  // Tests must not inherit a backend choice from the shell that runs them.
  if (!options.env?.NEURITE_BACKEND) delete env.NEURITE_BACKEND;
  const child = spawn(process.execPath, [BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  child.stdin!.end(options.input ?? '');
  const done = new Promise<RunResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return { child, done };
}

export function run(args: string[], options: { env?: Record<string, string>; input?: string } = {}): Promise<RunResult> {
  return start(args, options).done;
}

/** One line on stderr, exit code 2, nothing on stdout, no stack frame: how every bad input must end. */
export function expectUsageError(r: RunResult, pattern: RegExp): void {
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^neurite: /);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  expect(r.stdout).toBe('');
  expect(r.code, r.stderr).toBe(2);
}
