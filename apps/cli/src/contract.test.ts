/**
 * The command line's promises: an option that takes a value never goes
 * without one, a number option takes numbers only, and every mistake is one
 * line with exit code 2. Parse errors run in process (main() stops before any
 * command starts); runs that reach a command spawn the built CLI.
 */
import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { spawn } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from './cli.js';
import { BIN, expectUsageError, requireBuild, run, type RunResult } from './test-support/run.js';

function sink(onText: (s: string) => void): NodeJS.WriteStream {
  return new Writable({ write: (c, _e, done) => (onText(String(c)), done()) }) as unknown as NodeJS.WriteStream;
}

/** main() in this process; yargs prints help with console.log, so that is captured too. */
async function inProcess(args: string[]): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void (stdout += `${a.join(' ')}\n`));
  try {
    const code = await main(args, { stdout: sink((s) => (stdout += s)), stderr: sink((s) => (stderr += s)) });
    return { code, signal: null, stdout, stderr };
  } finally {
    log.mockRestore();
  }
}

/** The options of `command --help` that take a string or a number, read from the help text itself. */
async function valueOptions(command: string): Promise<string[]> {
  const help = (await inProcess([command, '--help'])).stdout;
  // An entry starts with "  -x, --name" or "      --name"; a long one wraps onto indented lines.
  const entries: string[] = [];
  let open = false;
  for (const line of help.split('\n')) {
    if (/^\s+(?:-\w, )?--[\w-]+\s/.test(line)) entries.push(line);
    else if (open && /^\s{4,}\S/.test(line)) entries[entries.length - 1] += line;
    open = /^\s+(?:-\w, )?--[\w-]+\s/.test(line) || (open && /^\s{4,}\S/.test(line));
  }
  return entries.flatMap((e) => (/\[(string|number)\]/.test(e) ? [/--([\w-]+)/.exec(e)![1]] : []));
}

/** Arguments that get each command past its required ones, so only the option under test is wrong. */
const REQUIRED: Record<string, string[]> = {
  info: [],
  train: [],
  evaluate: ['no-such-model'],
  predict: ['no-such-model'],
  explain: ['--model', 'no-such-model', '--method', 'ig'],
  bench: [],
};

describe('an option that takes a value', () => {
  for (const command of Object.keys(REQUIRED)) {
    it(`${command}: each one given without its value fails and names it`, async () => {
      const names = await valueOptions(command);
      expect(names).toEqual(expect.arrayContaining(['backend', 'threads']));
      for (const name of names) {
        // Followed by an unknown option: were the value not required, strict mode would still stop the run before it starts.
        const args = [command, ...REQUIRED[command], `--${name}`, '--no-such-option'];
        expectUsageError(await inProcess(args), new RegExp(`--${name} needs a value - see neurite ${command} --help`));
      }
    });
  }

  it('--epochs at the end of the line is an error, not the default number of epochs', async () => {
    requireBuild();
    expectUsageError(await run(['train', '--model', 'xor', '--backend', 'js', '--epochs']), /^neurite: --epochs needs a value - see neurite train --help$/m);
  });

  it('a short alias at the end of the line is named as typed', async () => {
    expectUsageError(await inProcess(['train', '--model', 'xor', '--backend', 'js', '-e']), /-e needs a value/);
  });
});

describe('a number option', () => {
  // Each runs something harmless if the check were missing: xor for one epoch, a model that does not exist, an unknown suite.
  const xor = ['--model', 'xor', '--backend', 'js', '--epochs', '1'];
  const cases: [string, string[], RegExp][] = [
    ['text', ['train', '--model', 'xor', '--backend', 'js', '--epochs', 'many'], /--epochs must be a number, got 'many' - write it in digits/],
    ['text after an alias', ['train', '--model', 'xor', '--backend', 'js', '-e', 'x'], /--epochs must be a number, got 'x'/],
    ['text after the camel-case spelling', ['train', ...xor, '--batchSize', 'ten'], /--batch-size must be a number, got 'ten'/],
    ['nothing after "=" (yargs would read 0)', ['train', ...xor, '--seed='], /--seed must be a number, got ''/],
    ['an empty string (yargs would read 0)', ['train', ...xor, '--validation-split', ''], /--validation-split must be a number, got ''/],
    ['a global one', ['info', '--threads', 'all'], /--threads must be a number, got 'all'/],
    ['of evaluate', ['evaluate', 'no-such-model', '--limit', '1k'], /--limit must be a number, got '1k'/],
    ['of explain', ['explain', '--model', 'no-such-model', '--method', 'ig', '--index', '0', '--steps', 'lots'], /--steps must be a number, got 'lots'/],
    ['of bench', ['bench', '--suite', 'no-such-suite', '--seed', 'abc'], /--seed must be a number, got 'abc'/],
  ];
  for (const [name, args, pattern] of cases) {
    it(`given ${name} is one line naming the flag and the text`, async () => expectUsageError(await inProcess(args), pattern));
  }
});

