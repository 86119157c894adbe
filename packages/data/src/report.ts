import { ArgumentError, type Tensor } from '@neurite/core';
import { toLabelArray } from './arrays.js';
import type { Partition } from './partition.js';

export interface ClientLabels {
  client: number;
  size: number;
  /** counts[c]: how many of the client's examples have label c. */
  counts: number[];
  /** How many distinct labels the client holds. */
  labels: number;
}

export interface PartitionReport {
  numClasses: number;
  clients: ClientLabels[];
}

/** Each client's label histogram: the first thing to look at in a non-IID experiment. */
export function partitionReport(labels: ArrayLike<number> | Tensor, parts: Partition, numClasses?: number): PartitionReport {
  const y = toLabelArray('partitionReport', labels);
  let classes = numClasses ?? 0;
  if (numClasses === undefined) for (const v of y) classes = Math.max(classes, v + 1);
  const clients = parts.map((idx, client) => {
    const counts = new Array<number>(classes).fill(0);
    for (const i of idx) {
      if (i < 0 || i >= y.length) throw new ArgumentError(`partitionReport: client ${client} holds index ${i} but there are ${y.length} labels`);
      if (y[i] >= classes) throw new ArgumentError(`partitionReport: label ${y[i]} does not fit numClasses ${classes}`);
      counts[y[i]]++;
    }
    return { client, size: idx.length, counts, labels: counts.filter((c) => c > 0).length };
  });
  return { numClasses: classes, clients };
}

/**
 * A plain-text table, one row per client and one column per label, with
 * each row's total and number of distinct labels, e.g.
 *
 *   client  size     0    1    2  labels
 *        0   400   400    0    0       1
 */
export function formatPartitionReport(report: PartitionReport, classNames?: readonly string[]): string {
  const head = ['client', 'size', ...Array.from({ length: report.numClasses }, (_, c) => classNames?.[c] ?? String(c)), 'labels'];
  const rows = report.clients.map((r) => [r.client, r.size, ...r.counts, r.labels].map(String));
  const widths = head.map((h, j) => Math.max(h.length, ...rows.map((r) => r[j].length)));
  const line = (cells: string[]) => cells.map((c, j) => c.padStart(widths[j])).join('  ');
  return [line(head), ...rows.map(line)].join('\n');
}
