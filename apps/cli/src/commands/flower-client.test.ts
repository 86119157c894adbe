import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as flower from '@neurite/flower';
import { expectUsageError, requireBuild, run, start } from '../test-support/run.js';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'neurite-flower-client-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const base = ['flower-client', '--backend', 'js', '--superlink', '127.0.0.1:9092', '--insecure', '--partition', '0/3'];
const without = (flag: string, args = base) => {
  const i = args.indexOf(flag);
  return [...args.slice(0, i), ...args.slice(i + (args[i + 1]?.startsWith('--') ? 1 : 2))];
};
const withValue = (flag: string, value: string) => {
  const i = base.indexOf(flag);
  return [...base.slice(0, i + 1), value, ...base.slice(i + 2)];
};

describe('neurite flower-client', () => {
  it('--help lists its options', async () => {
    const r = await run(['flower-client', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--superlink', '--grpc', '--insecure', '--root-certificates', '--auth-key', '--partition', '--partitioner', '--model', '--seed']) expect(r.stdout).toContain(s);
  });

  it('bad options are one line and exit code 2, before anything starts', async () => {
    const cases: [string[], RegExp][] = [
      [without('--superlink'), /needs --superlink HOST:PORT/],
      [withValue('--superlink', 'localhost'), /--superlink 'localhost' is not HOST:PORT/],
      [withValue('--superlink', '127.0.0.1:70000'), /port from 1 to 65535/],
      [withValue('--superlink', 'http://127.0.0.1:9092'), /is not HOST:PORT/],
      [without('--partition'), /needs --partition I\/N/],
      [withValue('--partition', '3/3'), /part 3 does not exist among 3 \(parts are 0 to 2\)/],
      [withValue('--partition', 'first'), /--partition 'first' is not I\/N/],
      [withValue('--partition', '0/0'), /--partition '0\/0' is not I\/N with N from 1/],
      [[...base, '--partitioner', 'zipf'], /--partitioner: partition: cannot read 'zipf'/],
      [[...base, '--model', 'resnet'], /--model mlp or cnn, got 'resnet'/],
      [[...base, '--dataset', 'iris'], /--dataset mnist only/],
      [[...base, '--seed', '-1'], /--seed must be an integer in \[0, 4294967295\], got -1/],
      [[...base, '--lr', '0'], /--lr must be a finite number > 0, got 0/],
      [[...base, '--lr', 'fast'], /--lr must be a number, got 'fast'/],
      [[...base, '--limit', '0'], /--limit must be an integer/],
      [[...base, '--root-certificates', 'ca.pem'], /--insecure and --root-certificates contradict/],
      [[...base, '--grpc', '--grpc', '--partition', '1/3'], /given 2 times/],
      [[...base, '--rest'], /Unknown argument: rest/],
    ];
    for (const [args, pattern] of cases) expectUsageError(await run(args), pattern);
  });

  it('refuses certificate and key files that are missing, not PEM, or not an EC key', async () => {
    const notPem = join(dir, 'notes.txt');
    writeFileSync(notPem, 'hello');
    const rsa = join(dir, 'rsa.pem');
    writeFileSync(rsa, generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    const broken = join(dir, 'broken.pem');
    writeFileSync(broken, '-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n');
    const tls = without('--insecure');
    expectUsageError(await run([...tls, '--root-certificates', join(dir, 'missing.pem')]), /cannot read --root-certificates '.*missing\.pem': no such file or directory/);
    expectUsageError(await run([...tls, '--root-certificates', notPem]), /--root-certificates '.*notes\.txt' is not a PEM file/);
    expectUsageError(await run([...base, '--auth-key', rsa]), /--auth-key '.*rsa\.pem' is a rsa key - Flower's node authentication needs an EC key/);
    expectUsageError(await run([...base, '--auth-key', broken]), /--auth-key '.*broken\.pem' is not a readable private key/);
    expectUsageError(await run([...base, '--auth-key', dir]), /cannot read --auth-key/);
  });

  it('a partition the data cannot make is exit code 2', async () => {
    expectUsageError(await run([...withValue('--partition', '0/5'), '--limit', '3']), /--partitioner iid with --partition 0\/5: partitionIid: 5 clients but only 3 examples/);
  });
});

/** A loopback port nobody listens on: the client can only wait for its SuperLink. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const hasConnect = typeof (flower as Record<string, unknown>).connect === 'function';
describe.skipIf(!hasConnect)(`neurite flower-client and the Fleet client${hasConnect ? '' : " (skipped: @neurite/flower does not export connect yet)"}`, () => {
  it('says when the SuperLink is unreachable, keeps retrying, and Ctrl-C stops it with 130', async () => {
    const port = await closedPort();
    const { child, done } = start(['flower-client', '--backend', 'js', '--superlink', `127.0.0.1:${port}`, '--insecure', '--partition', '1/2', '--limit', '200']);
    let stderr = '';
    child.stderr!.on('data', (d: string) => (stderr += d));
    try {
      await new Promise<void>((resolve, reject) => {
        child.on('close', () => reject(new Error(`exited early: ${stderr}`)));
        const poll = setInterval(() => {
          if (/SuperLink unreachable/.test(stderr)) {
            clearInterval(poll);
            resolve();
          }
        }, 50);
      });
      child.kill('SIGINT');
      const r = await done;
      expect(r.code, r.stderr).toBe(130);
      expect(r.stderr).toMatch(/mnist part 1\/2 \(iid\): 100 training, \d+ test examples; model mlp/);
      expect(r.stderr).toMatch(/interrupted: leaving the federation/);
      expect(r.stdout).toBe('');
    } finally {
      child.kill('SIGKILL');
    }
  }, 60_000);

});