describe('ranges', () => {
  const explain = ['explain', '--model', 'no-such-model', '--method', 'ig', '--index', '0'];
  const cases: [string[], RegExp][] = [
    [[...explain, '--steps', '0'], /--steps must be an integer from 1 to 10000, got 0/],
    [[...explain, '--steps', '2.5'], /--steps must be an integer from 1 to 10000, got 2\.5/],
    [[...explain, '--samples', '100001'], /--samples must be an integer from 1 to 100000, got 100001/],
    [[...explain, '--limit', '-3'], /--limit must be an integer from 1 to 1000000, got -3/],
    [['bench', '--suite', 'no-such-suite', '--seed', '-1'], /--seed must be an integer from 0 to 4294967295, got -1/],
    [['bench', '--suite', 'no-such-suite', '--seed', '4294967296'], /--seed must be an integer from 0 to 4294967295, got 4294967296/],
    [['bench', '--suite', 'no-such-suite', '--seed', '0.5'], /--seed must be an integer from 0 to 4294967295, got 0\.5/],
    [['info', '--threads', '257'], /--threads must be an integer from 1 to 256, got 257/],
  ];
  for (const [args, pattern] of cases) {
    it(args.slice(-2).join(' '), async () => expectUsageError(await inProcess(args), pattern));
  }
});

describe('the command line is strict', () => {
  const cases: [string, string[], RegExp][] = [
    ['an unknown option', ['train', ...['--model', 'xor', '--backend', 'js', '--epochs', '1'], '--epoch', '3'], /Unknown argument: epoch - see neurite train --help/],
    ['a stray word', ['train', '--model', 'xor', '--backend', 'js', '--epochs', '1', 'fast'], /Unknown argument: fast - see neurite train --help/],
    ['an option given twice', ['train', '--model', 'xor', '--model', 'mlp', '--backend', 'js', '--epochs', '1'], /--model is given 2 times \('xor', 'mlp'\) - give it once/],
    ['a number option given twice', ['train', '--model', 'xor', '--backend', 'js', '--epochs', '1', '-e', '2'], /--epochs is given 2 times \('1', '2'\) - give it once/],
  ];
  for (const [name, args, pattern] of cases) {
    it(`${name} is one line, exit 2`, async () => expectUsageError(await inProcess(args), pattern));
  }
});

describe('file-system errors on files the command line named', () => {
  let dir: string;
  let model: string;
  // Root reads and writes whatever the mode says: as root (how these tests usually run) the CLI runs as nobody.
  const user = process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
  beforeAll(async () => {
    requireBuild();
    dir = mkdtempSync(join(tmpdir(), 'neurite-contract-'));
    chmodSync(dir, 0o755);
    model = join(dir, 'xor');
    const t = await run(['train', '--model', 'xor', '--epochs', '1', '--out', model, '--quiet', '--backend', 'js']);
    expect(t.code, t.stderr).toBe(0);
  });
  afterAll(() => dir && rmSync(dir, { recursive: true, force: true }));

  async function runAs(args: string[], input = ''): Promise<RunResult> {
    const child = spawn(process.execPath, [BIN, ...args], { ...user, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.stdin.end(input);
    const code = await new Promise<number | null>((done, fail) => child.on('error', fail).on('close', done));
    return { code, signal: null, stdout, stderr };
  }

  it('explain --out where attributions.json is a directory: exit 2, the path and the reason', async () => {
    const out = join(dir, 'explained');
    mkdirSync(join(out, 'attributions.json'), { recursive: true });
    const r = await run(['explain', '--model', model, '--method', 'saliency', '--input', '-', '--out', out, '--backend', 'js'], { input: '[[0, 1]]' });
    expectUsageError(r, /cannot open '.*explained\/attributions\.json': it is a directory, not a file - check the path$/m);
  });

  it('explain --out where attributions.json may not be written: exit 2 with the path and "permission denied", not a raw EACCES', async () => {
    const out = join(dir, 'read-only');
    mkdirSync(out, { mode: 0o755 });
    writeFileSync(join(out, 'attributions.json'), '{}', { mode: 0o444 });
    const r = await runAs(['explain', '--model', model, '--method', 'saliency', '--input', '-', '--out', out, '--backend', 'js'], '[[0, 1]]');
    expectUsageError(r, /cannot open '.*read-only\/attributions\.json': permission denied - check the path and its permissions$/m);
  });

  it('train --out a directory nobody may read: exit 2 with the path and "permission denied"', async () => {
    const locked = join(dir, 'locked');
    mkdirSync(locked, { mode: 0o755 });
    writeFileSync(join(locked, 'notes.txt'), 'mine');
    chmodSync(locked, 0);
    expectUsageError(await runAs(['train', '--model', 'xor', '--epochs', '1', '--out', locked, '--backend', 'js']), /'.*locked'.*permission denied/);
  });
});
