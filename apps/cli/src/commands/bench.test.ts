/**
 * `neurite bench` runs the suites of the @neurite/bench package installed with
 * the CLI, never a bench/ folder of the directory it is run from: that folder
 * here leaves a marker file if anything imports or runs it.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { BIN, expectUsageError, requireBuild, type RunResult } from '../test-support/run.js';

const REPO_MODULES = fileURLToPath(new URL('../../../../node_modules/', import.meta.url));

let root: string;
let cwd: string;
let marker: string;
let installedBin: string;

function runIn(dir: string, bin: string, args: string[]): Promise<RunResult> {
  const env = { ...process.env };
  delete env.NEURITE_BACKEND;
  const child = spawn(process.execPath, [bin, ...args], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  return new Promise((done, fail) => child.on('error', fail).on('close', (code, signal) => done({ code, signal, stdout, stderr })));
}

beforeAll(() => {
  requireBuild();
  root = mkdtempSync(join(tmpdir(), 'neurite-bench-'));
  marker = join(root, 'hostile-code-ran');
  // A working directory holding a bench/ that passes for the real one: same package name, same files.
  cwd = join(root, 'cwd');
  const src = join(cwd, 'bench', 'src');
  mkdirSync(join(src, 'suites'), { recursive: true });
  const payload = `import { writeFileSync } from 'node:fs';\nwriteFileSync(${JSON.stringify(marker)}, 'ran');\nexport const SUITES = [{ name: 'matMul' }];\n`;
  writeFileSync(join(src, 'cli.mjs'), payload);
  writeFileSync(join(src, 'suites', 'index.mjs'), payload);
  writeFileSync(join(cwd, 'bench', 'package.json'), JSON.stringify({ name: '@neurite/bench', type: 'module' }));
  // The CLI as npm installs it outside a checkout: its own dist, its dependencies beside it, no @neurite/bench.
  const modules = join(root, 'install', 'node_modules');
  const pkg = join(modules, 'neurite');
  const manifest = JSON.parse(readFileSync(join(dirname(BIN), '..', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  cpSync(dirname(BIN), join(pkg, 'dist'), { recursive: true });
  writeFileSync(join(pkg, 'package.json'), JSON.stringify(manifest));
  mkdirSync(join(modules, '@neurite'));
  for (const dep of Object.keys(manifest.dependencies)) symlinkSync(join(REPO_MODULES, dep), join(modules, dep), 'dir');
  installedBin = join(pkg, 'dist', 'bin.js');
});
afterAll(() => root && rmSync(root, { recursive: true, force: true }));
// Each test starts without the marker, so one that ran the stranger's code cannot fail the next.
beforeEach(() => rmSync(marker, { force: true }));

describe('neurite bench and the bench/ of the working directory', () => {
  it('installed outside a checkout: exit 2 saying where bench runs, and nothing of ./bench runs', async () => {
    expect(existsSync(join(root, 'install', 'node_modules', '@neurite', 'core'))).toBe(true);
    for (const args of [['bench', '--suite', 'matMul'], ['bench', '--short']]) {
      expectUsageError(await runIn(cwd, installedBin, args), /bench runs the suites of a Neurite repository checkout, and this neurite is not installed in one/);
      expect(existsSync(marker), `neurite ${args.join(' ')} ran ./bench`).toBe(false);
    }
  });

  it('in a checkout: the workspace package, whatever the working directory holds', async () => {
    const r = await runIn(cwd, BIN, ['bench', '--suite', 'no-such-suite']);
    // The real package's suites, not the one the stranger's index lists.
    expectUsageError(r, /unknown bench suite 'no-such-suite' - the suites are: matMul, elementwise, reduction/);
    expect(existsSync(marker)).toBe(false);
  });
});
