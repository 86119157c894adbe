import { ArgumentError, type Tensor } from '@neurite/core';
import { toLabelArray } from './arrays.js';
import { sampleDirichlet } from './gamma.js';
import { shuffleInPlace, shuffledIndices, toRandom } from './shuffle.js';
import { groupByClass } from './split.js';

/** For each client, the indices of its examples (ascending). */
export type Partition = Int32Array[];

export type PartitionScheme =
  | { kind: 'iid' }
  /** Label skew: each class is spread over clients by a Dirichlet(alpha) draw; small alpha, strong skew. */
  | { kind: 'dirichlet'; alpha: number; minSize?: number }
  /** McMahan et al. (2017): sort by label, cut into clients * shardsPerClient shards, deal shards out. */
  | { kind: 'shards'; shardsPerClient: number };

export interface PartitionOptions {
  clients: number;
  seed: number;
}

function checkClients(op: string, clients: number, n: number): void {
  if (!Number.isInteger(clients) || clients < 1) throw new ArgumentError(`${op}: clients must be an integer >= 1, got ${clients}`);
  if (clients > n) throw new ArgumentError(`${op}: ${clients} clients but only ${n} examples - every client needs at least one`);
}

function sorted(parts: number[][]): Partition {
  return parts.map((p) => Int32Array.from(p).sort());
}

/** Examples dealt out uniformly at random: client sizes differ by at most one. */
export function partitionIid(n: number, options: PartitionOptions): Partition {
  checkClients('partitionIid', options.clients, n);
  const order = shuffledIndices(n, options.seed);
  const parts: number[][] = Array.from({ length: options.clients }, () => []);
  // Client c gets the c-th of `clients` near-equal consecutive runs of the shuffled order.
  for (let c = 0; c < options.clients; c++) {
    const from = Math.floor((c * n) / options.clients);
    const to = Math.floor(((c + 1) * n) / options.clients);
    for (let i = from; i < to; i++) parts[c].push(order[i]);
  }
  return sorted(parts);
}

const MAX_DIRICHLET_TRIES = 1000;

/**
 * Dirichlet label skew (Hsu, Qi and Brown, 2019; Yurochkin et al., 2019):
 * for each class, draw client proportions p ~ Dir(alpha, ..., alpha) and
 * hand that class's shuffled examples out in those proportions (rounded so
 * that every example is assigned once). alpha -> 0 gives each class to
 * few clients; alpha -> infinity approaches IID. Draws that leave a client
 * with fewer than `minSize` examples (default 1) are redrawn, as in common
 * federated benchmarks; after 1000 failed draws it is an error.
 */
export function partitionDirichlet(labels: ArrayLike<number> | Tensor, options: PartitionOptions & { alpha: number; minSize?: number }): Partition {
  const y = toLabelArray('partitionDirichlet', labels);
  const { clients, alpha, minSize = 1 } = options;
  checkClients('partitionDirichlet', clients, y.length);
  if (!(alpha > 0) || !Number.isFinite(alpha)) throw new ArgumentError(`partitionDirichlet: alpha must be a finite number > 0, got ${alpha}`);
  if (minSize * clients > y.length) {
    throw new ArgumentError(`partitionDirichlet: minSize ${minSize} for ${clients} clients needs ${minSize * clients} examples but there are ${y.length}`);
  }
  const rng = toRandom(options.seed);
  const byClass = groupByClass(y);
  const alphas = new Array<number>(clients).fill(alpha);
  for (let attempt = 0; attempt < MAX_DIRICHLET_TRIES; attempt++) {
    const parts: number[][] = Array.from({ length: clients }, () => []);
    for (const members of byClass) {
      if (members.length === 0) continue;
      const order = shuffleInPlace([...members], rng);
      const p = sampleDirichlet(rng, alphas);
      const counts = largestRemainder(p, members.length);
      let at = 0;
      counts.forEach((k, c) => {
        for (let i = 0; i < k; i++) parts[c].push(order[at++]);
      });
    }
    if (parts.every((p) => p.length >= minSize)) return sorted(parts);
  }
  throw new ArgumentError(
    `partitionDirichlet: no draw in ${MAX_DIRICHLET_TRIES} gave every one of ${clients} clients at least ${minSize} examples - raise alpha, lower minSize or use fewer clients`,
  );
}

/**
 * Pathological non-IID shards (McMahan et al., 2017): examples sorted by
 * label are cut into clients * shardsPerClient shards, and each client gets
 * shardsPerClient random shards. Unlike a plain cut of the sorted list, shards
 * are cut within each label (each label gets shards in proportion to its
 * size), so no shard mixes labels and a client holds at most shardsPerClient labels.
 */
