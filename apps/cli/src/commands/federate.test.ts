import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expectUsageError, requireBuild, run } from '../test-support/run.js';

let dir: string;
beforeAll(() => {
  requireBuild();
  dir = mkdtempSync(join(tmpdir(), 'neurite-federate-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));


/** A few hundred examples and 3 clients on the js backend: seconds, not minutes. */
const small = ['federate', '--backend', 'js', '--clients', '3', '--limit', '300', '--seed', '5'];

describe('neurite federate', () => {
  it('--help lists its options', async () => {
    const r = await run(['federate', '--help']);
    expect(r.code).toBe(0);
    for (const s of ['--clients', '--partition', '--rounds', '--strategy', '--dp-clip', '--dp-noise', '--byzantine', '--workers', '--checkpoint', '--resume', '--plot']) expect(r.stdout).toContain(s);
  });

  it('bad input is one line and exit code 2', async () => {
    expectUsageError(await run([...small, '--strategy', 'fedsgd']), /--strategy: unknown strategy 'fedsgd' - use one of/);
    expectUsageError(await run([...small, '--partition', 'zipf']), /--partition/);
    expectUsageError(await run([...small, '--dp-clip', '1']), /needs both --dp-clip and --dp-noise/);
    expectUsageError(await run([...small, '--resume']), /--resume needs --checkpoint/);
    expectUsageError(await run([...small, '--strategy', 'krum:2']), /needs at least 7 clients per round but --clients is 3/);
    expectUsageError(await run([...small, '--strategy', 'median', '--dp-clip', '1', '--dp-noise', '1']), /robust aggregation/);
    expectUsageError(await run([...small, '--dataset', 'iris']), /mnist only/);
  });

  it('--json prints the per-round history; DP adds epsilon after every round', async () => {
    const r = await run([...small, '--rounds', '2', '--dp-clip', '1', '--dp-noise', '0.5', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.history).toHaveLength(2);
    expect(out.history.map((h: { round: number }) => h.round)).toEqual([1, 2]);
    const eps = out.history.map((h: { epsilon: number }) => h.epsilon);
    expect(eps[0]).toBeGreaterThan(0);
    expect(eps[1]).toBeGreaterThan(eps[0]);
    expect(out.dp.epsilon).toBe(eps[1]);
    expect(out.testAccuracy).toBeGreaterThanOrEqual(0);
  });

  it('prints a progress line per round and a final table; --plot writes an SVG', async () => {
    const plot = join(dir, 'acc.svg');
    const r = await run([...small, '--rounds', '3', '--plot', plot]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/round 1\/3 {2}accuracy \d\.\d{4} {2}loss/);
    expect(r.stderr).toMatch(/round 3\/3/);
    expect(r.stdout).toMatch(/round\s+accuracy\s+loss\s+train loss\s+clients/);
    expect(r.stdout).toMatch(/test accuracy \d\.\d{4} after 3 rounds/);
    const svg = readFileSync(plot, 'utf8');
    expect(svg).toContain('<svg');
    expect(svg).toContain('>round</text>');
  });

  it('--secure-aggregation aggregates every client through the masked protocol', async () => {
    const r = await run([...small, '--rounds', '2', '--secure-aggregation', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.secureAggregation).toBe(true);
    expect(out.history.map((h: { aggregated: number }) => h.aggregated)).toEqual([3, 3]);
    expect(out.testAccuracy).toBeGreaterThan(0.3);
    expectUsageError(await run([...small, '--secure-aggregation', '--strategy', 'median']), /robust aggregation cannot use/);
  });

  it('--dp-sampling poisson: rounds of varying size, epsilon of q = --fraction', async () => {
    const r = await run([...small, '--rounds', '4', '--fraction', '0.5', '--dp-clip', '1', '--dp-noise', '1', '--dp-sampling', 'poisson', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.dp.sampling).toBe('poisson');
    expect(out.history.map((h: { attempts: number }) => h.attempts)).toEqual([1, 1, 1, 1]);
    expect(new Set(out.history.map((h: { sampled: number[] }) => h.sampled.length)).size).toBeGreaterThan(1);
    expect(out.dp.epsilon).toBeGreaterThan(0);
    expectUsageError(await run([...small, '--dp-clip', '1', '--dp-noise', '1', '--dp-sampling', 'sometimes']), /dp-sampling/);
  });

  it('--secure-aggregation with --dp-clip: the clients clip, the server noises the sum, epsilon as without secure aggregation', async () => {
    const dp = ['--rounds', '2', '--dp-clip', '1', '--dp-noise', '1.1', '--json'];
    const secure = await run([...small, ...dp, '--secure-aggregation']);
    const clear = await run([...small, ...dp]);
    expect(secure.code, secure.stderr).toBe(0);
    const [s, c] = [JSON.parse(secure.stdout), JSON.parse(clear.stdout)];
    expect(s.secureAggregation).toBe(true);
    expect(s.history.map((h: { aggregated: number }) => h.aggregated)).toEqual([3, 3]);
    expect(s.history.map((h: { epsilon: number }) => h.epsilon)).toEqual(c.history.map((h: { epsilon: number }) => h.epsilon));
    expect(s.history[1].epsilon).toBeGreaterThan(0);
  });

  it('learns: 5 clients, 2000 examples, 4 rounds reach well above chance', async () => {
    const r = await run(['federate', '--backend', 'js', '--clients', '5', '--limit', '2000', '--rounds', '4', '--partition', 'iid', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).testAccuracy).toBeGreaterThan(0.7);
  });

  it('--checkpoint then --resume ends where an uninterrupted run ends', async () => {
    const ck = join(dir, 'ck');
    const straight = JSON.parse((await run([...small, '--rounds', '2', '--strategy', 'fedadam', '--json'])).stdout);
    const first = await run([...small, '--rounds', '1', '--strategy', 'fedadam', '--checkpoint', ck, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expect(existsSync(join(ck, 'server.json'))).toBe(true);
    const resumed = JSON.parse((await run([...small, '--rounds', '2', '--strategy', 'fedadam', '--checkpoint', ck, '--resume', '--json'])).stdout);
    expect(resumed.resumedFrom).toBe(1);
    expect(resumed.history).toHaveLength(2);
    expect(resumed.testLoss).toBe(straight.testLoss);
    expect(resumed.testAccuracy).toBe(straight.testAccuracy);
    // a different run cannot resume it
    expectUsageError(await run([...small, '--rounds', '2', '--strategy', 'fedavg', '--checkpoint', ck, '--resume']), /from a run with other settings \(strategy: fedadam -> fedavg; strategy\.cli: fedadam -> fedavg\) - .*add --force/);
  });

  it('number options out of range are one line and exit code 2, before anything runs', async () => {
    // 3,000,000 s is past Node's timer range (2^31 - 1 ms): the timer would fire after 1 ms and drop every client.
    expectUsageError(await run([...small, '--timeout', '3000000']), /--timeout must be a number of seconds in \[0\.001, 2147483\.647\] \(Node's timer range\), got 3000000/);
    expectUsageError(await run([...small, '--timeout', '0']), /--timeout must be/);
    expectUsageError(await run(['federate', '--clients', '2.5']), /--clients must be an integer in \[1, 100000\], got 2\.5/);
    expectUsageError(await run([...small, '--rounds', '1e308']), /--rounds must be an integer in \[1, 1000000\], got 1e\+308/);
    expectUsageError(await run(['federate', '--seed', '4294967296']), /--seed must be an integer in \[0, 4294967295\]/);
    expectUsageError(await run([...small, '--workers', '-1']), /--workers must be an integer in \[0, 256\]/);
    expectUsageError(await run([...small, '--lr', '0']), /--lr must be a finite number > 0, got 0/);
    expectUsageError(await run([...small, '--fraction', '1.5']), /--fraction must be in \(0, 1\], got 1\.5/);
    expectUsageError(await run([...small, '--dp-clip', '1', '--dp-noise', '1', '--dp-delta', '1']), /--dp-delta must be in \(0, 1\)/);
    expectUsageError(await run([...small, '--force']), /--force only applies to --resume/);
    // An option that takes a value, given none, is not silently its default.
    expectUsageError(await run([...small, '--rounds']), /rounds/);
  });

  it('--resume refuses changed settings, listing them; --force runs on and reports epsilon as unbounded after rounds without DP', async () => {
    const ck = join(dir, 'ck-settings');
    const first = await run([...small, '--rounds', '1', '--checkpoint', ck, '--json']);
    expect(first.code, first.stderr).toBe(0);
    expectUsageError(await run([...small, '--rounds', '2', '--lr', '0.05', '--checkpoint', ck, '--resume']), /other settings \(lr: 0\.1 -> 0\.05\) - resume with the same options, add --force/);
    const dp = ['--dp-clip', '1', '--dp-noise', '1.1'];
    expectUsageError(await run([...small, '--rounds', '2', ...dp, '--checkpoint', ck, '--resume']), /other settings \(dp\.adaptive: none -> false; dp\.clipNorm: none -> 1; .*dp\.noiseMultiplier: none -> 1\.1.*\) - .*add --force/);
    const forced = await run([...small, '--rounds', '2', ...dp, '--checkpoint', ck, '--resume', '--force', '--json']);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/changed settings \(forced\): dp\.adaptive/);
    expect(forced.stderr).toMatch(/1 of the 1 rounds .* ran without differential privacy: the run has no privacy guarantee, epsilon is infinite/);
    const out = JSON.parse(forced.stdout);
    expect(out.resumedFrom).toBe(1);
    expect(out.dp.unbounded).toBe(true);
    expect(out.dp.epsilon).toBeNull();
  });

  it('a damaged checkpoint is one line naming the file and the field', async () => {
    const ck = join(dir, 'ck-damaged');
    mkdirSync(ck, { recursive: true });
    writeFileSync(join(ck, 'server.json'), JSON.stringify({ format: 'neurite-federated-checkpoint', version: 2, round: -5 }));
    expectUsageError(await run([...small, '--rounds', '2', '--checkpoint', ck, '--resume']), /checkpoint .*ck-damaged\/server\.json: round is -5, expected an integer in \[0, /);
    writeFileSync(join(ck, 'server.json'), '{"format": "neurite-federated-checkpoint", "version": 2, "round": 1, "params"');
    expectUsageError(await run([...small, '--rounds', '2', '--checkpoint', ck, '--resume']), /server\.json: the file is not JSON/);
  });
});
