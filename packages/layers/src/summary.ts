import type { Model } from './model.js';

/**
 * Keras-style summary: one row per layer call with its output shape
 * (`None`-free: the batch axis is shown as `batch`) and parameter count,
 * then the totals. A shared layer's parameters are counted once.
 */
export function formatSummary(model: Model): string {
  const counted = new Set<string>();
  const rows: [string, string, string][] = [[`${model.input.inputName ?? 'input'} (Input)`, shape(model.inputShape), '0']];
  for (const n of model.nodes) {
    const first = !counted.has(n.layer.name);
    counted.add(n.layer.name);
    rows.push([`${n.layer.name} (${n.layer.className})`, shape(n.output.shape), first ? fmt(n.layer.countParams()) : '0 (shared)']);
  }
  const head: [string, string, string] = ['Layer (type)', 'Output shape', 'Params'];
  const widths = [0, 1, 2].map((i) => Math.max(head[i].length, ...rows.map((r) => r[i].length)));
  const line = (r: [string, string, string]) => `${r[0].padEnd(widths[0])}  ${r[1].padEnd(widths[1])}  ${r[2].padStart(widths[2])}`;
  const rule = (ch: string) => ch.repeat(widths[0] + widths[1] + widths[2] + 4);
  const { total, trainable, nonTrainable } = model.countParams();
  return [
    `Model: ${model.name} (${model.kind})`,
    rule('='),
    line(head),
    rule('='),
    ...rows.map(line),
    rule('='),
    `Total params: ${fmt(total)}`,
    `Trainable params: ${fmt(trainable)}`,
    `Non-trainable params: ${fmt(nonTrainable)}`,
  ].join('\n');
}

const shape = (s: readonly number[]): string => `[batch, ${s.join(', ')}]`.replace(', ]', ']');
const fmt = (n: number): string => n.toLocaleString('en-US');
