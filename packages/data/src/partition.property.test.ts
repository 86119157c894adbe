import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { partitionDirichlet, partitionIid, partitionShards, type Partition } from './partition.js';
import { partitionReport } from './report.js';

const caseArb = fc
  .record({
    labels: fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 20, maxLength: 400 }),
    clients: fc.integer({ min: 1, max: 8 }),
    k: fc.integer({ min: 1, max: 3 }),
    alpha: fc.double({ min: 0.05, max: 100, noNaN: true }),
    seed: fc.integer(),
  })
  .filter(({ labels, clients, k }) => clients * k >= new Set(labels).size && clients * k <= labels.length);

function expectExactCover(parts: Partition, n: number, clients: number): void {
  expect(parts.length).toBe(clients);
  const all = parts.flatMap((p) => Array.from(p));
  expect(all.length).toBe(n);
  expect(new Set(all).size).toBe(n);
}

describe('partition properties', () => {
  it('every scheme assigns each example to exactly one client; shards keep clients to k labels', () => {
    fc.assert(
      fc.property(caseArb, ({ labels, clients, k, alpha, seed }) => {
        const n = labels.length;
        expectExactCover(partitionIid(n, { clients, seed }), n, clients);
        expectExactCover(partitionDirichlet(labels, { clients, alpha, seed, minSize: 0 }), n, clients);
        const shards = partitionShards(labels, { clients, shardsPerClient: k, seed });
        expectExactCover(shards, n, clients);
        for (const c of partitionReport(labels, shards).clients) expect(c.labels).toBeLessThanOrEqual(k);
      }),
      { numRuns: 200, seed: 2 },
    );
  });
});
