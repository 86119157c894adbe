#!/usr/bin/env node
// Makes sure the repo-local Python environment with the pinned Flower exists
// (.venv-flower/ at the repo root), so the Flower tests run against the real
// SuperLink. Prints ONE line. Exit codes, so a test can tell "skip" from "broken":
//   0 ready · 3 no Python >= 3.11 · 4 venv or pip missing · 5 pip install failed
// `--json` prints {"ok":true,"venv","python","bin"} or {"ok":false,"code","reason"}.
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repoRoot = resolve(here, '../../..');
const requirementsPath = resolve(here, '../requirements-flower.txt');
const venv = join(repoRoot, '.venv-flower');
const windows = process.platform === 'win32';
const binDir = join(venv, windows ? 'Scripts' : 'bin');
const venvPython = join(binDir, windows ? 'python.exe' : 'python');
const marker = join(venv, '.neurite-requirements.sha256');
const lockDir = `${venv}.lock`;
const MIN_PYTHON = [3, 11]; // flwr 1.42.0 declares Requires-Python >=3.11

class Failure extends Error {
  constructor(code, reason) {
    super(reason);
    this.code = code;
  }
}

function run(cmd, args, timeoutMs = 600_000) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: timeoutMs, env: { ...process.env, PIP_DISABLE_PIP_VERSION_CHECK: '1' } });
  return { ok: r.status === 0 && !r.error, status: r.status, error: r.error, out: `${r.stdout ?? ''}${r.stderr ?? ''}` };
}

function lastLine(text) {
  return text.trim().split('\n').filter(Boolean).pop() ?? '';
}

function findPython() {
  const candidates = process.env.NEURITE_PYTHON ? [process.env.NEURITE_PYTHON] : windows ? ['python', 'py'] : ['python3', 'python'];
  const tried = [];
  for (const cmd of candidates) {
    const r = run(cmd, ['-c', 'import sys; print("%d.%d" % sys.version_info[:2])'], 30_000);
    if (!r.ok) continue;
    const [major, minor] = r.out.trim().split('.').map(Number);
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return { cmd, version: `${major}.${minor}` };
    tried.push(`${cmd} is ${major}.${minor}`);
  }
  const found = tried.length ? ` (${tried.join(', ')})` : ` (${candidates.join(', ')}: not found)`;
  throw new Failure(3, `Flower tests skipped: they need Python >= ${MIN_PYTHON.join('.')}${found}; install it (e.g. apt-get install python3 python3-venv) or set NEURITE_PYTHON`);
}

// The installed set is identified by the requirements text and the interpreter
// version, so editing a pin or upgrading Python rebuilds the environment.
function wantedHash(pythonVersion) {
  return createHash('sha256').update(readFileSync(requirementsPath)).update(`\npython ${pythonVersion}\n`).digest('hex');
}

function pinnedFlwrVersion() {
  const m = /^flwr==(\S+)/m.exec(readFileSync(requirementsPath, 'utf8'));
  return m ? m[1] : undefined;
}

// Reading dist-info names is instant, unlike importing flwr in a new Python.
function installedFlwrVersion() {
  const libs = windows ? [join(venv, 'Lib')] : [join(venv, 'lib')];
  for (const lib of libs) {
    if (!existsSync(lib)) continue;
    for (const py of readdirSync(lib)) {
      const site = windows ? join(lib, 'site-packages') : join(lib, py, 'site-packages');
      if (!existsSync(site)) continue;
      const dist = readdirSync(site).find((d) => /^flwr-[^-]+\.dist-info$/.test(d));
      if (dist) return dist.slice('flwr-'.length, -'.dist-info'.length);
    }
  }
  return undefined;
}

function isReady(hash) {
  return existsSync(venvPython) && existsSync(marker) && readFileSync(marker, 'utf8').trim() === hash && installedFlwrVersion() === pinnedFlwrVersion();
}

// Two test processes may start at once; only one may build the venv.
function withLock(fn) {
  const deadline = Date.now() + 15 * 60_000;
  for (;;) {
    try {
      mkdirSync(lockDir);
      break;
    } catch (err) {
      if (err.code !== 'EEXIST') throw err;
      // A lock older than the longest install is left by a killed run.
      if (Date.now() - statSync(lockDir).mtimeMs > 15 * 60_000) rmSync(lockDir, { recursive: true, force: true });
      if (Date.now() > deadline) throw new Failure(5, `Flower setup: ${lockDir} is held by another process; remove it if no install is running`);
      spawnSync(process.execPath, ['-e', 'setTimeout(()=>{},500)']);
    }
  }
  try {
    return fn();
  } finally {
    rmSync(lockDir, { recursive: true, force: true });
  }
}

function build(python, hash) {
  rmSync(venv, { recursive: true, force: true });
  const created = run(python.cmd, ['-m', 'venv', venv]);
  if (!created.ok || !existsSync(venvPython)) {
    rmSync(venv, { recursive: true, force: true });
    throw new Failure(4, `Flower tests skipped: '${python.cmd} -m venv' failed (${lastLine(created.out) || created.error?.message}); install the venv module (e.g. apt-get install python3-venv)`);
  }
  const pip = run(venvPython, ['-m', 'pip', '--version']);
  if (!pip.ok) {
    rmSync(venv, { recursive: true, force: true });
    throw new Failure(4, `Flower tests skipped: pip is missing in the new venv (${lastLine(pip.out)}); install pip (e.g. apt-get install python3-pip python3-venv)`);
  }
  const installed = run(venvPython, ['-m', 'pip', 'install', '--quiet', '--no-input', '-r', requirementsPath]);
  if (!installed.ok) {
    throw new Failure(5, `Flower setup failed: pip install -r ${requirementsPath} exited ${installed.status}: ${lastLine(installed.out)}`);
  }
  if (installedFlwrVersion() !== pinnedFlwrVersion()) {
    throw new Failure(5, `Flower setup failed: pip installed flwr ${installedFlwrVersion()} but the requirements pin ${pinnedFlwrVersion()}`);
  }
  writeFileSync(marker, `${hash}\n`);
}

export function ensureFlower() {
  const python = findPython();
  const hash = wantedHash(python.version);
  if (!isReady(hash)) withLock(() => isReady(hash) || build(python, hash));
  return { ok: true, venv, python: venvPython, bin: binDir, flwr: installedFlwrVersion() };
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const json = process.argv.includes('--json');
  try {
    const r = ensureFlower();
    console.log(json ? JSON.stringify(r) : `flower: ready (flwr ${r.flwr} in ${r.venv})`);
    process.exitCode = 0;
  } catch (err) {
    const code = err instanceof Failure ? err.code : 1;
    const reason = err instanceof Failure ? err.message : `Flower setup crashed: ${err?.stack ?? err}`;
    console.log(json ? JSON.stringify({ ok: false, code, reason }) : reason);
    process.exitCode = code;
  }
}
