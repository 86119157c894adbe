import { Random } from '@neurite/core';
import { describe, expect, it } from 'vitest';
import {
  largestRemainder,
  parsePartitionScheme,
  partition,
  partitionDirichlet,
  partitionIid,
  partitionShards,
  type Partition,
} from './partition.js';
import { formatPartitionReport, partitionReport } from './report.js';

/** 10 classes of 800, like our MNIST training split. */
const labels = Int32Array.from({ length: 8000 }, (_, i) => Math.floor(i / 800));

function expectExactCover(parts: Partition, n: number): void {
  const all = parts.flatMap((p) => Array.from(p));
  expect(all.length).toBe(n);
  expect(new Set(all).size).toBe(n);
}

/** Mean over clients of the total variation distance between the client's label mix and the global one (0 = IID, 0.9 = one label each). */
function labelSkew(parts: Partition): number {
  const report = partitionReport(labels, parts, 10);
  const tv = report.clients.map((c) => c.counts.reduce((a, k) => a + Math.abs(k / c.size - 0.1), 0) / 2);
  return tv.reduce((a, b) => a + b, 0) / tv.length;
}

describe('partitionIid', () => {
  it('covers every example once with sizes differing by at most one, reproducibly', () => {
    const parts = partitionIid(1003, { clients: 10, seed: 1 });
    expectExactCover(parts, 1003);
    const sizes = parts.map((p) => p.length);
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    expect(partitionIid(1003, { clients: 10, seed: 1 }).map((p) => Array.from(p))).toEqual(parts.map((p) => Array.from(p)));
    expect(Array.from(partitionIid(1003, { clients: 10, seed: 2 })[0])).not.toEqual(Array.from(parts[0]));
  });

  it('gives each client nearly the global label mix', () => {
    expect(labelSkew(partitionIid(8000, { clients: 10, seed: 3 }))).toBeLessThan(0.06);
  });

  it('rejects more clients than examples', () => {
    expect(() => partitionIid(3, { clients: 4, seed: 0 })).toThrow(/4 clients but only 3 examples/);
  });
});

describe('partitionDirichlet', () => {
  it('covers every example once and is reproducible', () => {
    const a = partitionDirichlet(labels, { clients: 10, alpha: 0.5, seed: 7 });
    expectExactCover(a, 8000);
    const b = partitionDirichlet(labels, { clients: 10, alpha: 0.5, seed: 7 });
    expect(b.map((p) => Array.from(p))).toEqual(a.map((p) => Array.from(p)));
  });

  it('skews strongly for small alpha and approaches IID for large alpha', () => {
    const skew = (alpha: number) => {
      let total = 0;
      for (let seed = 0; seed < 5; seed++) total += labelSkew(partitionDirichlet(labels, { clients: 10, alpha, seed }));
      return total / 5;
    };
    const tiny = skew(0.05);
    const half = skew(0.5);
    const large = skew(1000);
    // alpha 0.05: each class lands on one or two clients, so clients hold few labels.
    expect(tiny).toBeGreaterThan(0.6);
    expect(half).toBeGreaterThan(0.3);
    expect(half).toBeLessThan(tiny);
    // alpha 1000: every client's mix within a few percent of 1/10, no further from it than an IID split.
    expect(large).toBeLessThan(labelSkew(partitionIid(8000, { clients: 10, seed: 0 })) + 0.01);
    expect(large).toBeLessThan(0.05);
    const tinyReport = partitionReport(labels, partitionDirichlet(labels, { clients: 10, alpha: 0.05, seed: 1 }), 10);
    const meanLabels = tinyReport.clients.reduce((a, c) => a + c.labels, 0) / 10;
    expect(meanLabels).toBeLessThan(4);
  });

  it('honours minSize by redrawing and explains when it cannot', () => {
    const parts = partitionDirichlet(labels, { clients: 20, alpha: 0.1, seed: 2, minSize: 50 });
    expect(Math.min(...parts.map((p) => p.length))).toBeGreaterThanOrEqual(50);
    expect(() => partitionDirichlet(labels.slice(0, 30), { clients: 10, alpha: 0.5, seed: 0, minSize: 4 })).toThrow(
      /needs 40 examples but there are 30/,
    );
    expect(() => partitionDirichlet(Int32Array.from({ length: 40 }, () => 0), { clients: 4, alpha: 0.001, seed: 0, minSize: 10 })).toThrow(
      /no draw in 1000 gave every one of 4 clients at least 10 examples/,
    );
    expect(() => partitionDirichlet(labels, { clients: 10, alpha: 0, seed: 0 })).toThrow(/alpha must be a finite number > 0/);
  });
});