export function partitionShards(labels: ArrayLike<number> | Tensor, options: PartitionOptions & { shardsPerClient: number }): Partition {
  const y = toLabelArray('partitionShards', labels);
  const { clients, shardsPerClient } = options;
  checkClients('partitionShards', clients, y.length);
  if (!Number.isInteger(shardsPerClient) || shardsPerClient < 1) {
    throw new ArgumentError(`partitionShards: shardsPerClient must be an integer >= 1, got ${shardsPerClient}`);
  }
  const total = clients * shardsPerClient;
  const rng = toRandom(options.seed);
  const byClass = groupByClass(y).filter((m) => m.length > 0);
  if (total < byClass.length) {
    throw new ArgumentError(
      `partitionShards: ${total} shards cannot cover ${byClass.length} labels without mixing them - raise clients or shardsPerClient`,
    );
  }
  if (total > y.length) throw new ArgumentError(`partitionShards: ${total} shards for ${y.length} examples - a shard needs at least one example`);
  const perClass = shardsPerLabel(byClass.map((m) => m.length), total);
  const shards: number[][] = [];
  byClass.forEach((members, c) => {
    const order = shuffleInPlace([...members], rng);
    const k = perClass[c];
    for (let s = 0; s < k; s++) shards.push(order.slice(Math.floor((s * order.length) / k), Math.floor(((s + 1) * order.length) / k)));
  });
  const deal = shuffledIndices(total, rng);
  const parts: number[][] = Array.from({ length: clients }, () => []);
  for (let i = 0; i < total; i++) parts[Math.floor(i / shardsPerClient)].push(...shards[deal[i]]);
  return sorted(parts);
}

/** Integer counts summing to `total`, each the floor or ceiling of weights[i] * total (Hamilton's method). */
export function largestRemainder(weights: ArrayLike<number>, total: number): number[] {
  let sum = 0;
  for (let i = 0; i < weights.length; i++) sum += weights[i];
  const exact = Array.from(weights, (w) => (w / sum) * total);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((a, b) => a + b, 0);
  const order = exact.map((e, i) => i).sort((a, b) => exact[b] - counts[b] - (exact[a] - counts[a]) || a - b);
  for (let k = 0; left > 0; k = (k + 1) % order.length, left--) counts[order[k]]++;
  return counts;
}

/** Shards per label: one each, then each further shard to the label whose shards are largest, keeping shard sizes even. */
function shardsPerLabel(sizes: number[], total: number): number[] {
  const k = sizes.map(() => 1);
  for (let given = sizes.length; given < total; given++) {
    let best = 0;
    for (let c = 1; c < sizes.length; c++) if (sizes[c] / k[c] > sizes[best] / k[best]) best = c;
    k[best]++;
  }
  return k;
}

/** Partitions by scheme: the entry point the command line and the simulation use. */
export function partition(labels: ArrayLike<number> | Tensor, scheme: PartitionScheme, options: PartitionOptions): Partition {
  switch (scheme.kind) {
    case 'iid':
      return partitionIid('shape' in labels ? labels.shape[0] : labels.length, options);
    case 'dirichlet':
      return partitionDirichlet(labels, { ...options, alpha: scheme.alpha, minSize: scheme.minSize });
    case 'shards':
      return partitionShards(labels, { ...options, shardsPerClient: scheme.shardsPerClient });
    default:
      throw new ArgumentError(`partition: unknown scheme '${(scheme as { kind: string }).kind}' - use iid, dirichlet or shards`);
  }
}

/** Reads 'iid', 'dirichlet:0.5' or 'shards:2' (the command line's --partition). */
export function parsePartitionScheme(spec: string): PartitionScheme {
  const [kind, arg, extra] = spec.trim().split(':');
  const value = Number(arg);
  if (kind === 'iid' && arg === undefined) return { kind: 'iid' };
  if (kind === 'dirichlet' && extra === undefined && value > 0 && Number.isFinite(value)) return { kind: 'dirichlet', alpha: value };
  if (kind === 'shards' && extra === undefined && Number.isInteger(value) && value >= 1) return { kind: 'shards', shardsPerClient: value };
  throw new ArgumentError(`partition: cannot read '${spec}' - use iid, dirichlet:ALPHA (e.g. dirichlet:0.5) or shards:K (e.g. shards:2)`);
}