describe('partitionShards', () => {
  it('gives every client at most k labels and covers every example once', () => {
    for (const [k, seed] of [[1, 0], [2, 1], [3, 2]]) {
      const parts = partitionShards(labels, { clients: 10, shardsPerClient: k, seed });
      expectExactCover(parts, 8000);
      for (const c of partitionReport(labels, parts, 10).clients) expect(c.labels).toBeLessThanOrEqual(k);
    }
  });

  it('never mixes labels in a shard even when class sizes do not divide evenly', () => {
    const uneven = Int32Array.from([...new Array(101).fill(0), ...new Array(57).fill(1), ...new Array(13).fill(2)]);
    const parts = partitionShards(uneven, { clients: 7, shardsPerClient: 2, seed: 4 });
    expectExactCover(parts, uneven.length);
    for (const c of partitionReport(uneven, parts).clients) expect(c.labels).toBeLessThanOrEqual(2);
  });

  it('is reproducible and rejects impossible requests', () => {
    const a = partitionShards(labels, { clients: 10, shardsPerClient: 2, seed: 5 });
    expect(partitionShards(labels, { clients: 10, shardsPerClient: 2, seed: 5 }).map((p) => Array.from(p))).toEqual(a.map((p) => Array.from(p)));
    expect(() => partitionShards(labels, { clients: 3, shardsPerClient: 3, seed: 0 })).toThrow(/9 shards cannot cover 10 labels/);
  });
});

describe('partition and parsePartitionScheme', () => {
  it('reads the command-line forms', () => {
    expect(parsePartitionScheme('iid')).toEqual({ kind: 'iid' });
    expect(parsePartitionScheme('dirichlet:0.5')).toEqual({ kind: 'dirichlet', alpha: 0.5 });
    expect(parsePartitionScheme('shards:2')).toEqual({ kind: 'shards', shardsPerClient: 2 });
    for (const bad of ['dirichlet', 'dirichlet:-1', 'shards:1.5', 'iid:3', 'random']) {
      expect(() => parsePartitionScheme(bad)).toThrow(/cannot read/);
    }
  });

  it('dispatches to the scheme', () => {
    const viaScheme = partition(labels, { kind: 'shards', shardsPerClient: 2 }, { clients: 10, seed: 1 });
    const direct = partitionShards(labels, { clients: 10, shardsPerClient: 2, seed: 1 });
    expect(viaScheme.map((p) => Array.from(p))).toEqual(direct.map((p) => Array.from(p)));
    expect(partition(labels, { kind: 'iid' }, { clients: 4, seed: 1 }).length).toBe(4);
  });
});

describe('largestRemainder', () => {
  it('rounds shares to integers that sum to the total', () => {
    expect(largestRemainder([0.5, 0.3, 0.2], 7)).toEqual([4, 2, 1]);
    const rng = new Random(1);
    for (let t = 0; t < 100; t++) {
      const w = Array.from({ length: 6 }, () => rng.next());
      const counts = largestRemainder(w, 97);
      expect(counts.reduce((a, b) => a + b, 0)).toBe(97);
      const sum = w.reduce((a, b) => a + b, 0);
      counts.forEach((c, i) => expect(Math.abs(c - (w[i] / sum) * 97)).toBeLessThan(1));
    }
  });
});

describe('partitionReport', () => {
  it('counts labels per client and prints a table', () => {
    const y = [0, 0, 1, 2, 2, 2];
    const report = partitionReport(y, [Int32Array.from([0, 1, 2]), Int32Array.from([3, 4, 5])]);
    expect(report.numClasses).toBe(3);
    expect(report.clients).toEqual([
      { client: 0, size: 3, counts: [2, 1, 0], labels: 2 },
      { client: 1, size: 3, counts: [0, 0, 3], labels: 1 },
    ]);
    expect(formatPartitionReport(report, ['cat', 'dog', 'emu'])).toBe(
      ['client  size  cat  dog  emu  labels', '     0     3    2    1    0       2', '     1     3    0    0    3       1'].join('\n'),
    );
    expect(() => partitionReport(y, [Int32Array.from([6])])).toThrow(/holds index 6 but there are 6 labels/);
  });
});
